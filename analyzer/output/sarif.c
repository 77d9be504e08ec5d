/* output/sarif.c - SARIF 2.1.0 (valid against the OASIS schema).
 *
 * What consumers read (DESIGN.md §7): GitHub code scanning takes the first
 * location and partialFingerprints.primaryLocationLineHash and wants
 * short/full descriptions and help on every rule; the VS Code viewer wants
 * helpUri and shows the first threadFlow of the first codeFlow, which is
 * the witness path. Columns are UTF-16 code units (run.columnKind), so the
 * byte columns from libclang are converted with the source line. URIs are
 * relative to %SRCROOT% (the --root directory) when the file is inside it.
 */
#include <ctype.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "checks/registry.h"
#include "heddle/error.h"
#include "output/output.h"

#define SARIF_SCHEMA                                                                               \
  "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

/* UTF-16 code units before byte offset `bytes` of a UTF-8 line. */
static int utf16_units(const char *line, size_t len, size_t bytes) {
  int units = 0;
  for (size_t i = 0; i < bytes && i < len; i++) {
    unsigned char c = (unsigned char)line[i];
    if ((c & 0xC0) == 0x80)
      continue; /* continuation byte */
    units += c >= 0xF0 ? 2 : 1;
  }
  return units;
}

static bool ident(char c) {
  return isalnum((unsigned char)c) || c == '_';
}

static json_t *region(const hd__report *r, hd__loc loc) {
  size_t len = 0;
  const char *line = hd__source_line(r->src, loc.file, loc.line, &len);
  int start = loc.col, end = loc.col + 1;
  if (line && (size_t)loc.col <= len + 1) {
    size_t b = (size_t)loc.col - 1, e = b;
    while (e < len && ident(line[e]))
      e++;
    if (e == b && e < len)
      e++;
    start = utf16_units(line, len, b) + 1;
    end = utf16_units(line, len, e) + 1;
  }
  return json_pack("{s:i, s:i, s:i, s:i}", "startLine", loc.line, "startColumn", start, "endLine",
                   loc.line, "endColumn", end);
}

/* Percent-encodes what a URI path may not hold. */
static char *uri_path(const char *path) {
  size_t n = strlen(path);
  char *out = malloc(n * 3 + 1);
  if (!out)
    return NULL;
  char *o = out;
  for (const char *p = path; *p; p++) {
    unsigned char c = (unsigned char)*p;
    if (isalnum(c) || strchr("/-._~+", c))
      *o++ = (char)c;
    else
      o += sprintf(o, "%%%02X", c);
  }
  *o = '\0';
  return out;
}

static json_t *artifact(const hd__report *r, const char *file) {
  const char *rel = hd__path_relative(file, r->root);
  char *enc = uri_path(rel);
  json_t *a;
  if (rel != file) {
    a = json_pack("{s:s, s:s}", "uri", enc ? enc : "", "uriBaseId", "%SRCROOT%");
  } else {
    char *abs = hd__strf("file://%s", enc ? enc : "");
    a = json_pack("{s:s}", "uri", abs ? abs : "");
    free(abs);
  }
  free(enc);
  return a;
}

static json_t *physical(const hd__report *r, hd__loc loc) {
  return json_pack("{s:o, s:o}", "artifactLocation", artifact(r, loc.file), "region",
                   region(r, loc));
}

static json_t *rules_json(const hd__report *r) {
  json_t *rules = json_array();
  for (int i = 0; i < hd__rule_count; i++) {
    const hd__rule *rule = &hd__rules[i];
    char *uri = hd__strf("%s%s.md", r->doc_url, rule->id);
    char *md = hd__strf("%s\n\nSee [%s](%s) for bad and good examples, the fix, and how to "
                        "suppress it (`// heddle: ignore[%s] reason`).",
                        rule->full_desc, rule->id, uri ? uri : "", rule->id);
    json_t *o =
        json_pack("{s:s, s:s, s:{s:s}, s:{s:s}, s:{s:s, s:s}, s:s, s:{s:s, s:b}, s:{s:[ss], s:s}}",
                  "id", rule->id, "name", rule->id, "shortDescription", "text", rule->short_desc,
                  "fullDescription", "text", rule->full_desc, "help", "text", rule->full_desc,
                  "markdown", md ? md : "", "helpUri", uri ? uri : "", "defaultConfiguration",
                  "level", rule->level, "enabled", r->enabled ? r->enabled[i] : 1, "properties",
                  "tags", "concurrency", "async", "precision", "high");
    if (o)
      json_array_append_new(rules, o);
    free(uri);
    free(md);
  }
  return rules;
}

