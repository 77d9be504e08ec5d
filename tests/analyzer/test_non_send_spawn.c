/* non-send-spawn end to end below the command line: each snippet (with the
 * runtime's headers) is parsed from memory with libclang, built into IR
 * with the bundled packs plus a unit pack, summarised and checked; the test
 * compares the findings' lines and messages. What the corpus does not pin:
 * arrays of non-Send data, anonymous struct/union members, a frame type
 * annotated HD_SEND (its own verdict), a pack `types:` entry, types behind
 * a pointer (not followed), a constructor call as the spawn argument, the
 * spawner's stores before and after the spawn, stores made by functions
 * called with the frame (constructors, a child's), stores through a local,
 * a thread-bound value stored after the last await or cleared before the
 * await, hd_spawn_local, the message/notes of a frame with several reasons,
 * locks in a counted loop (held across the await; released under a flag
 * before it), the "acquired here" note on the path that can run (not the
 * exploration's refuted first path), and one finding per (await, lock)
 * pair in the feasibility statistics (--stats). */
#include "snippet_check.h"

#include "feasibility/z3_solver.h"

#define PRELUDE                                                                                    \
  "#include <pthread.h>\n"                                                                         \
  "#include \"heddle/heddle.h\"\n"                                                                 \
  "typedef struct conn_handle { int fd; } conn_handle;\n"                                          \
  "typedef struct holder { hd_rc *rc; } holder;\n"                                                 \
  "static _Thread_local int tls_counter;\n"
#define PRELUDE_LINES 5

#define PACK_TEXT                                                                                  \
  "pack: unit\n"                                                                                   \
  "types:\n"                                                                                       \
  "  - {name: conn_handle, not_send: true}\n"

static const snippet_rule RULE = {"non-send-spawn", PRELUDE, PRELUDE_LINES, PACK_TEXT};

/* A spawner: `T t; HD_ASYNC_INIT(&t, T); SETUP; h = SPAWN(&t.hd);` with
 * the spawn on body line `line`. */
#define SPAWNER(T, SETUP, SPAWN)                                                                   \
  "void start_" #T "_" SPAWN "(hd_join_handle **h) {\n"                                            \
  "  static " #T " t;\n"                                                                           \
  "  HD_ASYNC_INIT(&t, " #T ");\n"                                                                 \
  "  " SETUP "\n"                                                                                  \
  "  *h = " SPAWN "(&t.hd);\n"                                                                     \
  "}\n"

