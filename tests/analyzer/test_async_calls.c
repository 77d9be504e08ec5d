/* The rules about calls in async code (blocking-in-async,
 * block-on-in-async), future-never-awaited and local-across-await, end to
 * end below the command line: each snippet is
 * parsed from memory with libclang, built into IR with the bundled packs,
 * summarised and checked; the test compares the lines of the findings. A
 * stackful-style pack entry (`suspend()` is an await) makes a function
 * async without the coroutine macros; the corpus covers HD_ASYNC bodies.
 * What the corpus does not: the forms of the hd_runtime_current() guard,
 * async callees (reported inside, not at the call), recursion between
 * helpers, the notes of a chain; for futures, the forms of a discarded
 * result, uses through containers, arrays and locals, re-initialisation;
 * for locals, the access forms (compound assignment, ++, members, address
 * taken, arrays, macro-declared locals), the await argument, feasibility
 * and stackful suspension (locals survive it). */
#include "snippet_check.h"

#define PRELUDE                                                                                    \
  "#include <unistd.h>\n"                                                                          \
  "void suspend(void);\n"                                                                          \
  "typedef struct hd_runtime hd_runtime;\n"                                                        \
  "hd_runtime *hd_runtime_current(void);\n"                                                        \
  "int hd_block_on(hd_runtime *rt, void *future);\n"                                               \
  "extern hd_runtime *rt;\n"                                                                       \
  "int cond(void);\n"                                                                              \
  "typedef struct fut { int state; } fut;\n"                                                       \
  "typedef struct sleeper { fut hd; int out; } sleeper;\n"                                         \
  "fut *sleeper_init(sleeper *s, int ms);\n"                                                       \
  "void use(fut *f);\n"                                                                            \
  "typedef struct pair { sleeper a, b; } pair;\n"                                                  \
  "void use_pair(pair *p);\n"                                                                      \
  "void use_sleepers(sleeper *v, int n);\n"                                                        \
  "void take(int *p);\n"                                                                           \
  "#define DECLARE_TMP int tmp = cond()\n"                                                         \
  "void await_point(void);\n"                                                                      \
  "void fut_await(fut *f);\n"                                                                      \
  "typedef struct node { int v; } node;\n"                                                         \
  "typedef struct list { node head; } list;\n"                                                     \
  "node *list_init(list *l);\n"
#define PRELUDE_LINES 21

#define PACK_TEXT                                                                                  \
  "pack: unit\n"                                                                                   \
  "functions:\n"                                                                                   \
  "  - {name: suspend, role: suspending}\n"                                                        \
  "  - {name: await_point, role: await}\n"                                                         \
  "  - {name: fut_await, role: await}\n"

static const snippet_rule BLOCKING = {"blocking-in-async", PRELUDE, PRELUDE_LINES, PACK_TEXT};
static const snippet_rule BLOCK_ON = {"block-on-in-async", PRELUDE, PRELUDE_LINES, PACK_TEXT};
static const snippet_rule NEVER_AWAITED = {"future-never-awaited", PRELUDE, PRELUDE_LINES,
                                           PACK_TEXT};
static const snippet_rule LOCAL = {"local-across-await", PRELUDE, PRELUDE_LINES, PACK_TEXT};

static void test_async_calls_blocking_direct_and_sync(void **state) {
  snippet_expect_lines(&BLOCKING,
                       "void task(void) {\n"
                       "  suspend();\n"
                       "  sleep(1);\n" /* 3 */
                       "}\n"
                       "void plain(void) { sleep(1); }\n" /* not async: silent */
                       "int main(void) { plain(); return 0; }\n",
                       3, 0);
}