static json_t *result_json(const hd__report *r, const hd__finding *f) {
  const hd__rule *rule = &hd__rules[f->rule];
  json_t *res = json_pack("{s:s, s:i, s:s, s:{s:s}, s:[{s:o}]}", "ruleId", rule->id, "ruleIndex",
                          f->rule, "level", f->level ? f->level : rule->level, "message", "text",
                          f->msg, "locations", "physicalLocation", physical(r, f->loc));
  if (!res)
    return NULL;
  json_t *related = json_array();
  for (int n = 0; n < f->nnotes; n++)
    json_array_append_new(related, json_pack("{s:i, s:o, s:{s:s}}", "id", n + 1, "physicalLocation",
                                             physical(r, f->notes[n].loc), "message", "text",
                                             f->notes[n].msg));
  json_object_set_new(res, "relatedLocations", related);
  /* the witness path: its steps when the check gave them, else the notes */
  const hd__note *steps = f->nflow ? f->flow : f->notes;
  int nsteps = f->nflow ? f->nflow : f->nnotes;
  json_t *flow = json_array();
  for (int n = 0; n < nsteps; n++)
    json_array_append_new(flow,
                          json_pack("{s:{s:o, s:{s:s}}}", "location", "physicalLocation",
                                    physical(r, steps[n].loc), "message", "text", steps[n].msg));
  if (json_array_size(flow) > 0)
    json_object_set_new(res, "codeFlows",
                        json_pack("[{s:{s:s}, s:[{s:o}]}]", "message", "text", "witness path",
                                  "threadFlows", "locations", flow));
  else
    json_decref(flow);
  if (f->fingerprint)
    json_object_set_new(res, "partialFingerprints",
                        json_pack("{s:s}", "primaryLocationLineHash", f->fingerprint));
  if (f->suppressed)
    json_object_set_new(res, "suppressions",
                        json_pack("[{s:s, s:s}]", "kind", "inSource", "justification",
                                  f->suppression ? f->suppression : ""));
  return res;
}

static json_t *invocation_json(const hd__report *r) {
  json_t *notes = json_array();
  for (int i = 0; i < r->failed_tus; i++)
    json_array_append_new(
        notes, json_pack("{s:s, s:{s:s}, s:[{s:{s:o}}]}", "level", "error", "message", "text",
                         "the file did not compile; it was not analyzed", "locations",
                         "physicalLocation", "artifactLocation", artifact(r, r->failed[i])));
  return json_pack("[{s:b, s:o}]", "executionSuccessful", r->failed_tus == 0,
                   "toolExecutionNotifications", notes);
}

int hd__sarif_write(FILE *out, const hd__findings *fs, const hd__report *r) {
  json_t *results = json_array();
  for (int i = 0; i < fs->n; i++) {
    json_t *res = result_json(r, &fs->v[i]);
    if (res)
      json_array_append_new(results, res);
  }
  char *root_uri_path = uri_path(r->root);
  char *root_uri = hd__strf("file://%s/", root_uri_path ? root_uri_path : "");
  free(root_uri_path);
  json_t *run =
      json_pack("{s:{s:{s:s, s:s, s:s, s:s, s:o}}, s:{s:{s:s}}, s:o, s:s, s:o}", "tool", "driver",
                "name", "heddle", "version", HEDDLE_VERSION, "semanticVersion", HEDDLE_VERSION,
                "informationUri", r->doc_url, "rules", rules_json(r), "originalUriBaseIds",
                "%SRCROOT%", "uri", root_uri ? root_uri : "file:///", "invocations",
                invocation_json(r), "columnKind", "utf16CodeUnits", "results", results);
  free(root_uri);
  json_t *root =
      json_pack("{s:s, s:s, s:[o]}", "$schema", SARIF_SCHEMA, "version", "2.1.0", "runs", run);
  if (!root)
    return HD_ENOMEM;
  int rc = json_dumpf(root, out, JSON_INDENT(2)) == 0 ? 0 : HD_EIO;
  fputc('\n', out);
  json_decref(root);
  return rc;
}