static void test_non_send_spawn_types(void **state) {
  snippet_expect_lines(
      &RULE,
      /* an array of hd_rc pointers, an array of structs embedding one */
      "HD_ASYNC_FN(a, int, hd_rc *refs[4]; hd_yield y;);\n"
      "HD_ASYNC(a, f, cx, NULL) { HD_AWAIT(f, cx, hd_yield_init(&f->y)); HD_RETURN(f, 0); }\n"
      "HD_ASYNC_END(f)\n" SPAWNER(a, "", "hd_spawn") /* 4..9: spawn on 8 */
      "HD_ASYNC_FN(b, int, holder slots[2]; hd_yield y;);\n"
      "HD_ASYNC(b, f, cx, NULL) { HD_AWAIT(f, cx, hd_yield_init(&f->y)); HD_RETURN(f, 0); }\n"
      "HD_ASYNC_END(f)\n" SPAWNER(b, "", "hd_spawn") /* 13..18: spawn on 17 */
      /* a pack types: entry, embedded by value */
      "HD_ASYNC_FN(c, int, conn_handle conn; hd_yield y;);\n"
      "HD_ASYNC(c, f, cx, NULL) { HD_AWAIT(f, cx, hd_yield_init(&f->y)); HD_RETURN(f, 0); }\n"
      "HD_ASYNC_END(f)\n" SPAWNER(c, "", "hd_spawn") /* 22..27: spawn on 26 */
      /* pointers are not followed; sync types are trusted */
      "HD_ASYNC_FN(d, int, holder *hp; pthread_mutex_t mu; hd_arc *arc; hd_yield y;);\n"
      "HD_ASYNC(d, f, cx, NULL) { HD_AWAIT(f, cx, hd_yield_init(&f->y)); HD_RETURN(f, 0); }\n"
      "HD_ASYNC_END(f)\n" SPAWNER(d, "", "hd_spawn")
      /* a frame type annotated HD_SEND is its own verdict */
      "HD_ASYNC_FN_ANNOTATED(e, HD_SEND, int, hd_rc *rc; hd_yield y;);\n"
      "HD_ASYNC(e, f, cx, NULL) { HD_AWAIT(f, cx, hd_yield_init(&f->y)); HD_RETURN(f, 0); }\n"
      "HD_ASYNC_END(f)\n" SPAWNER(e, "", "hd_spawn")
      /* hd_spawn_local keeps it on its thread */
      SPAWNER(a, "", "hd_spawn_local"),
      8, 17, 26, 0);
  hd__findings fs =
      snippet_run(&RULE, "HD_ASYNC_FN(c, int, conn_handle conn; hd_yield y;);\n"
                         "HD_ASYNC(c, f, cx, NULL) { HD_AWAIT(f, cx, hd_yield_init(&f->y)); "
                         "HD_RETURN(f, 0); }\n"
                         "HD_ASYNC_END(f)\n" SPAWNER(c, "", "hd_spawn"));
  assert_int_equal(fs.n, 1);
  assert_non_null(strstr(fs.v[0].msg, "'c.conn' (conn_handle)"));
  bool why = false;
  for (int k = 0; k < fs.v[0].nnotes; k++)
    why |= strstr(fs.v[0].notes[k].msg, "conn_handle is not Send (rule pack: not_send)") != NULL;
  assert_true(why);
  hd__findings_free(&fs);
}

static void test_non_send_spawn_anonymous_members(void **state) {
  hd__findings fs =
      snippet_run(&RULE, "HD_ASYNC_FN(a, int, union { struct { hd_rc *r; int n; }; long pad; };\n"
                         "            hd_yield y;);\n"
                         "HD_ASYNC(a, f, cx, NULL) { HD_AWAIT(f, cx, hd_yield_init(&f->y)); "
                         "HD_RETURN(f, f->n); }\n"
                         "HD_ASYNC_END(f)\n" SPAWNER(a, "", "hd_spawn"));
  assert_int_equal(fs.n, 1);
  assert_string_equal(fs.v[0].msg, "future 'a' spawned on the multi-thread executor holds "
                                   "non-Send data: 'a.r' (hd_rc *)");
  assert_int_equal(fs.v[0].nnotes, 2); /* the spawn, the field: no embedding notes */
  hd__findings_free(&fs);
}

static void test_non_send_spawn_constructor_argument(void **state) {
  snippet_expect_lines(
      &RULE,
      "HD_ASYNC_FN(job, int, hd_rc *rc; hd_yield y;);\n"
      "HD_ASYNC(job, f, cx, NULL) { HD_AWAIT(f, cx, hd_yield_init(&f->y)); "
      "HD_RETURN(f, 0); }\n"
      "HD_ASYNC_END(f)\n"
      "static hd_future *job_init(job *j) { HD_ASYNC_INIT(j, job); return &j->hd; }\n"
      "hd_join_handle *go(job *j) {\n"
      "  return hd_spawn(job_init(j));\n" /* 6 */
      "}\n",
      6, 0);
}

