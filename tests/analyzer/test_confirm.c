/* heddle confirm's matcher and join, below the command line: explore
 * location parsing, the path suffix match (explore prints paths relative
 * to its build), file:// and percent-encoded URIs, the rule <-> kind
 * registry, the match of a report against a result's primary and related
 * locations, and the join (properties, appended related locations,
 * dynamic-only results with declared rules). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "confirm/confirm.h"

/* A static lock-across-await result: primary at relay.c:35, acquired at 29. */
#define RESULT                                                                                     \
  "{\"ruleId\": \"lock-across-await\", \"message\": {\"text\": \"held\"},"                         \
  " \"locations\": [{\"physicalLocation\": {\"artifactLocation\": {\"uri\":"                       \
  " \"examples/hazards/relay.c\", \"uriBaseId\": \"%SRCROOT%\"}, \"region\": {\"startLine\": "     \
  "35}}}],"                                                                                        \
  " \"relatedLocations\": [{\"id\": 1, \"physicalLocation\": {\"artifactLocation\": {\"uri\":"     \
  " \"examples/hazards/relay.c\"}, \"region\": {\"startLine\": 29}}, \"message\": {\"text\": "     \
  "\"acquired\"}}]}"

static json_t *load(const char *text) {
  json_error_t e;
  json_t *j = json_loads(text, 0, &e);
  assert_non_null(j);
  return j;
}

static json_t *report(const char *kind, const char *where) {
  json_t *r = json_pack("{s:s, s:s, s:s, s:s, s:[{s:s, s:s}]}", "kind", kind, "message", "m",
                        "schedule", "v1:ab", "replay", "heddle explore --replay 'v1:ab' -- ./t",
                        "locations", "where", where, "note", "here");
  assert_non_null(r);
  return r;
}

static void test_confirm_where_parse(void **state) {
  (void)state;
  char *path;
  int line;
  assert_true(hd__confirm_where_parse("hazards/relay.c:29 (handle_frame__poll)", &path, &line));
  assert_string_equal(path, "hazards/relay.c");
  assert_int_equal(line, 29);
  free(path);
  assert_true(hd__confirm_where_parse("/a:b/c.c:7", &path, &line));
  assert_string_equal(path, "/a:b/c.c");
  assert_int_equal(line, 7);
  free(path);
  assert_true(hd__confirm_where_parse("/my (dir)/c.c:8 (f)", &path, &line));
  assert_string_equal(path, "/my (dir)/c.c");
  assert_int_equal(line, 8);
  free(path);
  assert_false(hd__confirm_where_parse("relay.c (f)", &path, &line));
  assert_false(hd__confirm_where_parse("relay.c:x (f)", &path, &line));
  assert_false(hd__confirm_where_parse(":12", &path, &line));
  assert_false(hd__confirm_where_parse("relay.c:0", &path, &line));
}

static void test_confirm_path_match(void **state) {
  (void)state;
  assert_true(hd__confirm_path_match("hazards/relay.c", "/src/examples/hazards/relay.c"));
  assert_true(hd__confirm_path_match("/src/examples/hazards/relay.c", "hazards/relay.c"));
  assert_true(hd__confirm_path_match("relay.c", "examples/hazards/relay.c"));
  assert_true(hd__confirm_path_match("../examples/hazards/relay.c", "hazards/relay.c"));
  assert_true(hd__confirm_path_match("/a/relay.c", "/a/relay.c"));
  assert_false(hd__confirm_path_match("other/relay.c", "examples/hazards/relay.c"));
  assert_false(hd__confirm_path_match("hazards/relay.c", "hazards/relay_fixed.c"));
  assert_false(hd__confirm_path_match("ay.c", "relay.c")); /* whole components only */
  assert_false(hd__confirm_path_match("", "relay.c"));
}

static void test_confirm_uri_path(void **state) {
  (void)state;
  /* heddle check without --root writes absolute file:// URIs, percent-encoded */
  json_t *pl = load("{\"artifactLocation\": {\"uri\": \"file:///src/my%20dir/relay.c\"}}");
  char *path = hd__confirm_uri_path(pl);
  assert_string_equal(path, "/src/my dir/relay.c");
  assert_true(hd__confirm_path_match(path, "my dir/relay.c"));
  free(path);
  json_decref(pl);
  pl = load("{\"artifactLocation\": {\"uri\": \"a/b%2x.c\"}}"); /* a bad escape stays */
  path = hd__confirm_uri_path(pl);
  assert_string_equal(path, "a/b%2x.c");
  free(path);
  json_decref(pl);
  assert_null(hd__confirm_uri_path(NULL));
}

