/* Control flow and lock tracking, end to end below the command line: each
 * snippet is parsed from memory with libclang, built into IR with the
 * bundled packs, summarised, and checked by lock-across-await; the test
 * compares the lines of the findings. The snippets use a stackful-style
 * pack entry (`suspend()` is an await) so they need no coroutine macros;
 * the corpus covers the HD_ASYNC/HD_AWAIT shapes. */
#include "snippet_check.h"

#define PRELUDE                                                                                    \
  "#include <pthread.h>\n"                                                                         \
  "#include <stdlib.h>\n"                                                                          \
  "void suspend(void);\n"                                                                          \
  "_Noreturn void die(const char *why);\n"                                                         \
  "extern pthread_mutex_t m, n;\n"                                                                 \
  "extern pthread_rwlock_t rw;\n"                                                                  \
  "extern pthread_spinlock_t sp;\n"                                                                \
  "int cond(void);\n"
#define PRELUDE_LINES 8

#define PACK_TEXT                                                                                  \
  "pack: unit\n"                                                                                   \
  "functions:\n"                                                                                   \
  "  - {name: suspend, role: suspending}\n"

static const snippet_rule RULE = {"lock-across-await", PRELUDE, PRELUDE_LINES, PACK_TEXT};

static void test_lock_flow_straight_line(void **state) {
  snippet_expect_lines(&RULE,
                       "void f(void) {\n"
                       "  pthread_mutex_lock(&m);\n"
                       "  suspend();\n" /* 3 */
                       "  pthread_mutex_unlock(&m);\n"
                       "  suspend();\n"
                       "}\n",
                       3, 0);
}

static void test_lock_flow_one_branch_and_early_return(void **state) {
  snippet_expect_lines(&RULE,
                       "void f(int x) {\n"
                       "  if (x)\n"
                       "    pthread_mutex_lock(&m);\n"
                       "  suspend();\n" /* 4: held on the then path */
                       "  if (x)\n"
                       "    pthread_mutex_unlock(&m);\n"
                       "}\n"
                       "void g(int x) {\n"
                       "  pthread_mutex_lock(&m);\n"
                       "  if (x) {\n"
                       "    pthread_mutex_unlock(&m);\n"
                       "    return;\n"
                       "  }\n"
                       "  pthread_mutex_unlock(&m);\n"
                       "  suspend();\n"
                       "}\n",
                       4, 0);
}

static void test_lock_flow_goto_cleanup(void **state) {
  snippet_expect_lines(&RULE,
                       "int f(int x) {\n"
                       "  pthread_mutex_lock(&m);\n"
                       "  if (x < 0)\n"
                       "    goto out;\n"
                       "  if (x > 9)\n"
                       "    goto skip;\n"
                       "  pthread_mutex_unlock(&m);\n"
                       "  return 0;\n"
                       "out:\n"
                       "  pthread_mutex_unlock(&m);\n"
                       "  suspend();\n"
                       "  return -1;\n"
                       "skip:\n"
                       "  suspend();\n" /* 14: the skip path never unlocks */
                       "  return 1;\n"
                       "}\n",
                       14, 0);
}

static void test_lock_flow_switch_fallthrough(void **state) {
  snippet_expect_lines(&RULE,
                       "void f(int x) {\n"
                       "  pthread_mutex_lock(&m);\n"
                       "  switch (x) {\n"
                       "  case 1:\n"
                       "    pthread_mutex_unlock(&m);\n"
                       "    /* fall through */\n"
                       "  case 2:\n"
                       "    suspend();\n" /* 8: case 2 enters with m held */
                       "    break;\n"
                       "  default:\n"
                       "    pthread_mutex_unlock(&m);\n"
                       "  }\n"
                       "}\n",
                       8, 0);
}