static void test_async_calls_blocking_chain_notes(void **state) {
  hd__findings fs = snippet_run(&BLOCKING, "static void leaf(void) {\n"
                                           "  if (cond())\n"
                                           "    usleep(10);\n" /* 3 */
                                           "}\n"
                                           "static void mid(void) { leaf(); }\n" /* 5 */
                                           "void task(void) {\n"
                                           "  suspend();\n"
                                           "  mid();\n" /* 8 */
                                           "}\n");
  assert_int_equal(fs.n, 1);
  assert_int_equal(fs.v[0].loc.line, 8);
  assert_string_equal(fs.v[0].msg, "'mid' may block the worker thread (it calls 'usleep')");
  assert_int_equal(fs.v[0].nnotes, 2);
  assert_int_equal(fs.v[0].notes[0].loc.line, 5);
  assert_string_equal(fs.v[0].notes[0].msg, "'leaf' called here");
  assert_int_equal(fs.v[0].notes[1].loc.line, 3);
  assert_string_equal(fs.v[0].notes[1].msg, "'usleep' called here");
  hd__findings_free(&fs);
}

/* An async callee is async code of its own: its blocking call is reported
 * there, not again at every call of it. */
static void test_async_calls_blocking_async_callee(void **state) {
  snippet_expect_lines(&BLOCKING,
                       "static void waits_then_sleeps(void) {\n"
                       "  suspend();\n"
                       "  sleep(1);\n" /* 3 */
                       "}\n"
                       "void task(void) {\n"
                       "  suspend();\n"
                       "  waits_then_sleeps();\n"
                       "}\n",
                       3, 0);
}

/* Helpers calling each other: the summaries converge and the chain of
 * notes ends. */
static void test_async_calls_blocking_recursion(void **state) {
  snippet_expect_lines(&BLOCKING,
                       "static void ping(int n);\n"
                       "static void pong(int n) { if (n) ping(n - 1); else sleep(1); }\n"
                       "static void ping(int n) { pong(n); }\n"
                       "void task(void) {\n"
                       "  suspend();\n"
                       "  ping(3);\n" /* 6 */
                       "}\n",
                       6, 0);
}

/* The NULL side of a direct test of hd_runtime_current() never runs as
 * async code; other tests of it guard nothing. */
static void test_async_calls_runtime_current_guards(void **state) {
  snippet_expect_lines(
      &BLOCKING,
      "static void g1(void) { if (hd_runtime_current() == NULL) sleep(1); }\n"
      "static void g2(void) { if (!hd_runtime_current()) sleep(1); }\n"
      "static void g3(void) { if (hd_runtime_current()) return; sleep(1); }\n"
      "static void g4(void) { if (hd_runtime_current() != NULL) {} else sleep(1); }\n"
      "static void g5(void) { if (cond() && 0 == hd_runtime_current()) sleep(1); }\n"
      "static void g6(void) { if (hd_runtime_current() || cond()) return; sleep(1); }\n"
      "static void w1(void) { if (hd_runtime_current() == rt) sleep(1); }\n"
      "static void w2(void) { hd_runtime *r = hd_runtime_current(); if (!r) sleep(1); }\n"
      "static void w3(void) { if (hd_runtime_current() != NULL) sleep(1); }\n"
      "void task(void) {\n"
      "  suspend();\n"
      "  g1(); g2(); g3(); g4(); g5(); g6();\n"
      "  w1();\n" /* 13: a specific runtime is not "no runtime" */
      "  w2();\n" /* 14: a stored result is not followed */
      "  w3();\n" /* 15: the non-NULL side is async */
      "}\n",
      13, 14, 15, 0);
}

static void test_async_calls_block_on(void **state) {
  snippet_expect_lines(&BLOCK_ON,
                       "static int run_sync(void *fut) { return hd_block_on(rt, fut); }\n"
                       "static int guarded(void *fut) {\n"
                       "  if (hd_runtime_current() != NULL)\n"
                       "    return -1;\n"
                       "  return hd_block_on(rt, fut);\n"
                       "}\n"
                       "void task(void *fut) {\n"
                       "  suspend();\n"
                       "  hd_block_on(rt, fut);\n" /* 9 */
                       "  run_sync(fut);\n"        /* 10 */
                       "  guarded(fut);\n"
                       "}\n"
                       "int main(void) { return run_sync(NULL); }\n",
                       9, 10, 0);
  /* hd_block_on is block-on-in-async's, not blocking-in-async's */
  snippet_expect_lines(&BLOCKING,
                       "void task(void *fut) {\n"
                       "  suspend();\n"
                       "  hd_block_on(rt, fut);\n"
                       "}\n",
                       0);
}

