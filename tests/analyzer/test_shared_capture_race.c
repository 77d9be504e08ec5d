/* shared-capture-race below the command line: each snippet includes the
 * real runtime headers, is parsed from memory with libclang, built into IR
 * with the bundled packs and checked. What the corpus does not pin:
 * hd_spawn_on (the future is argument 2), a global lock taken by every
 * task, _Atomic fields accessed with plain operators, HD_SYNC structs
 * accessed directly in the task, a frame field stored with two different
 * values (not followed), a spawn loop never joined (instances and the
 * spawner both race), and the message naming the spawner. */
#include "snippet_check.h"

#define PRELUDE "#include \"heddle/heddle.h\"\n"
#define PRELUDE_LINES 1

static const snippet_rule RULE = {"shared-capture-race", PRELUDE, PRELUDE_LINES, NULL};

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
  snippet_expect_lines(&RULE,
                       "typedef struct stats { long n; } stats;\n" BUMP("stats", "n")
                           LOOP("stats", "hd_spawn_on(f->rt, &t.hd)"),
                       5, 0);
}

static void test_shared_capture_race_spawn_local_loop(void **state) {
  (void)state;
  snippet_expect_lines(&RULE,
                       "typedef struct stats { long n; } stats;\n" BUMP("stats", "n")
                           LOOP("stats", "hd_spawn_local(&t.hd)"),
                       0);
}

static void test_shared_capture_race_atomic_field(void **state) {
  (void)state;
  snippet_expect_lines(&RULE,
                       "typedef struct stats { _Atomic long n; } stats;\n" BUMP("stats", "n")
                           LOOP("stats", "hd_spawn(&t.hd)"),
                       0);
}

static void test_shared_capture_race_sync_struct(void **state) {
  (void)state;
  snippet_expect_lines(&RULE,
                       "typedef struct HD_SYNC stats { long n; } stats;\n" BUMP("stats", "n")
                           LOOP("stats", "hd_spawn(&t.hd)"),
                       0);
}

static void test_shared_capture_race_global_lock(void **state) {
  (void)state;
  snippet_expect_lines(&RULE,
                       "#include <pthread.h>\n"
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
  snippet_expect_lines(
      &RULE,
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
  hd__findings fs =
      snippet_run(&RULE, "typedef struct stats { long n; } stats;\n" BUMP(
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
