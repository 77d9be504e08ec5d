/* The feasible-witness search end to end below the command line: a snippet
 * is parsed from memory, built into IR (with branch conditions and value
 * effects from the feasibility converter) with the bundled packs,
 * summarised and explored; every (await, lock held) pair the exploration
 * finds is then searched for a path Z3 accepts. `suspend()` is an await
 * (a stackful-style pack entry), as in test_lock_flow.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "feasibility/feasible.h"
#include "feasibility/witness.h"
#include "ir/build.h"
#include "model/model.h"
#include "summary/summary.h"

#define PRELUDE                                                                                    \
  "#include <pthread.h>\n"                                                                         \
  "#include <stdbool.h>\n"                                                                         \
  "#include <string.h>\n"                                                                          \
  "void suspend(void);\n"                                                                          \
  "void reset(void *);\n"                                                                          \
  "extern pthread_mutex_t m;\n"                                                                    \
  "struct st { pthread_mutex_t mu; bool on; int n; int state; char buf[16]; };\n"                  \
  "struct holder { struct st *st; bool on; };\n"

static const char *pack_text = "pack: unit\n"
                               "functions:\n"
                               "  - {name: suspend, role: suspending}\n";

static hd__model *model;
static CXIndex idx;

static int setup(void **state) {
  model = hd__model_new();
  if (!model || hd__model_load_pack(model, HEDDLE_RULES_DIR "/posix.yaml") < 0)
    return -1;
  char path[] = "/tmp/heddle-unit-packXXXXXX";
  int fd = mkstemp(path);
  if (fd < 0)
    return -1;
  FILE *f = fdopen(fd, "w");
  fputs(pack_text, f);
  fclose(f);
  int rc = hd__model_load_pack(model, path);
  remove(path);
  idx = clang_createIndex(0, 0);
  return rc;
}

static int teardown(void **state) {
  hd__fstats st;
  hd__fstats_total(&st);
  hd__fstats_print(stderr, &st); /* the measured time per query */
  clang_disposeIndex(idx);
  hd__model_free(model);
  return 0;
}

/* The verdict of the witness search for the one (await, lock) pair the
 * exploration of function `fn` in `body` reports; HD__FEASIBLE + 10 when
 * there is no such pair. */
static int verdict(const char *body, const char *fn) {
  size_t len = strlen(PRELUDE) + strlen(body) + 1;
  char *src = malloc(len);
  assert_non_null(src);
  snprintf(src, len, "%s%s", PRELUDE, body);
  struct CXUnsavedFile file = {"/tmp/heddle-unit-witness.c", src, (unsigned long)strlen(src)};
  const char *args[] = {"-std=gnu11", "-pthread"};
  CXTranslationUnit tu = NULL;
  assert_int_equal(clang_parseTranslationUnit2(idx, file.Filename, args, 2, &file, 1,
                                               CXTranslationUnit_DetailedPreprocessingRecord, &tu),
                   CXError_Success);
  for (unsigned i = 0; i < clang_getNumDiagnostics(tu); i++) {
    CXDiagnostic d = clang_getDiagnostic(tu, i);
    if (clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error) {
      CXString s = clang_formatDiagnostic(d, 0);
      fail_msg("snippet does not compile: %s", clang_getCString(s));
    }
    clang_disposeDiagnostic(d);
  }
  hd__program *prog = hd__program_new();
  assert_true(hd__ir_build_tu(prog, model, tu) > 0);
  clang_disposeTranslationUnit(tu); /* the IR, conditions included, outlives the TU */
  free(src);
  hd__program_index(prog);
  hd__summaries *sums = hd__summaries_compute(prog);
  assert_non_null(sums);
  hd__function *f = hd__program_find(prog, fn);
  assert_non_null(f);
  hd__lflow flow;
  assert_int_equal(hd__lockflow_run(prog, f, sums, &flow), 0);
  int result = HD__FEASIBLE + 10, pairs = 0;
  for (int q = 0; q < flow.n; q++) {
    const hd__node *n = &f->nodes[flow.v[q].node];
    if (n->ev != HD__EV_AWAIT || !flow.v[q].held)
      continue;
    if (pairs++ == 0)
      result = (int)hd__witness_search(hd__fsolver_thread(), prog, f, sums, &flow, flow.v[q].node,
                                       flow.v[q].held & -flow.v[q].held, NULL, NULL);
  }
  hd__lflow_free(&flow);
  hd__summaries_free(sums);
  hd__program_free(prog);
  return result;
}