static void test_async_calls_future_discarded_forms(void **state) {
  snippet_expect_lines(&NEVER_AWAITED,
                       "void f(void) {\n"
                       "  sleeper a, b, c, d;\n"
                       "  int x;\n"
                       "  sleeper_init(&a, 1);\n"        /* 4 */
                       "  (void)sleeper_init(&b, 1);\n"  /* 5 */
                       "  sleeper_init(&c, 1), x = 1;\n" /* 6 */
                       "  use(sleeper_init(&d, x));\n"   /* a use of its result */
                       "  list l;\n"
                       "  list_init(&l);\n" /* node is not the future type: no constructor */
                       "}\n",
                       4, 5, 6, 0);
}

static void test_async_calls_future_uses(void **state) {
  snippet_expect_lines(&NEVER_AWAITED,
                       "static pair pp;\n"
                       "fut *later(sleeper *s) { sleeper_init(s, 1); return &s->hd; }\n"
                       "fut *child(pair *p) { sleeper_init(&p->a, 1); return &p->b.hd; }\n"
                       "void f(void) {\n"
                       "  sleeper a, v[4];\n"
                       "  pair p;\n"
                       "  sleeper_init(&a, 1);\n"
                       "  fut *keep = &a.hd;\n" /* the pointer escapes into a local: a use */
                       "  sleeper_init(&p.a, 1);\n"
                       "  use_pair(&p);\n" /* the container is passed on */
                       "  for (int i = 0; i < 4; i++)\n"
                       "    sleeper_init(&v[i], i);\n"
                       "  use_sleepers(v, 4);\n" /* the array decays to a pointer */
                       "  sleeper_init(&pp.b, 1);\n"
                       "  use(&pp.b.hd);\n"
                       "  (void)keep;\n"
                       "}\n",
                       0);
}

static void test_async_calls_future_local_result(void **state) {
  snippet_expect_lines(&NEVER_AWAITED,
                       "int f(void) {\n"
                       "  sleeper a, b;\n"
                       "  fut *p = sleeper_init(&a, 1);\n" /* 3: only compared */
                       "  if (p == NULL)\n"
                       "    return -1;\n"
                       "  fut *q;\n"
                       "  q = sleeper_init(&b, 1);\n"
                       "  use(q);\n"
                       "  return 0;\n"
                       "}\n",
                       3, 0);
}

/* Returning hands a future over to whoever can reach it: the caller of a
 * sync function through a parameter, anyone through global memory; an
 * async function's parameter is its own frame. */
static void test_async_calls_future_roots(void **state) {
  snippet_expect_lines(&NEVER_AWAITED,
                       "static sleeper g;\n"
                       "void setup(sleeper *s) { sleeper_init(s, 1); }\n"
                       "void setup_global(void) { sleeper_init(&g, 1); }\n"
                       "void task(sleeper *frame) {\n"
                       "  suspend();\n"
                       "  sleeper_init(frame, 1);\n" /* 6 */
                       "}\n",
                       6, 0);
}

/* "Never": one path with a use is enough; re-initialising without a use
 * in between loses the first future. */
