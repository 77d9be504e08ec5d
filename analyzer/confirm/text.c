/* confirm/text.c - a joined SARIF log as clang-style text: one line per
 * unsuppressed result saying whether it is confirmed, static only or
 * dynamic only, then its related locations (static notes, dynamic steps)
 * and the replay command as notes. */
#include <stdlib.h>
#include <string.h>

#include "confirm/confirm.h"
#include "output/output.h"

/* The file of a physical location as text: resolved against the run's
 * uriBaseId when it has one, then relative to cwd when below it. */
static void print_location(FILE *out, const json_t *run, const json_t *pl, const char *cwd) {
  char *path = hd__confirm_uri_path(pl);
  const char *base_id =
      json_string_value(json_object_get(json_object_get(pl, "artifactLocation"), "uriBaseId"));
  const char *base_uri = json_string_value(json_object_get(
      json_object_get(json_object_get(run, "originalUriBaseIds"), base_id ? base_id : ""), "uri"));
  char *base = base_uri ? hd__confirm_uri_decode(base_uri) : NULL;
  char *full = NULL;
  if (path && base && path[0] != '/') {
    size_t n = strlen(base);
    full = malloc(n + strlen(path) + 2);
    if (full)
      sprintf(full, "%s%s%s", base, n && base[n - 1] == '/' ? "" : "/", path);
  }
  const char *shown = full ? full : path ? path : "<unknown>";
  if (cwd && shown[0] == '/')
    shown = hd__path_relative(shown, cwd);
  const json_t *region = json_object_get(pl, "region");
  json_int_t line = json_integer_value(json_object_get(region, "startLine"));
  json_int_t col = json_integer_value(json_object_get(region, "startColumn"));
  fprintf(out, "%s:%lld:", shown, (long long)line);
  if (col > 1)
    fprintf(out, "%lld:", (long long)col);
  free(full);
  free(base);
  free(path);
}

static const char *text_of(const json_t *o) {
  const char *t = json_string_value(json_object_get(json_object_get(o, "message"), "text"));
  return t ? t : "";
}

/* The length of msg without the " (replay: R)" a dynamic-only result's
 * message ends with (the replay command is printed as a note). */
static int without_replay(const char *msg, const char *replay) {
  size_t len = strlen(msg);
  if (!replay)
    return (int)len;
  size_t tail = strlen(" (replay: )") + strlen(replay);
  if (len >= tail && strncmp(msg + len - tail, " (replay: ", 10) == 0 &&
      strncmp(msg + len - tail + 10, replay, strlen(replay)) == 0)
    len -= tail;
  return (int)len;
}

void hd__confirm_text(FILE *out, const json_t *sarif, const char *cwd) {
  const json_t *run = json_array_get(json_object_get(sarif, "runs"), 0);
  size_t i, j;
  const json_t *res, *l;
  json_array_foreach(json_object_get(run, "results"), i, res) {
    if (json_array_size(json_object_get(res, "suppressions")) > 0)
      continue;
    const json_t *props = json_object_get(res, "properties");
    const char *rule = json_string_value(json_object_get(res, "ruleId"));
    const char *level = json_string_value(json_object_get(res, "level"));
    bool dynamic = strncmp(rule, HD__CONFIRM_RULE_PREFIX, strlen(HD__CONFIRM_RULE_PREFIX)) == 0;
    bool confirmed = json_is_true(json_object_get(props, "heddle.confirmed"));
    const json_t *primary =
        json_object_get(json_array_get(json_object_get(res, "locations"), 0), "physicalLocation");
    if (primary)
      print_location(out, run, primary, cwd);
    else
      fputs("heddle:", out);
    const char *replay = json_string_value(json_object_get(props, "heddle.replay"));
    const char *msg = text_of(res);
    fprintf(out, " %s: %s: %.*s [%s]\n", level ? level : "warning",
            confirmed ? "confirmed"
            : dynamic ? "dynamic only"
                      : "static only",
            without_replay(msg, dynamic ? replay : NULL), msg, rule);
    json_array_foreach(json_object_get(res, "relatedLocations"), j, l) {
      print_location(out, run, json_object_get(l, "physicalLocation"), cwd);
      fprintf(out, " note: %s\n", text_of(l));
    }
    if (replay && confirmed)
      fprintf(out, "note: confirmed by %s; replay: %s\n",
              json_string_value(json_object_get(props, "heddle.dynamicKind")), replay);
    else if (replay)
      fprintf(out, "note: replay: %s\n", replay);
  }
}