static void test_feasibility_witness_correlated(void **state) {
  static const char good[] = "void f(struct st *s) {\n"
                             "  bool shared = s->on;\n"
                             "  if (shared) pthread_mutex_lock(&s->mu);\n"
                             "  s->n++;\n"
                             "  if (shared) pthread_mutex_unlock(&s->mu);\n"
                             "  suspend();\n"
                             "}\n";
  static const char bad[] = "void f(struct st *s) {\n"
                            "  bool shared = s->on;\n"
                            "  if (shared) pthread_mutex_lock(&s->mu);\n"
                            "  s->n++;\n"
                            "  shared = s->n > 1;\n"
                            "  if (shared) pthread_mutex_unlock(&s->mu);\n"
                            "  suspend();\n"
                            "}\n";
  assert_int_equal(verdict(good, "f"), HD__INFEASIBLE);
  assert_int_equal(verdict(bad, "f"), HD__FEASIBLE);
}

/* The same field tested twice; a call in between that gets `s` may change
 * it, one that gets only other pointers may not. */
static void test_feasibility_witness_field_and_calls(void **state) {
  static const char other[] = "void f(struct st *s, const char *msg) {\n"
                              "  if (s->on) pthread_mutex_lock(&m);\n"
                              "  strncpy(s->buf, msg, sizeof s->buf - 1);\n"
                              "  if (s->on) pthread_mutex_unlock(&m);\n"
                              "  suspend();\n"
                              "}\n";
  static const char same[] = "void f(struct st *s) {\n"
                             "  if (s->on) pthread_mutex_lock(&m);\n"
                             "  reset(s);\n"
                             "  if (s->on) pthread_mutex_unlock(&m);\n"
                             "  suspend();\n"
                             "}\n";
  assert_int_equal(verdict(other, "f"), HD__INFEASIBLE);
  assert_int_equal(verdict(same, "f"), HD__FEASIBLE);
}

static void test_feasibility_witness_flag(void **state) {
  static const char src[] = "void f(struct st *s) {\n"
                            "  bool locked = false;\n"
                            "  if (s->on) { pthread_mutex_lock(&s->mu); locked = true; }\n"
                            "  s->n++;\n"
                            "  if (locked) pthread_mutex_unlock(&s->mu);\n"
                            "  suspend();\n"
                            "}\n";
  assert_int_equal(verdict(src, "f"), HD__INFEASIBLE);
}

static void test_feasibility_witness_early_return(void **state) {
  static const char src[] =
      "int f(struct st *s, unsigned key) {\n"
      "  bool enabled = s->on;\n"
      "  if (enabled) pthread_mutex_lock(&s->mu);\n"
      "  key = key * 2654435761u % 16;\n"
      "  if (enabled) { int v = s->buf[key]; pthread_mutex_unlock(&s->mu); return v; }\n"
      "  suspend();\n"
      "  return 0;\n"
      "}\n";
  assert_int_equal(verdict(src, "f"), HD__INFEASIBLE);
}