static void test_non_send_spawn_spawner_stores(void **state) {
  snippet_expect_lines(
      &RULE,
      "HD_ASYNC_FN(t, int, int *p; hd_yield y;);\n"
      "HD_ASYNC(t, f, cx, NULL) { HD_AWAIT(f, cx, hd_yield_init(&f->y)); HD_RETURN(f, *f->p); }\n"
      "HD_ASYNC_END(f)\n"
      "hd_join_handle *before(void) {\n"
      "  static t x;\n"
      "  HD_ASYNC_INIT(&x, t);\n"
      "  x.p = &tls_counter;\n"
      "  return hd_spawn(&x.hd);\n" /* 8 */
      "}\n"
      "hd_join_handle *after(void) {\n"
      "  static t x;\n"
      "  static int plain;\n"
      "  HD_ASYNC_INIT(&x, t);\n"
      "  x.p = &plain;\n"
      "  hd_join_handle *h = hd_spawn(&x.hd);\n" /* 15: the store below comes later */
      "  x.p = &tls_counter;\n"
      "  return h;\n"
      "}\n",
      8, 0);
}

static void test_non_send_spawn_async_fn_stores(void **state) {
  snippet_expect_lines(&RULE,
                       /* through a local, then kept across the await */
                       "HD_ASYNC_FN(a, int, int *p; hd_yield y;);\n"
                       "HD_ASYNC(a, f, cx, NULL) {\n"
                       "  int *mine = &tls_counter;\n"
                       "  f->p = mine;\n"
                       "  HD_AWAIT(f, cx, hd_yield_init(&f->y));\n"
                       "  HD_RETURN(f, *f->p);\n"
                       "}\n"
                       "HD_ASYNC_END(f)\n" SPAWNER(a, "", "hd_spawn") /* 9..14: spawn on 13 */
                       /* stored after the last await: never held at one */
                       "HD_ASYNC_FN(b, int, pthread_t owner; hd_yield y;);\n"
                       "HD_ASYNC(b, f, cx, NULL) {\n"
                       "  HD_AWAIT(f, cx, hd_yield_init(&f->y));\n"
                       "  f->owner = pthread_self();\n"
                       "  HD_RETURN(f, 0);\n"
                       "}\n"
                       "HD_ASYNC_END(f)\n" SPAWNER(b, "", "hd_spawn")
                       /* cleared before the await (silent), cleared on one branch only */
                       "static pthread_key_t key;\n"
                       "HD_ASYNC_FN(c, int, void *conn; int keep; hd_yield y;);\n"
                       "HD_ASYNC(c, f, cx, NULL) {\n"
                       "  f->conn = pthread_getspecific(key);\n"
                       "  f->conn = 0;\n"
                       "  HD_AWAIT(f, cx, hd_yield_init(&f->y));\n"
                       "  HD_RETURN(f, 0);\n"
                       "}\n"
                       "HD_ASYNC_END(f)\n" SPAWNER(c, "", "hd_spawn") /* 37..42 */
                       "HD_ASYNC_FN(d, int, void *conn; int keep; hd_yield y;);\n"
                       "HD_ASYNC(d, f, cx, NULL) {\n"
                       "  f->conn = pthread_getspecific(key);\n"
                       "  if (!f->keep)\n"
                       "    f->conn = 0;\n"
                       "  HD_AWAIT(f, cx, hd_yield_init(&f->y));\n"
                       "  HD_RETURN(f, 0);\n"
                       "}\n"
                       "HD_ASYNC_END(f)\n" SPAWNER(d, "", "hd_spawn"), /* 52..57: spawn on 56 */
                       13, 56, 0);
}