static void test_lock_flow_loops(void **state) {
  snippet_expect_lines(&RULE,
                       "void f(int k) {\n"
                       "  for (int i = 0; i < k; i++) {\n"
                       "    suspend();\n" /* 3: second iteration holds m */
                       "    pthread_mutex_lock(&m);\n"
                       "    if (cond())\n"
                       "      continue;\n"
                       "    pthread_mutex_unlock(&m);\n"
                       "  }\n"
                       "}\n"
                       "void g(void) {\n"
                       "  while (1) {\n"
                       "    pthread_mutex_lock(&m);\n"
                       "    if (cond())\n"
                       "      break;\n"
                       "    pthread_mutex_unlock(&m);\n"
                       "    suspend();\n"
                       "  }\n"
                       "  pthread_mutex_unlock(&m);\n"
                       "  suspend();\n"
                       "  do {\n"
                       "    suspend();\n"
                       "  } while (0);\n"
                       "}\n",
                       3, 0);
}

static void test_lock_flow_trylock_forms(void **state) {
  snippet_expect_lines(&RULE,
                       "void f(void) {\n"
                       "  if (pthread_mutex_trylock(&m) == 0) {\n"
                       "    suspend();\n" /* 3: success branch */
                       "    pthread_mutex_unlock(&m);\n"
                       "  }\n"
                       "  if (pthread_mutex_trylock(&n) != 0)\n"
                       "    suspend();\n" /* failure branch: fine */
                       "  else\n"
                       "    pthread_mutex_unlock(&n);\n"
                       "  int rc = pthread_spin_trylock(&sp);\n"
                       "  if (rc)\n"
                       "    return;\n"
                       "  suspend();\n" /* 13: rc == 0 means acquired */
                       "}\n"
                       "void g(void) {\n"
                       "  if (!pthread_rwlock_tryrdlock(&rw) && cond())\n"
                       "    suspend();\n" /* 17 */
                       "}\n",
                       3, 13, 17, 0);
}

static void test_lock_flow_checked_lock_result(void **state) {
  snippet_expect_lines(&RULE,
                       "static int safe_op(void) {\n"
                       "  if (pthread_mutex_lock(&m) != 0)\n"
                       "    return -1;\n" /* failed: not held */
                       "  pthread_mutex_unlock(&m);\n"
                       "  return 0;\n"
                       "}\n"
                       "void f(void) {\n"
                       "  safe_op();\n"
                       "  suspend();\n"
                       "  if (pthread_mutex_lock(&n))\n"
                       "    return;\n"
                       "  suspend();\n" /* 12 */
                       "  pthread_mutex_unlock(&n);\n"
                       "}\n",
                       12, 0);
}

static void test_lock_flow_expressions(void **state) {
  snippet_expect_lines(&RULE,
                       "int f(int x) {\n"
                       "  int y = x ? (pthread_mutex_lock(&m), 1) : 0;\n"
                       "  suspend();\n" /* 3: the ?: arm took m */
                       "  return y;\n"
                       "}\n"
                       "int g(void) {\n"
                       "  int z = ({ pthread_mutex_lock(&n); 2; });\n"
                       "  suspend();\n" /* 8: statement expression took n */
                       "  pthread_mutex_unlock(&n);\n"
                       "  return z || (pthread_mutex_lock(&m), 0);\n"
                       "}\n"
                       "void h(void) {\n"
                       "  cond() && (pthread_mutex_lock(&m), 1);\n"
                       "  suspend();\n" /* 14: the && right side took m */
                       "}\n"
                       "int k(void) {\n"
                       "  int v = cond() ?: (pthread_mutex_lock(&n), 0);\n"
                       "  suspend();\n" /* 18: GNU ?: took n when cond() was 0 */
                       "  pthread_mutex_unlock(&n);\n"
                       "  int w = cond() ?: 1;\n"
                       "  suspend();\n"
                       "  return v + w;\n"
                       "}\n",
                       3, 8, 14, 18, 0);
}