/* The loop's first pass unlocks: attempt starts at 0 < 3. */
static void test_feasibility_witness_loop_first_pass(void **state) {
  static const char src[] = "void f(struct st *s) {\n"
                            "  pthread_mutex_lock(&s->mu);\n"
                            "  for (s->n = 0; s->n < 3; s->n++) {\n"
                            "    if (s->n == 0) pthread_mutex_unlock(&s->mu);\n"
                            "    suspend();\n"
                            "  }\n"
                            "}\n";
  static const char second[] = "void f(struct st *s) {\n"
                               "  pthread_mutex_lock(&s->mu);\n"
                               "  for (s->n = 0; s->n < 3; s->n++) {\n"
                               "    if (s->n == 1) pthread_mutex_unlock(&s->mu);\n"
                               "    suspend();\n"
                               "  }\n"
                               "}\n";
  assert_int_equal(verdict(src, "f"), HD__INFEASIBLE);
  assert_int_equal(verdict(second, "f"), HD__FEASIBLE);
}

/* The scoped-lock for-macro: its condition is the flag it just set. */
static void test_feasibility_witness_scoped_lock(void **state) {
  static const char src[] =
      "#define WITH_LOCK(l) for (int once_ = (pthread_mutex_lock(l), 1); once_;"
      " once_ = (pthread_mutex_unlock(l), 0))\n"
      "void f(struct st *s) {\n"
      "  WITH_LOCK(&s->mu) { s->n++; }\n"
      "  suspend();\n"
      "}\n";
  assert_int_equal(verdict(src, "f"), HD__INFEASIBLE);
}

/* Related thresholds: locked above 8, unlocked only above 16. */
static void test_feasibility_witness_ranges(void **state) {
  static const char partial[] = "void f(struct st *s) {\n"
                                "  int n = s->n;\n"
                                "  if (n > 8) pthread_mutex_lock(&m);\n"
                                "  if (n > 16) pthread_mutex_unlock(&m);\n"
                                "  suspend();\n"
                                "}\n";
  static const char covered[] = "void f(struct st *s) {\n"
                                "  int n = s->n;\n"
                                "  if (n > 8) pthread_mutex_lock(&m);\n"
                                "  if (n > 4) pthread_mutex_unlock(&m);\n"
                                "  suspend();\n"
                                "}\n";
  assert_int_equal(verdict(partial, "f"), HD__FEASIBLE);
  assert_int_equal(verdict(covered, "f"), HD__INFEASIBLE);
}

/* A switch on a state variable: each case edge assumes its value, the
 * default edge assumes none of them. */
static void test_feasibility_witness_switch(void **state) {
  static const char cases[] = "void f(struct st *s) {\n"
                              "  switch (s->state) {\n"
                              "  case 1: pthread_mutex_lock(&s->mu); break;\n"
                              "  case 2 ... 4: break;\n"
                              "  default: break;\n"
                              "  }\n"
                              "  if (s->state == 1) pthread_mutex_unlock(&s->mu);\n"
                              "  suspend();\n"
                              "}\n";
  static const char other[] = "void f(struct st *s) {\n"
                              "  switch (s->state) {\n"
                              "  case 1: pthread_mutex_lock(&s->mu); break;\n"
                              "  }\n"
                              "  if (s->state == 2) pthread_mutex_unlock(&s->mu);\n"
                              "  suspend();\n"
                              "}\n";
  static const char deflt[] = "void f(struct st *s) {\n"
                              "  switch (s->state) {\n"
                              "  default: pthread_mutex_lock(&s->mu); break;\n"
                              "  case 1: case 2 ... 5: break;\n"
                              "  }\n"
                              "  if (s->state < 1 || s->state > 5) pthread_mutex_unlock(&s->mu);\n"
                              "  suspend();\n"
                              "}\n";
  static const char fallthrough[] = "void f(struct st *s) {\n"
                                    "  switch (s->state) {\n"
                                    "  case 1: pthread_mutex_lock(&s->mu); /* fall through */\n"
                                    "  case 2: s->n++; break;\n"
                                    "  }\n"
                                    "  if (s->state == 2) pthread_mutex_unlock(&s->mu);\n"
                                    "  suspend();\n"
                                    "}\n";
  assert_int_equal(verdict(cases, "f"), HD__INFEASIBLE);
  assert_int_equal(verdict(other, "f"), HD__FEASIBLE);
  assert_int_equal(verdict(deflt, "f"), HD__INFEASIBLE);
  assert_int_equal(verdict(fallthrough, "f"), HD__FEASIBLE); /* state 1 falls into case 2 */
}

