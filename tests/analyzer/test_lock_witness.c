/* lock-across-await reports on the feasible witness: when the lock-state
 * exploration's first path to the await is one Z3 refutes and another path
 * can run, the finding's notes (where the lock was taken) and its flow (the
 * branch decisions, SARIF's codeFlow) follow the path that can run. Each
 * snippet is parsed from memory, built into IR with the bundled packs plus
 * a unit pack (`suspend()` is an await), summarised and checked. */
#include "snippet_check.h"

#define PRELUDE                                                                                    \
  "#include <pthread.h>\n"                                                                         \
  "void suspend(void);\n"                                                                          \
  "extern pthread_mutex_t m;\n"
#define PRELUDE_LINES 3

#define PACK_TEXT                                                                                  \
  "pack: unit\n"                                                                                   \
  "functions:\n"                                                                                   \
  "  - {name: suspend, role: suspending}\n"

static const snippet_rule RULE = {"lock-across-await", PRELUDE, PRELUDE_LINES, PACK_TEXT};

/* Asserts that the note (or, with flow, the flow step) at `k` of finding f
 * is on `line` and its message contains `text`. */
static void expect_step(const hd__finding *f, bool flow, int k, int line, const char *text) {
  const hd__note *v = flow ? f->flow : f->notes;
  int n = flow ? f->nflow : f->nnotes;
  if (k >= n)
    fail_msg("%s %d missing (%d in all)", flow ? "flow step" : "note", k, n);
  if (v[k].loc.line != line || !strstr(v[k].msg, text))
    fail_msg("%s %d: line %d '%s', expected line %d '%s'", flow ? "flow step" : "note", k,
             v[k].loc.line, v[k].msg, line, text);
}

/* Locked under `c` and unlocked under `c` (the exploration reaches the
 * await first through line 3 with the unlock skipped, which Z3 refutes);
 * the run that holds the lock takes it under `!c` on line 7. */
static void test_lock_witness_notes_follow_feasible_path(void **state) {
  (void)state;
  static const char body[] = "void f(int c) {\n"             /* 1 */
                             "  if (c)\n"                    /* 2 */
                             "    pthread_mutex_lock(&m);\n" /* 3 */
                             "  if (c)\n"                    /* 4 */
                             "    pthread_mutex_unlock(&m);\n"
                             "  if (!c)\n"                   /* 6 */
                             "    pthread_mutex_lock(&m);\n" /* 7 */
                             "  suspend();\n"                /* 8 */
                             "  pthread_mutex_unlock(&m);\n"
                             "}\n";
  hd__findings fs = snippet_run(&RULE, body);
  assert_int_equal(fs.n, 1);
  const hd__finding *f = &fs.v[0];
  assert_int_equal(f->loc.line, 8);
  assert_int_equal(f->nnotes, 2);
  expect_step(f, false, 0, 7, "lock 'm' acquired here");
  expect_step(f, false, 1, 8, "await while 'm' is held");
  /* c false on every test, then the acquisition and the await */
  assert_int_equal(f->nflow, 5);
  expect_step(f, true, 0, 2, "condition is false");
  expect_step(f, true, 1, 4, "condition is false");
  expect_step(f, true, 2, 6, "condition is false"); /* `!c` branches on c */
  expect_step(f, true, 3, 7, "acquired here");
  expect_step(f, true, 4, 8, "await while");
  hd__findings_free(&fs);
}

/* The same with a flag set where the lock is taken: the first witness
 * takes the lock in the `if (c)` branch and skips its release, which the
 * flag contradicts; the feasible run takes it in the `else` branch, whose
 * release is guarded by a test the flag also decides. */
static void test_lock_witness_flag_decides_acquisition(void **state) {
  (void)state;
  static const char body[] = "void f(int c) {\n"               /* 1 */
                             "  int mine = 0;\n"               /* 2 */
                             "  if (c) {\n"                    /* 3 */
                             "    pthread_mutex_lock(&m);\n"   /* 4 */
                             "    mine = 1;\n"                 /* 5 */
                             "  } else {\n"                    /* 6 */
                             "    pthread_mutex_lock(&m);\n"   /* 7 */
                             "  }\n"                           /* 8 */
                             "  if (mine)\n"                   /* 9 */
                             "    pthread_mutex_unlock(&m);\n" /* 10 */
                             "  suspend();\n"                  /* 11 */
                             "  if (!mine)\n"                  /* 12 */
                             "    pthread_mutex_unlock(&m);\n" /* 13 */
                             "}\n";
  hd__findings fs = snippet_run(&RULE, body);
  assert_int_equal(fs.n, 1);
  const hd__finding *f = &fs.v[0];
  assert_int_equal(f->loc.line, 11);
  expect_step(f, false, 0, 7, "lock 'm' acquired here");
  expect_step(f, false, 1, 11, "await while 'm' is held");
  expect_step(f, true, 0, 3, "condition is false");
  hd__findings_free(&fs);
}

/* Only one path holds the lock at the await: the witness is that path. */
static void test_lock_witness_single_path(void **state) {
  (void)state;
  static const char body[] = "void f(int c) {\n"
                             "  if (c)\n"
                             "    pthread_mutex_lock(&m);\n" /* 3 */
                             "  suspend();\n"                /* 4 */
                             "  if (c)\n"
                             "    pthread_mutex_unlock(&m);\n"
                             "}\n";
  hd__findings fs = snippet_run(&RULE, body);
  assert_int_equal(fs.n, 1);
  expect_step(&fs.v[0], false, 0, 3, "lock 'm' acquired here");
  expect_step(&fs.v[0], true, 0, 2, "condition is true");
  expect_step(&fs.v[0], true, 1, 3, "acquired here");
  hd__findings_free(&fs);
}

/* Every path holding the lock at the await refuted: no finding. */
static void test_lock_witness_all_refuted(void **state) {
  (void)state;
  snippet_expect_lines(&RULE,
                       "void f(int c) {\n"
                       "  if (c)\n"
                       "    pthread_mutex_lock(&m);\n"
                       "  if (c)\n"
                       "    pthread_mutex_unlock(&m);\n"
                       "  suspend();\n"
                       "}\n",
                       0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_lock_witness_notes_follow_feasible_path),
      cmocka_unit_test(test_lock_witness_flag_decides_acquisition),
      cmocka_unit_test(test_lock_witness_single_path),
      cmocka_unit_test(test_lock_witness_all_refuted),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