static void test_non_send_spawn_stores_by_callees(void **state) {
  snippet_expect_lines(
      &RULE,
      /* a constructor that keeps a thread-bound value, called by the spawner */
      "HD_ASYNC_FN(q, int, void *conn; hd_yield y;);\n"
      "HD_ASYNC(q, f, cx, NULL) { HD_AWAIT(f, cx, hd_yield_init(&f->y)); HD_RETURN(f, 0); }\n"
      "HD_ASYNC_END(f)\n"
      "static pthread_key_t key;\n"
      "static hd_future *q_init(q *f) {\n"
      "  HD_ASYNC_INIT(f, q);\n"
      "  f->conn = pthread_getspecific(key);\n"
      "  return &f->hd;\n"
      "}\n"
      "hd_join_handle *go(void) {\n"
      "  static q x;\n"
      "  q_init(&x);\n"
      "  return hd_spawn(&x.hd);\n" /* 13 */
      "}\n"
      /* a child frame's constructor, awaited by the spawned frame */
      "HD_ASYNC_FN(child, int, int *slot; hd_yield y;);\n"
      "HD_ASYNC(child, f, cx, NULL) { HD_AWAIT(f, cx, hd_yield_init(&f->y)); HD_RETURN(f, 0); }\n"
      "HD_ASYNC_END(f)\n"
      "static hd_future *child_init(child *c) {\n"
      "  HD_ASYNC_INIT(c, child);\n"
      "  c->slot = &tls_counter;\n"
      "  return &c->hd;\n"
      "}\n"
      "HD_ASYNC_FN(parent, int, union { child c; } u;);\n"
      "HD_ASYNC(parent, f, cx, NULL) {\n"
      "  HD_AWAIT(f, cx, child_init(&f->u.c));\n"
      "  HD_RETURN(f, 0);\n"
      "}\n"
      "HD_ASYNC_END(f)\n" SPAWNER(parent, "", "hd_spawn"), /* 29..34: spawn on 33 */
      13, 33, 0);
  hd__findings fs =
      snippet_run(&RULE, "HD_ASYNC_FN(child, int, int *slot; hd_yield y;);\n"
                         "HD_ASYNC(child, f, cx, NULL) { HD_AWAIT(f, cx, hd_yield_init(&f->y)); "
                         "HD_RETURN(f, 0); }\n"
                         "HD_ASYNC_END(f)\n"
                         "static hd_future *child_init(child *c) {\n"
                         "  HD_ASYNC_INIT(c, child);\n"
                         "  c->slot = &tls_counter;\n"
                         "  return &c->hd;\n"
                         "}\n"
                         "HD_ASYNC_FN(parent, int, union { child c; } u;);\n"
                         "HD_ASYNC(parent, f, cx, NULL) {\n"
                         "  HD_AWAIT(f, cx, child_init(&f->u.c));\n"
                         "  HD_RETURN(f, 0);\n"
                         "}\n"
                         "HD_ASYNC_END(f)\n" SPAWNER(parent, "", "hd_spawn"));
  assert_int_equal(fs.n, 1);
  assert_string_equal(fs.v[0].msg, "future 'parent' spawned on the multi-thread executor holds "
                                   "non-Send data: 'parent.u.c.slot' points into _Thread_local "
                                   "'tls_counter'");
  bool store = false, call = false;
  for (int k = 0; k < fs.v[0].nnotes; k++) {
    store |= strcmp(fs.v[0].notes[k].msg,
                    "'c->slot' assigned here from the address of _Thread_local 'tls_counter'") == 0;
    call |= strcmp(fs.v[0].notes[k].msg, "'child_init' called here by 'parent' with the frame; an "
                                         "await follows") == 0 &&
            fs.v[0].notes[k].loc.line == 11;
  }
  assert_true(store);
  assert_true(call);
  hd__findings_free(&fs);
}

static void test_non_send_spawn_several_reasons(void **state) {
  hd__findings fs =
      snippet_run(&RULE, "HD_ASYNC_FN(a, int, hd_rc *rc; pthread_t owner; hd_yield y;);\n"
                         "HD_ASYNC(a, f, cx, NULL) {\n"
                         "  f->owner = pthread_self();\n"
                         "  HD_AWAIT(f, cx, hd_yield_init(&f->y));\n"
                         "  HD_RETURN(f, 0);\n"
                         "}\n"
                         "HD_ASYNC_END(f)\n" SPAWNER(a, "", "hd_spawn"));
  assert_int_equal(fs.n, 1);
  assert_int_equal(fs.v[0].loc.line, 12);
  assert_string_equal(fs.v[0].msg, "future 'a' spawned on the multi-thread executor holds "
                                   "non-Send data: 'a.rc' (hd_rc *) (and 1 more)");
  const char *want[] = {
      "'a' handed to 'hd_spawn': any worker may poll it, and it may move between workers at "
      "every await",
      "a.rc: hd_rc * -> hd_rc is not Send (annotated heddle.not_send)",
      "a.owner: pthread_t -> the result of pthread_self() belongs to the thread that called it",
      "'f->owner' assigned here from pthread_self(); an await follows",
  };
  assert_int_equal(fs.v[0].nnotes, 4);
  for (int k = 0; k < 4; k++)
    assert_string_equal(fs.v[0].notes[k].msg, want[k]);
  assert_int_equal(fs.v[0].notes[3].loc.line, 3);
  hd__findings_free(&fs);
}

