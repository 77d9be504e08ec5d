/* shared-capture-race below the command line: each snippet includes the
 * real runtime headers, is parsed from memory with libclang, built into IR
 * with the bundled packs and checked. What the corpus does not pin:
 * hd_spawn_on (the future is argument 2), a global lock taken by every
 * task, _Atomic fields accessed with plain operators, HD_SYNC structs
 * accessed directly in the task, a frame field stored with two different
 * values (not followed), a spawn loop never joined (instances and the
 * spawner both race), and the message naming the spawner. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "checks/registry.h"
#include "ir/build.h"
#include "model/model.h"
#include "summary/summary.h"

#define PRELUDE "#include \"heddle/heddle.h\"\n"
#define PRELUDE_LINES 1

static hd__model *load_model(void) {
  hd__model *m = hd__model_new();
  assert_non_null(m);
  assert_int_equal(hd__model_load_pack(m, HEDDLE_RULES_DIR "/posix.yaml"), 0);
  assert_int_equal(hd__model_load_pack(m, HEDDLE_RULES_DIR "/heddle.yaml"), 0);
  return m;
}

/* Runs shared-capture-race on body (after PRELUDE); the findings, sorted.
 * Line numbers count from the first body line. */
static hd__findings run(const char *body) {
  size_t len = strlen(PRELUDE) + strlen(body) + 1;
  char *src = malloc(len);
  assert_non_null(src);
  snprintf(src, len, "%s%s", PRELUDE, body);
  struct CXUnsavedFile file = {"/tmp/heddle-unit-race.c", src, (unsigned long)strlen(src)};
  const char *args[] = {"-std=gnu11", "-pthread", "-I", HEDDLE_RULES_DIR "/../include"};
  CXIndex idx = clang_createIndex(0, 0);
  CXTranslationUnit tu = NULL;
  assert_int_equal(clang_parseTranslationUnit2(idx, file.Filename, args, 4, &file, 1,
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
  hd__model *model = load_model();
  hd__program *prog = hd__program_new();
  assert_true(hd__ir_build_tu(prog, model, tu) > 0);
  hd__program_index(prog);
  hd__summaries *sums = hd__summaries_compute(prog);
  assert_non_null(sums);
  hd__findings fs = {0};
  hd__check_ctx cx = {prog, sums, model};
  int rule = hd__rule_find("shared-capture-race");
  assert_true(rule >= 0);
  assert_int_equal(hd__rules[rule].run(&cx, rule, &fs), 0);
  hd__findings_sort(&fs);
  for (int i = 0; i < fs.n; i++) {
    fs.v[i].loc.line -= PRELUDE_LINES;
    for (int k = 0; k < fs.v[i].nnotes; k++)
      fs.v[i].notes[k].loc.line -= PRELUDE_LINES;
  }
  hd__summaries_free(sums);
  hd__program_free(prog); /* the findings' file names are not read below */
  hd__model_free(model);
  clang_disposeTranslationUnit(tu);
  clang_disposeIndex(idx);
  free(src);
  return fs;
}

/* Asserts the finding lines on body equal the 0-terminated list. */
static void expect_lines(const char *body, ...) {
  hd__findings fs = run(body);
  va_list ap;
  va_start(ap, body);
  for (int i = 0;; i++) {
    int want = va_arg(ap, int);
    int got = i < fs.n ? fs.v[i].loc.line : 0;
    if (want != got) {
      va_end(ap);
      fail_msg("finding %d: line %d, expected line %d", i, got, want);
    }
    if (want == 0)
      break;
  }
  va_end(ap);
  hd__findings_free(&fs);
}

/* A task bumping a counter through its frame pointer. */
#define BUMP(type, field)                                                                          \
  "HD_ASYNC_FN(bump, int, " type " *st; hd_yield y;);\n"                                           \
  "HD_ASYNC(bump, f, cx, NULL) {\n"                                                                \
  "  HD_AWAIT(f, cx, hd_yield_init(&f->y));\n"                                                     \
  "  f->st->" field "++;\n" /* 4: line 5 after a one-line typedef */                               \
  "  HD_RETURN(f, 0);\n"                                                                           \
  "}\n"                                                                                            \
  "HD_ASYNC_END(f)\n"

/* A spawner starting bump 4 times in a loop and joining them all. */
#define LOOP(type, spawn)                                                                          \
  "HD_ASYNC_FN(many, int, " type " *st; hd_runtime *rt; int i; hd_join_handle *h[4];\n"            \
  "            hd_join j;);\n"                                                                     \
  "HD_ASYNC(many, f, cx, NULL) {\n"                                                                \
  "  for (f->i = 0; f->i < 4; f->i++) {\n"                                                         \
  "    bump t;\n"                                                                                  \
  "    HD_ASYNC_INIT(&t, bump);\n"                                                                 \
  "    t.st = f->st;\n"                                                                            \
  "    f->h[f->i] = " spawn ";\n"                                                                  \
  "  }\n"                                                                                          \
  "  for (f->i = 0; f->i < 4; f->i++)\n"                                                           \
  "    HD_AWAIT(f, cx, hd_join_init(&f->j, f->h[f->i]));\n"                                        \
  "  HD_RETURN(f, 0);\n"                                                                           \
  "}\n"                                                                                            \
  "HD_ASYNC_END(f)\n"

static void test_shared_capture_race_spawn_on(void **state) {
  (void)state;
  expect_lines("typedef struct stats { long n; } stats;\n" BUMP("stats", "n")
                   LOOP("stats", "hd_spawn_on(f->rt, &t.hd)"),
               5, 0);
}

static void test_shared_capture_race_spawn_local_loop(void **state) {
  (void)state;
  expect_lines("typedef struct stats { long n; } stats;\n" BUMP("stats", "n")
                   LOOP("stats", "hd_spawn_local(&t.hd)"),
               0);
}

static void test_shared_capture_race_atomic_field(void **state) {
  (void)state;
  expect_lines("typedef struct stats { _Atomic long n; } stats;\n" BUMP("stats", "n")
                   LOOP("stats", "hd_spawn(&t.hd)"),
               0);
}

static void test_shared_capture_race_sync_struct(void **state) {
  (void)state;
  expect_lines("typedef struct HD_SYNC stats { long n; } stats;\n" BUMP("stats", "n")
                   LOOP("stats", "hd_spawn(&t.hd)"),
               0);
}

static void test_shared_capture_race_global_lock(void **state) {
  (void)state;
  expect_lines("#include <pthread.h>\n"
               "static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;\n"
               "typedef struct stats { long n; } stats;\n"
               "HD_ASYNC_FN(bump, int, stats *st; hd_yield y;);\n"
               "HD_ASYNC(bump, f, cx, NULL) {\n"
               "  HD_AWAIT(f, cx, hd_yield_init(&f->y));\n"
               "  pthread_mutex_lock(&mu);\n"
               "  f->st->n++;\n"
               "  pthread_mutex_unlock(&mu);\n"
               "  HD_RETURN(f, 0);\n"
               "}\n"
               "HD_ASYNC_END(f)\n" LOOP("stats", "hd_spawn(&t.hd)"),
               0);
}

/* t.st gets two different pointers: which object a task sees is not known,
 * so nothing is paired (precision first). */
static void test_shared_capture_race_ambiguous_field(void **state) {
  (void)state;
  expect_lines(
      "typedef struct stats { long n; } stats;\n" BUMP(
          "stats",
          "n") "HD_ASYNC_FN(two, int, stats *a; stats *b; hd_join_handle *h[2]; hd_join j;);\n"
               "HD_ASYNC(two, f, cx, NULL) {\n"
               "  {\n"
               "    bump t;\n"
               "    HD_ASYNC_INIT(&t, bump);\n"
               "    t.st = f->a;\n"
               "    f->h[0] = hd_spawn(&t.hd);\n"
               "  }\n"
               "  {\n"
               "    bump t;\n"
               "    HD_ASYNC_INIT(&t, bump);\n"
               "    t.st = f->b;\n"
               "    f->h[1] = hd_spawn(&t.hd);\n"
               "  }\n"
               "  HD_AWAIT(f, cx, hd_join_init(&f->j, f->h[0]));\n"
               "  HD_AWAIT(f, cx, hd_join_init(&f->j, f->h[1]));\n"
               "  HD_RETURN(f, 0);\n"
               "}\n"
               "HD_ASYNC_END(f)\n",
      0);
}

/* Spawned in a loop and never joined: the instances race with each other
 * and with the spawner's read after the loop; both findings are at the
 * task's write, the second names the spawner. */
static void test_shared_capture_race_detached_loop(void **state) {
  (void)state;
  hd__findings fs = run("typedef struct stats { long n; } stats;\n" BUMP(
      "stats", "n") "HD_ASYNC_FN(fire, long, stats *st; int i;);\n"
                    "HD_ASYNC(fire, f, cx, NULL) {\n"
                    "  for (f->i = 0; f->i < 4; f->i++) {\n"
                    "    bump t;\n"
                    "    HD_ASYNC_INIT(&t, bump);\n"
                    "    t.st = f->st;\n"
                    "    hd_join_handle_drop(hd_spawn(&t.hd));\n"
                    "  }\n"
                    "  HD_RETURN(f, f->st->n);\n" /* 17 */
                    "}\n"
                    "HD_ASYNC_END(f)\n");
  assert_int_equal(fs.n, 2);
  int spawner = strstr(fs.v[0].msg, "by its spawner 'fire'") ? 0 : 1;
  assert_non_null(strstr(fs.v[spawner].msg, "by its spawner 'fire'"));
  assert_non_null(strstr(fs.v[1 - spawner].msg, "in another instance of it"));
  for (int i = 0; i < 2; i++)
    assert_int_equal(fs.v[i].loc.line, 5);
  bool noted = false;
  for (int k = 0; k < fs.v[spawner].nnotes; k++)
    noted |= fs.v[spawner].notes[k].loc.line == 17;
  assert_true(noted);
  hd__findings_free(&fs);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_shared_capture_race_spawn_on),
      cmocka_unit_test(test_shared_capture_race_spawn_local_loop),
      cmocka_unit_test(test_shared_capture_race_atomic_field),
      cmocka_unit_test(test_shared_capture_race_sync_struct),
      cmocka_unit_test(test_shared_capture_race_global_lock),
      cmocka_unit_test(test_shared_capture_race_ambiguous_field),
      cmocka_unit_test(test_shared_capture_race_detached_loop),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