static void test_lock_flow_noreturn(void **state) {
  snippet_expect_lines(&RULE,
                       "void f(int x) {\n"
                       "  pthread_mutex_lock(&m);\n"
                       "  if (x == 1)\n"
                       "    abort();\n"
                       "  if (x == 2)\n"
                       "    die(\"two\");\n"
                       "  if (x == 3)\n"
                       "    __builtin_unreachable();\n"
                       "  pthread_mutex_unlock(&m);\n"
                       "  suspend();\n"
                       "}\n",
                       0);
}

static void test_lock_flow_annotated_locks(void **state) {
  snippet_expect_lines(
      &RULE,
      "struct q { int lk; };\n"
      "void q_lock(struct q *q) __attribute__((annotate(\"heddle.lock_acquire\")));\n"
      "void q_unlock(struct q *q) __attribute__((annotate(\"heddle.lock_release\")));\n"
      "int q_try(struct q *q) __attribute__((annotate(\"heddle.lock_try\")));\n"
      "void f(struct q *a) {\n"
      "  q_lock(a);\n"
      "  suspend();\n" /* 7 */
      "  q_unlock(a);\n"
      "  if (q_try(a) == 0) {\n"
      "    suspend();\n" /* 10 */
      "    q_unlock(a);\n"
      "  }\n"
      "  suspend();\n"
      "}\n",
      7, 10, 0);
}

static void test_lock_flow_inferred_noreturn(void **state) {
  snippet_expect_lines(&RULE,
                       "static void fatal(const char *why) {\n" /* not declared noreturn */
                       "  (void)why;\n"
                       "  exit(70);\n"
                       "}\n"
                       "static void serve_forever(void) {\n"
                       "  for (;;)\n"
                       "    cond();\n"
                       "}\n"
                       "void f(int x) {\n"
                       "  pthread_mutex_lock(&m);\n"
                       "  if (x == 1)\n"
                       "    fatal(\"one\");\n"
                       "  if (x == 2)\n"
                       "    serve_forever();\n"
                       "  pthread_mutex_unlock(&m);\n"
                       "  suspend();\n"
                       "}\n",
                       0);
}

static void test_lock_flow_callee_summaries(void **state) {
  snippet_expect_lines(&RULE,
                       "struct obj { pthread_mutex_t mu; };\n"
                       "static void obj_lock(struct obj *o) { pthread_mutex_lock(&o->mu); }\n"
                       "static void obj_unlock(struct obj *o) { pthread_mutex_unlock(&o->mu); }\n"
                       "static void pause_here(void) { suspend(); }\n"
                       "void f(struct obj *a, struct obj *b) {\n"
                       "  obj_lock(a);\n"
                       "  obj_unlock(a);\n"
                       "  suspend();\n"
                       "  obj_lock(b);\n"
                       "  suspend();\n"    /* 10: b->mu held */
                       "  pause_here();\n" /* 11: and across a suspending callee */
                       "  obj_unlock(b);\n"
                       "}\n",
                       10, 11, 0);
}

static void test_lock_flow_call_chains_and_recursion(void **state) {
  snippet_expect_lines(&RULE,
                       "static void take3(void) { pthread_mutex_lock(&m); }\n"
                       "static void take2(void) { take3(); }\n"
                       "static void take1(void) { take2(); }\n"
                       "static int rec_a(int x);\n"
                       "static int rec_b(int x) {\n"
                       "  if (x)\n"
                       "    return rec_a(x - 1);\n"
                       "  pthread_mutex_lock(&n);\n"
                       "  return 0;\n"
                       "}\n"
                       "static int rec_a(int x) { return rec_b(x); }\n"
                       "void f(void) {\n"
                       "  take1();\n"
                       "  suspend();\n" /* 14: m through three calls */
                       "  pthread_mutex_unlock(&m);\n"
                       "  rec_a(3);\n"
                       "  suspend();\n" /* 17: n through mutual recursion */
                       "}\n",
                       14, 17, 0);
}

