/* confirm/load.c - reads the two inputs of `heddle confirm` and checks
 * that they are what they claim (a SARIF 2.1.0 log, an explore report);
 * bad input is a message, never a crash. */
#include <stdlib.h>
#include <string.h>

#include "confirm/confirm.h"

static json_t *read_json(const char *path, FILE *err) {
  json_error_t e;
  json_t *doc = json_load_file(path, 0, &e);
  if (!doc) {
    if (e.line < 0)
      fprintf(err, "%s: error: %s\n", path, e.text);
    else
      fprintf(err, "%s:%d:%d: error: malformed JSON: %s\n", path, e.line, e.column, e.text);
  }
  return doc;
}

static bool bad(const char *path, const char *why, FILE *err) {
  fprintf(err, "%s: error: %s\n", path, why);
  return false;
}

static bool sarif_ok(const char *path, const json_t *doc, FILE *err) {
  const char *version = json_string_value(json_object_get(doc, "version"));
  if (!json_is_object(doc) || !version || strcmp(version, "2.1.0") != 0)
    return bad(path,
               "not a SARIF 2.1.0 log (want \"version\": \"2.1.0\"; write it with "
               "heddle check --format sarif)",
               err);
  json_t *run = json_array_get(json_object_get(doc, "runs"), 0);
  if (!json_is_object(run) || !json_is_array(json_object_get(run, "results")) ||
      !json_is_object(json_object_get(json_object_get(run, "tool"), "driver")))
    return bad(path, "SARIF log without runs[0].tool.driver and runs[0].results", err);
  size_t i;
  json_t *res;
  json_array_foreach(json_object_get(run, "results"), i, res) {
    if (!json_is_string(json_object_get(res, "ruleId")) ||
        !json_is_object(json_object_get(res, "message")))
      return bad(path, "SARIF result without ruleId or message", err);
  }
  return true;
}

static bool dyn_ok(const char *path, const json_t *doc, FILE *err) {
  json_t *reports = json_object_get(doc, "reports");
  if (!json_is_array(reports))
    return bad(path,
               "not a heddle explore report (no \"reports\" array; write it with "
               "heddle explore --json FILE)",
               err);
  size_t i;
  json_t *r;
  json_array_foreach(reports, i, r) {
    json_t *locs = json_object_get(r, "locations");
    if (!json_is_string(json_object_get(r, "kind")) || (locs && !json_is_array(locs)))
      return bad(path, "a report without a string \"kind\" (or with non-array \"locations\")", err);
  }
  return true;
}

bool hd__confirm_load(const char *sarif_path, const char *dyn_path, json_t **sarif, json_t **dyn,
                      FILE *err) {
  *sarif = read_json(sarif_path, err);
  *dyn = *sarif ? read_json(dyn_path, err) : NULL;
  if (*sarif && *dyn && sarif_ok(sarif_path, *sarif, err) && dyn_ok(dyn_path, *dyn, err))
    return true;
  json_decref(*sarif);
  json_decref(*dyn);
  *sarif = *dyn = NULL;
  return false;
}