/* While the task is suspended other tasks run: shared objects (two
 * pointers away, or globals) may change across an await, the frame's own
 * fields (one pointer away) and locals may not. */
static void test_feasibility_witness_await_havocs_shared(void **state) {
  static const char shared[] = "void f(struct holder *h) {\n"
                               "  bool was = h->st->on;\n"
                               "  suspend();\n"
                               "  if (h->st->on && !was) pthread_mutex_lock(&m);\n"
                               "  suspend();\n"
                               "  pthread_mutex_unlock(&m);\n"
                               "}\n";
  static const char owned[] = "void f(struct holder *h) {\n"
                              "  bool was = h->on;\n"
                              "  suspend();\n"
                              "  if (h->on && !was) pthread_mutex_lock(&m);\n"
                              "  suspend();\n"
                              "  pthread_mutex_unlock(&m);\n"
                              "}\n";
  assert_int_equal(verdict(shared, "f"), HD__FEASIBLE);
  assert_int_equal(verdict(owned, "f"), HD__INFEASIBLE);
}

/* Unrelated branches between the correlated ones: 2^12 paths, but the
 * search merges prefixes that differ only in what the rest never reads;
 * branches whose effects are read later are not merged. */
static void test_feasibility_witness_many_branches(void **state) {
  static const char unrelated[] =
      "struct many { pthread_mutex_t mu; bool on; int a[12]; int n; };\n"
      "void f(struct many *s) {\n"
      "  if (s->on) pthread_mutex_lock(&s->mu);\n"
      "  if (s->a[0]) s->n++;\n"
      "  if (s->a[1]) s->n++;\n"
      "  if (s->a[2]) s->n++;\n"
      "  if (s->a[3]) s->n++;\n"
      "  if (s->a[4]) s->n++;\n"
      "  if (s->a[5]) s->n++;\n"
      "  if (s->a[6]) s->n++;\n"
      "  if (s->a[7]) s->n++;\n"
      "  if (s->a[8]) s->n++;\n"
      "  if (s->a[9]) s->n++;\n"
      "  if (s->a[10]) s->n++;\n"
      "  if (s->a[11]) s->n++;\n"
      "  if (s->on) pthread_mutex_unlock(&s->mu);\n"
      "  suspend();\n"
      "}\n";
  static const char counted[] = "void f(struct st *s, int *a) {\n"
                                "  int k = 0;\n"
                                "  pthread_mutex_lock(&m);\n"
                                "  if (a[0]) k++;\n"
                                "  if (a[1]) k++;\n"
                                "  if (a[2]) k++;\n"
                                "  if (k != 3) pthread_mutex_unlock(&m);\n"
                                "  suspend();\n"
                                "}\n";
  assert_int_equal(verdict(unrelated, "f"), HD__INFEASIBLE);
  assert_int_equal(verdict(counted, "f"), HD__FEASIBLE); /* all three taken */
}

/* No condition at all: feasible without asking Z3. */
static void test_feasibility_witness_plain(void **state) {
  static const char src[] = "void f(void) {\n"
                            "  pthread_mutex_lock(&m);\n"
                            "  suspend();\n"
                            "  pthread_mutex_unlock(&m);\n"
                            "}\n";
  assert_int_equal(verdict(src, "f"), HD__FEASIBLE);
}

/* The generic search on a hand-made CFG, with the witness it returns:
 *   0: flag = 0 -> 1: if (c) -> 2: flag = 1 -> 4 -> 5: if (flag) -> 6 (target)
 *                            \-> 3 ----------/              \-> 7
 * Only the path through 2 reaches 6. */