static void test_confirm_kind_registry(void **state) {
  (void)state;
  assert_true(hd__confirm_kind_confirms("deadlock", "lock-across-await"));
  assert_true(hd__confirm_kind_confirms("unlock-wrong-thread", "lock-across-await"));
  assert_true(hd__confirm_kind_confirms("unlock-wrong-thread", "non-send-spawn"));
  assert_true(hd__confirm_kind_confirms("lock-held-at-suspend", "lock-across-await"));
  assert_true(hd__confirm_kind_confirms("cancel-data-loss", "cancel-unsafe-select"));
  assert_true(hd__confirm_kind_confirms("data-race", "shared-capture-race"));
  assert_true(hd__confirm_kind_confirms("non-send-access", "non-send-spawn"));
  assert_false(hd__confirm_kind_confirms("data-race", "lock-across-await"));
  assert_false(hd__confirm_kind_confirms("lost-wakeup", "lock-across-await"));
  assert_false(hd__confirm_kind_confirms("deadlock", "lock-across")); /* whole ids */
  assert_false(hd__confirm_kind_confirms("no-such-kind", "blocking-in-async"));
  assert_non_null(hd__confirm_kind_find("task-leak"));
  json_t *rule = hd__confirm_rule_json("deadlock", "file:///docs/shadow.md");
  assert_string_equal(json_string_value(json_object_get(rule, "id")), "dynamic/deadlock");
  assert_string_equal(
      json_string_value(json_object_get(json_object_get(rule, "defaultConfiguration"), "level")),
      "error");
  assert_string_equal(json_string_value(json_object_get(rule, "helpUri")),
                      "file:///docs/shadow.md");
  json_decref(rule);
  rule = hd__confirm_rule_json("brand-new-kind", "u"); /* unknown kinds still get metadata */
  assert_non_null(json_object_get(rule, "fullDescription"));
  json_decref(rule);
}

static void test_confirm_matches_locations(void **state) {
  (void)state;
  json_t *res = load(RESULT);
  struct {
    const char *kind, *where;
    bool match;
  } cases[] = {
      {"deadlock", "hazards/relay.c:35 (f)", true},            /* the primary location */
      {"unlock-wrong-thread", "hazards/relay.c:29 (f)", true}, /* a related location */
      {"deadlock", "hazards/relay.c:30 (f)", false},           /* another line */
      {"deadlock", "other/relay.c:35 (f)", false},             /* another file */
      {"data-race", "hazards/relay.c:35 (f)", false},          /* another family */
      {"lost-wakeup", "hazards/relay.c:35 (f)", false},        /* confirms nothing */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    json_t *rep = report(cases[i].kind, cases[i].where);
    assert_int_equal(hd__confirm_matches(res, rep), cases[i].match);
    json_decref(rep);
  }
  json_decref(res);
}

static void test_confirm_join(void **state) {
  (void)state;
  json_t *sarif = load("{\"version\": \"2.1.0\", \"runs\": [{\"tool\": {\"driver\": {\"name\": "
                       "\"heddle\", \"rules\": []}}, \"results\": [" RESULT "]}]}");
  json_t *dyn = json_pack("{s:[o, o, o]}", "reports", report("deadlock", "hazards/relay.c:29 (f)"),
                          report("lost-wakeup", "hazards/relay.c:43 (g)"),
                          report("lost-wakeup", "elsewhere.c:3 (h)"));
  hd__confirm_counts counts;
  assert_int_equal(hd__confirm_join(sarif, dyn, "file:///shadow.md", &counts), 0);
  assert_int_equal(counts.confirmed, 1);
  assert_int_equal(counts.static_only, 0);
  assert_int_equal(counts.dynamic_only, 2);
  json_t *run = json_array_get(json_object_get(sarif, "runs"), 0);
  json_t *results = json_object_get(run, "results");
  assert_int_equal(json_array_size(results), 3);
  json_t *confirmed = json_array_get(results, 0);
  json_t *props = json_object_get(confirmed, "properties");
  assert_true(json_is_true(json_object_get(props, "heddle.confirmed")));
  assert_string_equal(json_string_value(json_object_get(props, "heddle.schedule")), "v1:ab");
  assert_string_equal(json_string_value(json_object_get(props, "heddle.dynamicKind")), "deadlock");
  json_t *related = json_object_get(confirmed, "relatedLocations");
  assert_int_equal(json_array_size(related), 2);
  json_t *added = json_array_get(related, 1);
  assert_int_equal(json_integer_value(json_object_get(added, "id")), 2);
  assert_string_equal(json_string_value(json_object_get(json_object_get(added, "message"), "text")),
                      "deadlock: here");
  /* the dynamic location takes the static artifact of the same file */
  char *uri = hd__confirm_uri_path(json_object_get(added, "physicalLocation"));
  assert_string_equal(uri, "examples/hazards/relay.c");
  free(uri);
  /* two dynamic-only results of one kind share one declared rule */
  json_t *dyn_res = json_array_get(results, 1);
  assert_string_equal(json_string_value(json_object_get(dyn_res, "ruleId")), "dynamic/lost-wakeup");
  assert_int_equal(json_integer_value(json_object_get(dyn_res, "ruleIndex")), 0);
  assert_non_null(
      strstr(json_string_value(json_object_get(json_object_get(dyn_res, "message"), "text")),
             "(replay: heddle explore --replay 'v1:ab' -- ./t)"));
  assert_int_equal(json_integer_value(json_object_get(json_array_get(results, 2), "ruleIndex")), 0);
  json_t *rules = json_object_get(json_object_get(json_object_get(run, "tool"), "driver"), "rules");
  assert_int_equal(json_array_size(rules), 1);
  json_decref(sarif);
  json_decref(dyn);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_confirm_where_parse),
      cmocka_unit_test(test_confirm_path_match),
      cmocka_unit_test(test_confirm_uri_path),
      cmocka_unit_test(test_confirm_kind_registry),
      cmocka_unit_test(test_confirm_matches_locations),
      cmocka_unit_test(test_confirm_join),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