static void test_non_send_spawn_lock_in_loop(void **state) {
  snippet_expect_lines(&RULE,
                       /* held across the await on every iteration */
                       "typedef struct st { pthread_mutex_t mu; int n; } st;\n"
                       "HD_ASYNC_FN(a, int, st *s; int i; hd_yield y;);\n"
                       "HD_ASYNC(a, f, cx, NULL) {\n"
                       "  for (f->i = 0; f->i < 3; f->i++) {\n"
                       "    pthread_mutex_lock(&f->s->mu);\n"
                       "    HD_AWAIT(f, cx, hd_yield_init(&f->y));\n"
                       "    pthread_mutex_unlock(&f->s->mu);\n"
                       "  }\n"
                       "  HD_RETURN(f, 0);\n"
                       "}\n"
                       "HD_ASYNC_END(f)\n" SPAWNER(a, "", "hd_spawn") /* 12..17: spawn on 16 */
                       /* taken under a flag, released under it before the await */
                       "HD_ASYNC_FN(b, int, st *s; int on; int i; hd_yield y;);\n"
                       "HD_ASYNC(b, f, cx, NULL) {\n"
                       "  for (f->i = 0; f->i < 3; f->i++) {\n"
                       "    int taken = 0;\n"
                       "    if (f->on) { pthread_mutex_lock(&f->s->mu); taken = 1; }\n"
                       "    f->s->n++;\n"
                       "    if (taken) pthread_mutex_unlock(&f->s->mu);\n"
                       "    HD_AWAIT(f, cx, hd_yield_init(&f->y));\n"
                       "  }\n"
                       "  HD_RETURN(f, 0);\n"
                       "}\n"
                       "HD_ASYNC_END(f)\n" SPAWNER(b, "", "hd_spawn"),
                       16, 0);
}

/* The lock-state exploration reaches the await holding the lock first
 * through the acquisition on line 5, whose release on line 7 the same test
 * decides (Z3 refutes that path); the run that holds it takes it on line 9.
 * The note follows that run. */
static void test_non_send_spawn_lock_note_follows_feasible_path(void **state) {
  hd__findings fs =
      snippet_run(&RULE, "typedef struct st { pthread_mutex_t mu; } st;\n"
                         "HD_ASYNC_FN(a, int, st *s; int c; hd_yield y;);\n"
                         "HD_ASYNC(a, f, cx, NULL) {\n"
                         "  if (f->c)\n"
                         "    pthread_mutex_lock(&f->s->mu);\n" /* 5 */
                         "  if (f->c)\n"
                         "    pthread_mutex_unlock(&f->s->mu);\n"
                         "  if (!f->c)\n"
                         "    pthread_mutex_lock(&f->s->mu);\n"       /* 9 */
                         "  HD_AWAIT(f, cx, hd_yield_init(&f->y));\n" /* 10 */
                         "  pthread_mutex_unlock(&f->s->mu);\n"
                         "  HD_RETURN(f, 0);\n"
                         "}\n"
                         "HD_ASYNC_END(f)\n" SPAWNER(a, "", "hd_spawn")); /* spawn on 19 */
  assert_int_equal(fs.n, 1);
  assert_int_equal(fs.v[0].loc.line, 19);
  assert_non_null(strstr(fs.v[0].msg, "'a' holds pthread mutex 'f->s->mu' across an await"));
  assert_int_equal(fs.v[0].nnotes, 3);
  assert_non_null(strstr(fs.v[0].notes[1].msg, "lock 'f->s->mu' (pthread mutex) acquired here"));
  assert_int_equal(fs.v[0].notes[1].loc.line, 9);
  assert_non_null(strstr(fs.v[0].notes[2].msg, "await while 'f->s->mu' is held"));
  assert_int_equal(fs.v[0].notes[2].loc.line, 10);
  hd__findings_free(&fs);
}

