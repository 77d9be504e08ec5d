/* confirm/join.c - edits a `heddle check` SARIF log in place with the
 * reports of `heddle explore`: confirmed results get `heddle.*` properties
 * and the reports' locations as relatedLocations; reports that confirm
 * nothing become `dynamic/<kind>` results (rules declared on demand). */
#include <ctype.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "confirm/confirm.h"
#include "heddle/error.h"

/* A URI reference for a plain path (what a URI may not hold, encoded). */
static char *uri_encode(const char *path) {
  char *out = malloc(strlen(path) * 3 + 1), *o = out;
  if (!out)
    return NULL;
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

/* A static location in the run at path (and, when line > 0, at that line),
 * or NULL. */
static const json_t *static_location(const json_t *results, const char *path, int line) {
  static const char *const lists[] = {"locations", "relatedLocations"};
  size_t i, j;
  const json_t *res, *l;
  json_array_foreach(results, i, res) {
    for (int k = 0; k < 2; k++) {
      json_array_foreach(json_object_get(res, lists[k]), j, l) {
        const json_t *pl = json_object_get(l, "physicalLocation");
        json_int_t start =
            json_integer_value(json_object_get(json_object_get(pl, "region"), "startLine"));
        char *file = hd__confirm_uri_path(pl);
        bool hit = file && hd__confirm_path_match(file, path) && (line <= 0 || start == line);
        free(file);
        if (hit)
          return pl;
      }
    }
  }
  return NULL;
}

/* The SARIF physicalLocation of an explore location ("path:line (fn)"):
 * the artifact (and region, on the same line) of a static location in the
 * same file when there is one, so viewers open the same file. */
static json_t *dyn_physical(const json_t *results, const char *where) {
  char *path;
  int line;
  if (!where || !hd__confirm_where_parse(where, &path, &line))
    return NULL;
  json_t *pl = NULL;
  const json_t *same_line = static_location(results, path, line);
  const json_t *same_file = same_line ? same_line : static_location(results, path, 0);
  if (same_line) {
    pl = json_deep_copy(same_line);
  } else if (same_file) {
    pl = json_pack("{s:O, s:{s:i, s:i, s:i, s:i}}", "artifactLocation",
                   json_object_get(same_file, "artifactLocation"), "region", "startLine", line,
                   "startColumn", 1, "endLine", line, "endColumn", 1);
  } else {
    char *uri = uri_encode(path);
    pl = json_pack("{s:{s:s}, s:{s:i, s:i, s:i, s:i}}", "artifactLocation", "uri", uri ? uri : "",
                   "region", "startLine", line, "startColumn", 1, "endLine", line, "endColumn", 1);
    free(uri);
  }
  free(path);
  return pl;
}

static json_int_t max_related_id(const json_t *result) {
  json_int_t max = 0;
  size_t i;
  const json_t *l;
  json_array_foreach(json_object_get(result, "relatedLocations"), i, l) {
    json_int_t id = json_integer_value(json_object_get(l, "id"));
    if (id > max)
      max = id;
  }
  return max;
}

/* Appends the report's locations to result.relatedLocations. */
static void add_related(json_t *result, const json_t *results, const json_t *report) {
  json_t *related = json_object_get(result, "relatedLocations");
  if (!related) {
    related = json_array();
    json_object_set_new(result, "relatedLocations", related);
  }
  json_int_t id = max_related_id(result);
  const char *kind = json_string_value(json_object_get(report, "kind"));
  size_t i;
  const json_t *l;
  json_array_foreach(json_object_get(report, "locations"), i, l) {
    json_t *pl = dyn_physical(results, json_string_value(json_object_get(l, "where")));
    if (!pl)
      continue;
    const char *note = json_string_value(json_object_get(l, "note"));
    json_t *msg = json_sprintf("%s: %s", kind, note ? note : "here");
    json_array_append_new(related, json_pack("{s:I, s:o, s:{s:o}}", "id", ++id, "physicalLocation",
                                             pl, "message", "text", msg));
  }
}

static void set_dyn_properties(json_t *result, const json_t *report) {
  json_t *props = json_object_get(result, "properties");
  if (!json_is_object(props)) {
    props = json_object();
    json_object_set_new(result, "properties", props);
  }
  const char *schedule = json_string_value(json_object_get(report, "schedule"));
  const char *replay = json_string_value(json_object_get(report, "replay"));
  json_object_set_new(props, "heddle.schedule", json_string(schedule ? schedule : ""));
  json_object_set_new(props, "heddle.replay", json_string(replay ? replay : ""));
  json_object_set(props, "heddle.dynamicKind", json_object_get(report, "kind"));
}

static bool suppressed(const json_t *result) {
  return json_array_size(json_object_get(result, "suppressions")) > 0;
}

/* The index of rule dynamic/<kind> in rules, declared when missing. */
static json_int_t rule_index(json_t *rules, const char *kind, const char *doc_url) {
  size_t i;
  json_t *r;
  json_array_foreach(rules, i, r) {
    const char *id = json_string_value(json_object_get(r, "id"));
    if (id && strncmp(id, HD__CONFIRM_RULE_PREFIX, strlen(HD__CONFIRM_RULE_PREFIX)) == 0 &&
        strcmp(id + strlen(HD__CONFIRM_RULE_PREFIX), kind) == 0)
      return (json_int_t)i;
  }
  json_t *rule = hd__confirm_rule_json(kind, doc_url);
  if (!rule || json_array_append_new(rules, rule) != 0)
    return -1;
  return (json_int_t)json_array_size(rules) - 1;
}

/* FNV-1a of the kind and the locations' file names and lines: stable
 * across runs and builds (schedules and addresses are left out). */
static json_t *dyn_fingerprint(const json_t *report, const json_t *results) {
  uint64_t h = 14695981039346656037ull;
  const char *kind = json_string_value(json_object_get(report, "kind"));
  size_t i;
  const json_t *l;
  for (const char *p = kind; *p; p++)
    h = (h ^ (unsigned char)*p) * 1099511628211ull;
  json_array_foreach(json_object_get(report, "locations"), i, l) {
    const char *where = json_string_value(json_object_get(l, "where"));
    const char *base = where ? strrchr(where, '/') : NULL;
    for (const char *p = base ? base + 1 : where ? where : ""; *p; p++)
      h = (h ^ (unsigned char)*p) * 1099511628211ull;
  }
  char hash[17];
  snprintf(hash, sizeof hash, "%016llx", (unsigned long long)h);
  int occurrence = 1;
  json_array_foreach(results, i, l) {
    const char *fp = json_string_value(
        json_object_get(json_object_get(l, "partialFingerprints"), "primaryLocationLineHash"));
    if (fp && strncmp(fp, hash, 16) == 0)
      occurrence++;
  }
  return json_sprintf("%s:%d", hash, occurrence);
}

static json_t *dynamic_result(const json_t *report, json_t *results, json_t *rules,
                              const char *doc_url) {
  const char *kind = json_string_value(json_object_get(report, "kind"));
  const char *message = json_string_value(json_object_get(report, "message"));
  const char *replay = json_string_value(json_object_get(report, "replay"));
  const hd__confirm_kind *k = hd__confirm_kind_find(kind);
  json_int_t index = rule_index(rules, kind, doc_url);
  if (index < 0)
    return NULL;
  json_t *res = json_pack(
      "{s:s+, s:I, s:s, s:{s:o}}", "ruleId", HD__CONFIRM_RULE_PREFIX, kind, "ruleIndex", index,
      "level", k ? k->level : "warning", "message", "text",
      json_sprintf("%s (replay: %s)", message ? message : kind, replay ? replay : "none"));
  if (!res)
    return NULL;
  json_t *locations = json_array(), *related = json_array();
  size_t i;
  const json_t *l;
  json_array_foreach(json_object_get(report, "locations"), i, l) {
    json_t *pl = dyn_physical(results, json_string_value(json_object_get(l, "where")));
    if (!pl)
      continue;
    const char *note = json_string_value(json_object_get(l, "note"));
    if (json_array_size(locations) == 0)
      json_array_append_new(locations, json_pack("{s:o, s:{s:s}}", "physicalLocation", pl,
                                                 "message", "text", note ? note : kind));
    else
      json_array_append_new(related, json_pack("{s:I, s:o, s:{s:s}}", "id", (json_int_t)i,
                                               "physicalLocation", pl, "message", "text",
                                               note ? note : kind));
  }
  json_object_set_new(res, "locations", locations);
  json_object_set_new(res, "relatedLocations", related);
  json_object_set_new(
      res, "partialFingerprints",
      json_pack("{s:o}", "primaryLocationLineHash", dyn_fingerprint(report, results)));
  set_dyn_properties(res, report);
  return res;
}

int hd__confirm_join(json_t *sarif, const json_t *dyn, const char *doc_url,
                     hd__confirm_counts *counts) {
  json_t *run = json_array_get(json_object_get(sarif, "runs"), 0);
  json_t *results = json_object_get(run, "results");
  json_t *driver = json_object_get(json_object_get(run, "tool"), "driver");
  json_t *rules = json_object_get(driver, "rules");
  if (!json_is_array(rules)) {
    rules = json_array();
    json_object_set_new(driver, "rules", rules);
  }
  const json_t *reports = json_object_get(dyn, "reports");
  size_t nreports = json_array_size(reports), nstatic = json_array_size(results);
  bool *used = calloc(nreports + 1, sizeof *used);
  if (!used)
    return HD_ENOMEM;
  *counts = (hd__confirm_counts){0};
  for (size_t i = 0; i < nstatic; i++) {
    json_t *res = json_array_get(results, i);
    json_t *kinds = json_array();
    for (size_t j = 0; j < nreports; j++) {
      const json_t *rep = json_array_get(reports, j);
      if (!hd__confirm_matches(res, rep))
        continue;
      if (json_array_size(kinds) == 0)
        set_dyn_properties(res, rep);
      json_array_append(kinds, json_object_get(rep, "kind"));
      add_related(res, results, rep);
      used[j] = true;
    }
    bool confirmed = json_array_size(kinds) > 0;
    if (confirmed) {
      json_t *props = json_object_get(res, "properties");
      json_object_set_new(props, "heddle.confirmed", json_true());
      json_object_set(props, "heddle.confirmedBy", kinds);
    }
    json_decref(kinds);
    if (suppressed(res))
      counts->suppressed++;
    else if (confirmed)
      counts->confirmed++;
    else
      counts->static_only++;
  }
  for (size_t j = 0; j < nreports; j++) {
    if (used[j])
      continue;
    json_t *res = dynamic_result(json_array_get(reports, j), results, rules, doc_url);
    if (!res || json_array_append_new(results, res) != 0) {
      free(used);
      return HD_ENOMEM;
    }
    counts->dynamic_only++;
  }
  free(used);
  return 0;
}