static void test_lock_flow_rwlock_and_spin(void **state) {
  snippet_expect_lines(&RULE,
                       "void f(void) {\n"
                       "  pthread_rwlock_rdlock(&rw);\n"
                       "  suspend();\n" /* 3 */
                       "  pthread_rwlock_unlock(&rw);\n"
                       "  pthread_spin_lock(&sp);\n"
                       "  suspend();\n" /* 6 */
                       "  pthread_spin_unlock(&sp);\n"
                       "}\n",
                       3, 6, 0);
}

static void test_lock_flow_cleanup_attribute(void **state) {
  snippet_expect_lines(&RULE,
                       "static void unlock_ptr(pthread_mutex_t **p) { pthread_mutex_unlock(*p); }\n"
                       "void f(int x) {\n"
                       "  {\n"
                       "    pthread_mutex_t *g __attribute__((cleanup(unlock_ptr))) = &m;\n"
                       "    pthread_mutex_lock(g);\n"
                       "    if (x)\n"
                       "      return;\n"
                       "    suspend();\n" /* 8: inside the guard's scope */
                       "  }\n"
                       "  suspend();\n" /* released when the block ended */
                       "  for (int i = 0; i < x; i++) {\n"
                       "    pthread_mutex_t *h __attribute__((cleanup(unlock_ptr))) = &n;\n"
                       "    pthread_mutex_lock(h);\n"
                       "    if (i == 3)\n"
                       "      break;\n" /* runs the cleanup */
                       "    if (i == 4)\n"
                       "      continue;\n" /* so does this */
                       "  }\n"
                       "  suspend();\n"
                       "}\n",
                       8, 0);
}

static void test_lock_flow_local_aliases(void **state) {
  snippet_expect_lines(&RULE,
                       "struct st { pthread_mutex_t mu; };\n"
                       "struct fr { struct st *st; };\n"
                       "void f(struct fr *fr) {\n"
                       "  pthread_mutex_t *mu = &fr->st->mu;\n"
                       "  pthread_mutex_lock(mu);\n"
                       "  pthread_mutex_unlock(&fr->st->mu);\n" /* the same lock */
                       "  suspend();\n"
                       "  struct st *s = fr->st;\n"
                       "  pthread_mutex_lock(&s->mu);\n"
                       "  suspend();\n" /* 10 */
                       "  pthread_mutex_unlock(&fr->st->mu);\n"
                       "  suspend();\n"
                       "  mu = &m;\n" /* reassigned: no longer fr->st->mu */
                       "  pthread_mutex_lock(mu);\n"
                       "  pthread_mutex_unlock(&fr->st->mu);\n"
                       "  suspend();\n" /* 16 */
                       "}\n",
                       10, 16, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_lock_flow_straight_line),
      cmocka_unit_test(test_lock_flow_one_branch_and_early_return),
      cmocka_unit_test(test_lock_flow_goto_cleanup),
      cmocka_unit_test(test_lock_flow_switch_fallthrough),
      cmocka_unit_test(test_lock_flow_loops),
      cmocka_unit_test(test_lock_flow_trylock_forms),
      cmocka_unit_test(test_lock_flow_checked_lock_result),
      cmocka_unit_test(test_lock_flow_expressions),
      cmocka_unit_test(test_lock_flow_noreturn),
      cmocka_unit_test(test_lock_flow_annotated_locks),
      cmocka_unit_test(test_lock_flow_inferred_noreturn),
      cmocka_unit_test(test_lock_flow_callee_summaries),
      cmocka_unit_test(test_lock_flow_call_chains_and_recursion),
      cmocka_unit_test(test_lock_flow_rwlock_and_spin),
      cmocka_unit_test(test_lock_flow_cleanup_attribute),
      cmocka_unit_test(test_lock_flow_local_aliases),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