/* What --stats counts for body: findings checked and removed, as
 * differences of the thread's solver counters around the check. */
static void stats_of(const char *body, unsigned long *findings, unsigned long *removed) {
  const hd__fstats *st = hd__fsolver_stats(hd__fsolver_thread());
  unsigned long f0 = st->findings, r0 = st->findings_removed;
  hd__findings fs = snippet_run(&RULE, body);
  hd__findings_free(&fs);
  *findings = st->findings - f0;
  *removed = st->findings_removed - r0;
}

/* One (await, lock) pair counts as one finding checked, however many
 * searches decide it: the search from the entry, and (the loop keeps it
 * from being exhaustive) one search from each acquisition. */
static void test_non_send_spawn_lock_stats_count_once(void **state) {
  unsigned long findings, removed;
  /* taken under a flag, released under it before the await: removed */
  stats_of("typedef struct st { pthread_mutex_t mu; int n; } st;\n"
           "HD_ASYNC_FN(b, int, st *s; int on; int i; hd_yield y;);\n"
           "HD_ASYNC(b, f, cx, NULL) {\n"
           "  for (f->i = 0; f->i < 3; f->i++) {\n"
           "    int taken = 0;\n"
           "    if (f->on) { pthread_mutex_lock(&f->s->mu); taken = 1; }\n"
           "    f->s->n++;\n"
           "    if (taken) pthread_mutex_unlock(&f->s->mu);\n"
           "    HD_AWAIT(f, cx, hd_yield_init(&f->y));\n"
           "  }\n"
           "  HD_RETURN(f, 0);\n"
           "}\n"
           "HD_ASYNC_END(f)\n" SPAWNER(b, "", "hd_spawn"),
           &findings, &removed);
  assert_int_equal(findings, 1);
  assert_int_equal(removed, 1);
  /* held across the await on every iteration: reported */
  stats_of("typedef struct st { pthread_mutex_t mu; int n; } st;\n"
           "HD_ASYNC_FN(a, int, st *s; int i; hd_yield y;);\n"
           "HD_ASYNC(a, f, cx, NULL) {\n"
           "  for (f->i = 0; f->i < 3; f->i++) {\n"
           "    pthread_mutex_lock(&f->s->mu);\n"
           "    HD_AWAIT(f, cx, hd_yield_init(&f->y));\n"
           "    pthread_mutex_unlock(&f->s->mu);\n"
           "  }\n"
           "  HD_RETURN(f, 0);\n"
           "}\n"
           "HD_ASYNC_END(f)\n" SPAWNER(a, "", "hd_spawn"),
           &findings, &removed);
  assert_int_equal(findings, 1);
  assert_int_equal(removed, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_non_send_spawn_types),
      cmocka_unit_test(test_non_send_spawn_anonymous_members),
      cmocka_unit_test(test_non_send_spawn_constructor_argument),
      cmocka_unit_test(test_non_send_spawn_spawner_stores),
      cmocka_unit_test(test_non_send_spawn_async_fn_stores),
      cmocka_unit_test(test_non_send_spawn_stores_by_callees),
      cmocka_unit_test(test_non_send_spawn_several_reasons),
      cmocka_unit_test(test_non_send_spawn_lock_in_loop),
      cmocka_unit_test(test_non_send_spawn_lock_note_follows_feasible_path),
      cmocka_unit_test(test_non_send_spawn_lock_stats_count_once),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
