/* confirm/confirm.h - `heddle confirm`: joins static findings (a `heddle
 * check --format sarif` report) with dynamic reports (`heddle explore
 * --json`).
 *
 * Flow (confirm/main.c): hd__confirm_load reads and validates both files,
 * hd__confirm_join edits the SARIF document in place (each static result
 * matched by a report gets the `heddle.*` properties and the report's
 * locations; every report that matched nothing becomes a `dynamic/<kind>`
 * result), then a writer prints it: the SARIF itself or hd__confirm_text.
 * Everything works on jansson values; the documents are owned by the
 * caller. The rule <-> kind table is confirm/confirm.def alone. */
#ifndef HEDDLE_ANALYZER_CONFIRM_H
#define HEDDLE_ANALYZER_CONFIRM_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#define HD__CONFIRM_RULE_PREFIX "dynamic/"

/* --- kinds.c: the registry --- */
typedef struct hd__confirm_kind {
  const char *kind, *level, *rules, *short_desc, *full_desc;
} hd__confirm_kind;
/* The registry entry of kind, or NULL for a kind it does not list. */
const hd__confirm_kind *hd__confirm_kind_find(const char *kind);
/* Whether a report of `kind` confirms a finding of static rule `rule`. */
bool hd__confirm_kind_confirms(const char *kind, const char *rule);
/* The SARIF reportingDescriptor of rule `dynamic/<kind>` (unknown kinds get
 * a generic description); helpUri is doc_url. New reference. */
json_t *hd__confirm_rule_json(const char *kind, const char *doc_url);

/* --- match.c: the matcher --- */
/* Splits an explore location "path:line (function)" (the function part is
 * optional). Returns false when there is no ":line"; *path is malloc'd. */
bool hd__confirm_where_parse(const char *where, char **path, int *line);
/* Whether two paths name the same file: the path components of the shorter
 * one equal the last components of the other ("hazards/a.c" and
 * "/src/examples/hazards/a.c"; explore prints paths relative to its build). */
bool hd__confirm_path_match(const char *a, const char *b);
/* The path of a URI: file:// removed, percent-decoding undone; malloc'd. */
char *hd__confirm_uri_decode(const char *uri);
/* The file path of a SARIF physicalLocation's artifactLocation.uri
 * (file:// removed, percent-decoding undone), malloc'd, or NULL. */
char *hd__confirm_uri_path(const json_t *physical);
/* Whether dynamic report `report` (an element of the JSON's "reports")
 * confirms SARIF result `result`: its kind confirms the result's ruleId and
 * one of its locations has the file and line of the result's primary
 * location or of one of its relatedLocations. */
bool hd__confirm_matches(const json_t *result, const json_t *report);

/* --- load.c --- */
/* Reads both files. On bad input (unreadable, malformed JSON, not SARIF
 * 2.1.0 with runs[0].results, not an explore report with a "reports" array
 * of objects with a string "kind") prints `file: error: why` to err and
 * returns false. */
bool hd__confirm_load(const char *sarif_path, const char *dyn_path, json_t **sarif, json_t **dyn,
                      FILE *err);

/* --- join.c --- */
typedef struct hd__confirm_counts {
  int confirmed, static_only, dynamic_only, suppressed;
} hd__confirm_counts;
/* Joins dyn into sarif's first run (see the header comment). doc_url is the
 * helpUri of the dynamic rules. Returns 0 or HD_ENOMEM. */
int hd__confirm_join(json_t *sarif, const json_t *dyn, const char *doc_url,
                     hd__confirm_counts *counts);

/* --- text.c --- */
/* Clang-style lines for a joined document: per unsuppressed result
 * `file:line:col: level: confirmed|static only|dynamic only: message [rule]`
 * then its locations and the replay command as notes. Paths relative to cwd
 * when below it. */
void hd__confirm_text(FILE *out, const json_t *sarif, const char *cwd);

/* --- main.c --- */
/* `heddle confirm STATIC.sarif DYNAMIC.json [-o OUT] [--format sarif|text]`;
 * argv[0] is "confirm". Exit 0 nothing reported, 1 results, 2 bad input. */
int hd__confirm_main(int argc, char **argv);

#endif
