/* output/baseline.c - --baseline FILE: report only findings not in FILE.
 *
 * FILE is an earlier report: SARIF (runs[].results[].ruleId and
 * partialFingerprints.primaryLocationLineHash) or heddle's JSON
 * (findings[].rule and .fingerprint). Fingerprints hash the line's text,
 * not its number, so findings keep matching when code moves. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "checks/registry.h"
#include "heddle/error.h"
#include "output/output.h"

typedef struct known {
  json_t *pairs; /* array of [rule, fingerprint] */
} known;

static void add_pair(known *k, const char *rule, const char *fp) {
  if (rule && fp)
    json_array_append_new(k->pairs, json_pack("[ss]", rule, fp));
}

static bool in_baseline(const hd__finding *f, void *ctx) {
  known *k = ctx;
  size_t i;
  json_t *p;
  json_array_foreach(k->pairs, i, p) {
    if (strcmp(json_string_value(json_array_get(p, 0)), hd__rules[f->rule].id) == 0 &&
        f->fingerprint && strcmp(json_string_value(json_array_get(p, 1)), f->fingerprint) == 0)
      return false; /* known: drop */
  }
  return true;
}

int hd__baseline_apply(hd__findings *fs, const char *path) {
  json_error_t err;
  json_t *root = json_load_file(path, 0, &err);
  if (!root) {
    if (err.line > 0)
      fprintf(stderr, "%s:%d:%d: error: baseline: %s\n", path, err.line, err.column, err.text);
    else
      fprintf(stderr, "%s: error: baseline: %s\n", path, err.text);
    return HD_EINVAL;
  }
  known k = {json_array()};
  json_t *runs = json_object_get(root, "runs");
  json_t *findings = json_object_get(root, "findings");
  size_t i, j;
  json_t *run, *res;
  if (json_is_array(runs)) {
    json_array_foreach(runs, i, run) {
      json_array_foreach(json_object_get(run, "results"), j, res) {
        add_pair(&k, json_string_value(json_object_get(res, "ruleId")),
                 json_string_value(json_object_get(json_object_get(res, "partialFingerprints"),
                                                   "primaryLocationLineHash")));
      }
    }
  } else if (json_is_array(findings)) {
    json_array_foreach(findings, i, res) {
      add_pair(&k, json_string_value(json_object_get(res, "rule")),
               json_string_value(json_object_get(res, "fingerprint")));
    }
  } else {
    fprintf(stderr, "%s: error: baseline is neither a SARIF nor a heddle JSON report\n", path);
    json_decref(k.pairs);
    json_decref(root);
    return HD_EINVAL;
  }
  int before = fs->n;
  hd__findings_filter(fs, in_baseline, &k);
  json_decref(k.pairs);
  json_decref(root);
  return before - fs->n;
}