static void test_async_calls_future_paths_and_reinit(void **state) {
  hd__findings fs = snippet_run(&NEVER_AWAITED, "int f(int fail) {\n"
                                                "  sleeper a;\n"
                                                "  sleeper_init(&a, 1);\n"
                                                "  if (fail)\n"
                                                "    return -1;\n" /* dropped unstarted: fine */
                                                "  use(&a.hd);\n"
                                                "  sleeper_init(&a, 2);\n" /* 7 */
                                                "  sleeper_init(&a, 3);\n" /* 8 */
                                                "  use(&a.hd);\n"
                                                "  return 0;\n"
                                                "}\n");
  assert_int_equal(fs.n, 1);
  assert_int_equal(fs.v[0].loc.line, 7);
  assert_string_equal(fs.v[0].msg, "future 'a' is initialised by 'sleeper_init' but never awaited, "
                                   "polled, spawned, stored or returned; futures do nothing until "
                                   "polled");
  assert_int_equal(fs.v[0].nnotes, 1);
  assert_int_equal(fs.v[0].notes[0].loc.line, 8);
  hd__findings_free(&fs);
}

static void test_async_calls_local_access_forms(void **state) {
  snippet_expect_lines(&LOCAL,
                       "struct pt { int x, y; };\n"
                       "int f(void) {\n"
                       "  int a = 1, b = 2, c = 3, d = 0, e = 5, g = 6;\n"
                       "  struct pt p = {1, 2};\n"
                       "  int arr[2] = {0, 0};\n"
                       "  DECLARE_TMP;\n"
                       "  take(&e);\n" /* address taken: e is not followed */
                       "  await_point();\n"
                       "  a += 1;\n" /* 9: reads a */
                       "  b++;\n"    /* 10: reads b */
                       "  c = 7;\n"  /* a write kills the lost value */
                       "  d = c;\n"
                       "  p.x = 3;\n" /* a member write counts as a write of p */
                       "  g = e + p.y + arr[0] + tmp + d;\n"
                       "  return g;\n"
                       "}\n",
                       9, 10, 0);
}

static void test_async_calls_local_await_argument(void **state) {
  snippet_expect_lines(&LOCAL,
                       "void g(int v);\n"
                       "void f(int n) {\n"
                       "  for (int i = 0; i < n; i++) {\n" /* 3: i++ after the await */
                       "    int v = i * 2;\n"
                       "    g(v);\n" /* read before the await: fine */
                       "    await_point();\n"
                       "  }\n"
                       "}\n",
                       3, 0);
}

/* Correlated conditions: Z3 refutes the path that awaits and then reads. */
static void test_async_calls_local_feasibility(void **state) {
  snippet_expect_lines(&LOCAL,
                       "int f(int mode) {\n"
                       "  int x = cond();\n"
                       "  if (mode == 1)\n"
                       "    await_point();\n"
                       "  if (mode != 1)\n"
                       "    return x;\n" /* never after the await */
                       "  if (mode > 0)\n"
                       "    return x;\n" /* 8: mode == 1 gets here after it */
                       "  return 0;\n"
                       "}\n",
                       8, 0);
}

/* A stackful coroutine keeps its stack when it suspends: its locals
 * survive, so a pack's `suspending` calls are not awaits for this rule. */
static void test_async_calls_local_stackful_keeps_locals(void **state) {
  snippet_expect_lines(&LOCAL,
                       "int f(void) {\n"
                       "  int x = cond();\n"
                       "  suspend();\n"
                       "  return x;\n"
                       "}\n",
                       0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_async_calls_blocking_direct_and_sync),
      cmocka_unit_test(test_async_calls_blocking_chain_notes),
      cmocka_unit_test(test_async_calls_blocking_async_callee),
      cmocka_unit_test(test_async_calls_blocking_recursion),
      cmocka_unit_test(test_async_calls_runtime_current_guards),
      cmocka_unit_test(test_async_calls_block_on),
      cmocka_unit_test(test_async_calls_future_discarded_forms),
      cmocka_unit_test(test_async_calls_future_uses),
      cmocka_unit_test(test_async_calls_future_local_result),
      cmocka_unit_test(test_async_calls_future_roots),
      cmocka_unit_test(test_async_calls_future_paths_and_reinit),
      cmocka_unit_test(test_async_calls_local_access_forms),
      cmocka_unit_test(test_async_calls_local_await_argument),
      cmocka_unit_test(test_async_calls_local_feasibility),
      cmocka_unit_test(test_async_calls_local_stackful_keeps_locals),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