static void test_feasibility_witness_find_returns_path(void **state) {
  hd__loc loc = {"t.c", 1, 1};
  hd__function *fn = hd__function_new("f", "f", loc, false);
  assert_non_null(fn);
  fn->farena = hd__farena_new();
  hd__farena *ar = fn->farena;
  static const hd__ev evs[] = {HD__EV_BRANCH, HD__EV_NONE, HD__EV_NONE, HD__EV_NONE,
                               HD__EV_BRANCH, HD__EV_NONE, HD__EV_NONE};
  for (int i = 0; i < 7; i++)
    assert_int_equal(hd__function_add_node(fn, evs[i], loc), i + 1);
  static const int edges[][2] = {{0, 1}, {1, 2}, {1, 3}, {2, 4}, {3, 4}, {4, 5}, {5, 6}, {5, 7}};
  for (int i = 0; i < 8; i++)
    hd__function_add_edge(fn, edges[i][0], edges[i][1]);
  const hd__fexpr *flag = hd__fexpr_var(ar, "flag", HD__FTYPE_INT, HD__FMEM_LOCAL);
  hd__fsteps_push(ar, &fn->nodes[0].fx,
                  (hd__fstep){.kind = HD__FSTEP_ASSIGN,
                              .lv = flag,
                              .e = hd__fexpr_const(ar, HD__FTYPE_INT, 0)});
  hd__fsteps_push(ar, &fn->nodes[2].fx,
                  (hd__fstep){.kind = HD__FSTEP_ASSIGN,
                              .lv = flag,
                              .e = hd__fexpr_const(ar, HD__FTYPE_INT, 1)});
  fn->nodes[1].cond = hd__fexpr_var(ar, "c", HD__FTYPE_INT, HD__FMEM_LOCAL);
  fn->nodes[5].cond = flag;
  int node[8], start[9], to[8], pos[8];
  bool target[8] = {false};
  for (int q = 0, e = 0; q < 8; q++) {
    node[q] = q;
    start[q] = e;
    for (int i = 0; i < fn->nodes[q].nsucc; i++, e++) {
      to[e] = fn->nodes[q].succ[i];
      pos[e] = i;
    }
    start[q + 1] = e;
  }
  target[6] = true;
  hd__wgraph g = {fn, 8, node, start, to, pos, target};
  int *path = NULL, npath = 0;
  assert_int_equal(hd__witness_find(hd__fsolver_thread(), &g, &path, &npath), HD__FEASIBLE);
  static const int want[] = {0, 1, 2, 4, 5, 6};
  assert_int_equal(npath, 6);
  for (int i = 0; i < npath; i++)
    assert_int_equal(path[i], want[i]);
  free(path);
  /* node 2 no longer sets the flag: no path reaches 6 */
  fn->nodes[2].fx.n = 0;
  assert_int_equal(hd__witness_find(hd__fsolver_thread(), &g, NULL, NULL), HD__INFEASIBLE);
  hd__function_free(fn);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_feasibility_witness_correlated),
      cmocka_unit_test(test_feasibility_witness_field_and_calls),
      cmocka_unit_test(test_feasibility_witness_flag),
      cmocka_unit_test(test_feasibility_witness_early_return),
      cmocka_unit_test(test_feasibility_witness_loop_first_pass),
      cmocka_unit_test(test_feasibility_witness_scoped_lock),
      cmocka_unit_test(test_feasibility_witness_ranges),
      cmocka_unit_test(test_feasibility_witness_switch),
      cmocka_unit_test(test_feasibility_witness_await_havocs_shared),
      cmocka_unit_test(test_feasibility_witness_many_branches),
      cmocka_unit_test(test_feasibility_witness_plain),
      cmocka_unit_test(test_feasibility_witness_find_returns_path),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
