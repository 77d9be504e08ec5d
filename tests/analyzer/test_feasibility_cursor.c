/* The libclang converter on real C: canonical lvalue texts, C types and
 * conversions, effects in evaluation order, and whole paths through small
 * functions (parsed from an unsaved file) decided by Z3. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <clang-c/Index.h>
#include <cmocka.h>

#include "feasibility/expr.h"
#include "feasibility/feasible.h"
#include "feasibility/from_cursor.h"
#include "feasibility/guess.h"
#include "feasibility/z3_solver.h"

static CXIndex idx;
static CXTranslationUnit tu;
static hd__farena *ar;
static hd__fsolver *solver;

static int setup(void **state) {
  idx = clang_createIndex(0, 0);
  solver = hd__fsolver_new(0);
  return idx && solver ? 0 : -1;
}

static int teardown(void **state) {
  hd__fstats_print(stderr, hd__fsolver_stats(solver)); /* the measured time per query */
  hd__fsolver_free(solver);
  clang_disposeIndex(idx);
  return 0;
}

/* Parses src as t.c; fails the test on any error diagnostic. */
static void parse(const char *src) {
  struct CXUnsavedFile file = {"t.c", src, (unsigned long)strlen(src)};
  const char *args[] = {"-xc", "-std=gnu11", "-Wno-unused-value"};
  assert_int_equal(
      clang_parseTranslationUnit2(idx, "t.c", args, 3, &file, 1, CXTranslationUnit_None, &tu),
      CXError_Success);
  for (unsigned i = 0; i < clang_getNumDiagnostics(tu); i++) {
    CXDiagnostic d = clang_getDiagnostic(tu, i);
    if (clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error) {
      CXString s = clang_formatDiagnostic(d, clang_defaultDiagnosticDisplayOptions());
      fail_msg("%s", clang_getCString(s));
    }
    clang_disposeDiagnostic(d);
  }
  ar = hd__farena_new();
  assert_non_null(ar);
}

static void done(void) {
  clang_disposeTranslationUnit(tu);
  hd__farena_free(ar);
}

typedef struct kids {
  CXCursor v[16];
  int n;
} kids;

static enum CXChildVisitResult collect(CXCursor c, CXCursor parent, CXClientData d) {
  kids *k = d;
  if (k->n < 16)
    k->v[k->n++] = c;
  return CXChildVisit_Continue;
}

static kids children(CXCursor c) {
  kids k = {.n = 0};
  clang_visitChildren(c, collect, &k);
  return k;
}

typedef struct find {
  const char *name;
  CXCursor body;
} find;

static enum CXChildVisitResult find_fn(CXCursor c, CXCursor parent, CXClientData d) {
  find *f = d;
  CXString s = clang_getCursorSpelling(c);
  bool match = clang_getCursorKind(c) == CXCursor_FunctionDecl && clang_isCursorDefinition(c) &&
               strcmp(clang_getCString(s), f->name) == 0;
  clang_disposeString(s);
  if (!match)
    return CXChildVisit_Continue;
  kids k = children(c);
  for (int i = 0; i < k.n; i++)
    if (clang_getCursorKind(k.v[i]) == CXCursor_CompoundStmt)
      f->body = k.v[i];
  return CXChildVisit_Break;
}

/* The body of function `name`, and its statements. */
static CXCursor body(const char *name) {
  find f = {name, clang_getNullCursor()};
  clang_visitChildren(clang_getTranslationUnitCursor(tu), find_fn, &f);
  assert_false(clang_Cursor_isNull(f.body));
  return f.body;
}

static kids stmts(const char *name) {
  return children(body(name));
}

/* ---- a tiny path walker: the IR builder's job, for straight-line code --- */

typedef struct walk {
  hd__fpath path;
  const char *choices; /* 'T' or 'F' for each branch met, in order */
  bool returned;
} walk;

static void effects(walk *w, CXCursor e, const hd__fexpr **value) {
  hd__fsteps fx = {0};
  const hd__fexpr *v = hd__fexpr_from_cursor(ar, e, &fx);
  assert_non_null(v);
  hd__fpath_steps(&w->path, fx.v, fx.n);
  if (value)
    *value = v;
}

/* Takes the next choice at condition c; at the end of the choices the path
 * stops here (a witness ends where the finding is). */
static bool branch(walk *w, CXCursor c) {
  const hd__fexpr *v;
  effects(w, c, &v);
  if (!*w->choices) {
    w->returned = true;
    return false;
  }
  assert_true(*w->choices == 'T' || *w->choices == 'F');
  bool taken = *w->choices++ == 'T';
  hd__fpath_cond(&w->path, v, taken);
  return taken;
}

static void stmt(walk *w, CXCursor s) {
  if (w->returned)
    return;
  kids k = children(s);
  switch (clang_getCursorKind(s)) {
  case CXCursor_CompoundStmt:
    for (int i = 0; i < k.n; i++)
      stmt(w, k.v[i]);
    break;
  case CXCursor_DeclStmt: {
    for (int i = 0; i < k.n; i++) {
      hd__fsteps fx = {0};
      assert_int_equal(hd__fsteps_from_decl(ar, k.v[i], &fx), 0);
      hd__fpath_steps(&w->path, fx.v, fx.n);
    }
    break;
  }
  case CXCursor_IfStmt:
    if (branch(w, k.v[0]))
      stmt(w, k.v[1]);
    else if (k.n == 3 && !w->returned)
      stmt(w, k.v[2]);
    break;
  case CXCursor_ForStmt: /* all four parts present */
    assert_int_equal(k.n, 4);
    stmt(w, k.v[0]);
    while (!w->returned && branch(w, k.v[1])) {
      stmt(w, k.v[3]);
      if (!w->returned)
        effects(w, k.v[2], NULL);
    }
    break;
  case CXCursor_ReturnStmt:
    w->returned = true;
    break;
  case CXCursor_NullStmt:
    break;
  default:
    effects(w, s, NULL);
    break;
  }
}

/* The verdict for the path through `fn` that takes the branches `choices`. */
static hd__fverdict path(const char *src, const char *fn, const char *choices) {
  parse(src);
  walk w = {.choices = choices};
  hd__fpath_init(&w.path);
  stmt(&w, body(fn));
  assert_int_equal(*w.choices, '\0'); /* every choice was used */
  hd__fverdict v = hd__fpath_check(solver, &w.path);
  hd__fpath_free(&w.path);
  done();
  return v;
}

/* ---- lvalues and values ---------------------------------------------------- */

static const char lvalues_src[] =
    "struct in { int n; int arr[4]; };\n"
    "struct s { int state; struct in in; struct in *pin; };\n"
    "int g;\n"
    "void f(struct s *f, struct s v, int *p, int **pp, int a[8]) {\n"
    "  f->state; (*f).state; v.in.n; f->pin->n; *p; p[0]; p[3];\n"
    "  a[2]; (*pp)[1]; **pp; g; f->in.arr[1]; (f->state); v.in.arr[0];\n"
    "  (*pp)[0]; (**pp);\n"
    "}\n";

static void test_feasibility_cursor_lvalue_text(void **state) {
  const hd__fmem L = HD__FMEM_LOCAL, O = HD__FMEM_OWNED, S = HD__FMEM_SHARED;
  const struct {
    const char *text;
    hd__fmem mem;
  } want[] = {
      {"f->state", O}, {"f->state", O},  {"v.in.n", L}, {"f->pin->n", S},
      {"*p", O},       {"*p", O},        {"p[3]", O},   {"a[2]", O},
      {"(*pp)[1]", S}, {"**pp", S},      {"g", S},      {"f->in.arr[1]", O},
      {"f->state", O}, {"*v.in.arr", L}, {"**pp", S},   {"**pp", S},
  };
  parse(lvalues_src);
  kids k = stmts("f");
  assert_int_equal(k.n, 16);
  for (int i = 0; i < k.n; i++) {
    char buf[128];
    hd__fmem mem;
    bool ok = hd__flvalue_text(k.v[i], buf, sizeof buf, &mem);
    assert_true(ok);
    assert_string_equal(buf, want[i].text);
    assert_int_equal(mem, want[i].mem);
  }
  char tiny[4];
  hd__fmem mem;
  assert_false(hd__flvalue_text(k.v[0], tiny, sizeof tiny, &mem));
  done();
}

static const char values_src[] =
    "#define NULL ((void *)0)\n"
    "enum st { IDLE, BUSY = 5, GONE = -1 };\n"
    "struct fr { enum st state; unsigned char n; _Bool on; long big; };\n"
    "int h(int);\n"
    "void f(int x, unsigned y, char c, int *p, struct fr *fr, double d) {\n"
    "  x + 1 > y;\n"
    "  'a' == c;\n"
    "  sizeof(int) == 4;\n"
    "  fr->state == BUSY;\n"
    "  x ? fr->n : -1;\n"
    "  (unsigned char)x == 0;\n"
    "  !p;\n"
    "  p != NULL;\n"
    "  -x + ~y;\n"
    "  fr->on && fr->big >> 3;\n"
    "  h(x) == x;\n"
    "  d > 0.5;\n"
    "  x << fr->n;\n"
    "  __builtin_expect(!!(x > 3), 0);\n"
    "}\n";

static void test_feasibility_cursor_values(void **state) {
  static const char *const want[] = {
      "((u32)(x + 1) > y)",
      "(97 == (i32)c)",
      "(4u == 4u)",
      "(fr->state == 5)",
      "(x ? (i32)fr->n : -1)",
      "((i32)(u8)x == 0)",
      "!p",
      "(p != 0u)",
      "((u32)-x + ~y)",
      "((i32)fr->on && (fr->big >> 3u))",
      "(?0 == x)",
      "?", /* some unknown: floating point is not modelled */
      "(x << (u32)(i32)fr->n)",
      "(i64)!!(x > 3)",
  };
  parse(values_src);
  kids k = stmts("f");
  assert_int_equal(k.n, 14);
  for (int i = 0; i < k.n; i++) {
    char buf[256];
    hd__fsteps fx = {0};
    const hd__fexpr *v = hd__fexpr_from_cursor(ar, k.v[i], &fx);
    assert_non_null(v);
    hd__fexpr_format(v, buf, sizeof buf);
    if (strcmp(want[i], "?") == 0)
      assert_int_equal(v->op, HD__FOP_UNKNOWN);
    else
      assert_string_equal(buf, want[i]);
    assert_int_equal(fx.n, 0);
  }
  done();
}

/* ---- effects ------------------------------------------------------------- */

static const char effects_src[] =
    "int g(int *a, int *b, char *buf, const char *cp);\n"
    "int *get(void);\n"
    "struct q { int n; int *slot; };\n"
    "void f(int x, int y, int *p, const char *cp, struct q *q, int i) {\n"
    "  char buf[8]; int arr[4];\n"
    "  x += 3;\n"
    "  y = x++;\n"
    "  g(&x, p, buf, cp);\n"
    "  y = (g(&q->n, q->slot, 0, 0), 1);\n"
    "  y && (x = 1);\n"
    "  arr[i] = 0;\n"
    "  *get() = 1;\n"
    "  y = x > 0 ? (q->n = 2) : 3;\n"
    "  { int z = x * 2; int w; static int s = 0; }\n"
    "}\n";

typedef struct want_step {
  hd__fstep_kind kind;
  const char *lv; /* NULL for HAVOC_MEM */
  const char *e;  /* ASSIGN: the value */
} want_step;

static void expect_steps(const hd__fsteps *fx, const want_step *want, int n) {
  assert_int_equal(fx->n, n);
  for (int i = 0; i < n; i++) {
    assert_int_equal(fx->v[i].kind, want[i].kind);
    if (want[i].lv)
      assert_string_equal(fx->v[i].lv->name, want[i].lv);
    if (want[i].e) {
      char buf[128];
      hd__fexpr_format(fx->v[i].e, buf, sizeof buf);
      assert_string_equal(buf, want[i].e);
    }
  }
}

static void test_feasibility_cursor_effects(void **state) {
  parse(effects_src);
  kids k = stmts("f");
  assert_int_equal(k.n, 11);
  hd__fsteps fx = {0};
  const hd__fexpr *v;
  char buf[128];

  hd__fexpr_from_cursor(ar, k.v[2], &fx);
  expect_steps(&fx, (want_step[]){{HD__FSTEP_ASSIGN, "x", "(x + 3)"}}, 1);

  fx = (hd__fsteps){0};
  hd__fexpr_from_cursor(ar, k.v[3], &fx); /* y = x++: y gets the old x */
  expect_steps(
      &fx, (want_step[]){{HD__FSTEP_ASSIGN, "x", "(x + 1)"}, {HD__FSTEP_ASSIGN, "y", "(x - 1)"}},
      2);

  fx = (hd__fsteps){0};
  hd__fexpr_from_cursor(ar, k.v[4], &fx); /* cp points to const: untouched */
  expect_steps(&fx,
               (want_step[]){{HD__FSTEP_HAVOC, "x", NULL},
                             {HD__FSTEP_HAVOC_PTS, "p", NULL},
                             {HD__FSTEP_HAVOC, "buf", NULL}},
               3);

  fx = (hd__fsteps){0};
  v = hd__fexpr_from_cursor(ar, k.v[5], &fx);
  expect_steps(&fx,
               (want_step[]){{HD__FSTEP_HAVOC, "q->n", NULL},
                             {HD__FSTEP_HAVOC_PTS, "q->slot", NULL},
                             {HD__FSTEP_ASSIGN, "y", "1"}},
               3);
  hd__fexpr_format(v, buf, sizeof buf);
  assert_string_equal(buf, "y");

  fx = (hd__fsteps){0};
  hd__fexpr_from_cursor(ar, k.v[6], &fx); /* runs only when y: a havoc */
  expect_steps(&fx, (want_step[]){{HD__FSTEP_HAVOC, "x", NULL}}, 1);

  fx = (hd__fsteps){0};
  hd__fexpr_from_cursor(ar, k.v[7], &fx);
  expect_steps(&fx, (want_step[]){{HD__FSTEP_HAVOC, "arr", NULL}}, 1);

  fx = (hd__fsteps){0};
  hd__fexpr_from_cursor(ar, k.v[8], &fx);
  expect_steps(&fx, (want_step[]){{HD__FSTEP_HAVOC_MEM, NULL, NULL}}, 1);

  fx = (hd__fsteps){0};
  hd__fexpr_from_cursor(ar, k.v[9], &fx);
  expect_steps(&fx,
               (want_step[]){{HD__FSTEP_HAVOC, "q->n", NULL},
                             {HD__FSTEP_ASSIGN, "y", "((x > 0) ? q->n : 3)"}},
               2);

  kids decls = children(k.v[10]);
  assert_int_equal(decls.n, 3);
  fx = (hd__fsteps){0};
  for (int i = 0; i < decls.n; i++) {
    kids vars = children(decls.v[i]);
    assert_int_equal(hd__fsteps_from_decl(ar, vars.v[0], &fx), 0);
  }
  expect_steps(&fx, (want_step[]){{HD__FSTEP_ASSIGN, "z", "(x * 2)"}, {HD__FSTEP_HAVOC, "w", NULL}},
               2);
  done();
}

/* ---- whole paths ---------------------------------------------------------- */

static void test_feasibility_cursor_int_max(void **state) {
  static const char src[] = "int f(int x, int y) {\n"
                            "  if (x > 0 && y == x + 1 && !(y > 1)) return 1;\n"
                            "  return 0;\n"
                            "}\n"
                            "int g(int x, int y) {\n"
                            "  if (x > 0 && x < 100 && y == x + 1 && !(y > 1)) return 1;\n"
                            "  return 0;\n"
                            "}\n";
  assert_int_equal(path(src, "f", "T"), HD__FEASIBLE);
  assert_int_equal(path(src, "g", "T"), HD__INFEASIBLE);
}

static void test_feasibility_cursor_unsigned_char(void **state) {
  static const char src[] = "void f(unsigned char x) {\n"
                            "  unsigned char y = x + 1;\n"
                            "  if (x > 0) { if (!(y > 1)) { } }\n"
                            "}\n"
                            "void g(unsigned char x) {\n"
                            "  int y = x + 1;\n"
                            "  if (x > 0) { if (!(y > 1)) { } }\n"
                            "}\n";
  assert_int_equal(path(src, "f", "TT"), HD__FEASIBLE);   /* 255 + 1 stores 0 */
  assert_int_equal(path(src, "g", "TT"), HD__INFEASIBLE); /* int holds 256 */
}

static const char correlated_src[] =
    "void lock(int *); void unlock(int *);\n"
    "typedef struct metrics { int mu; _Bool shared; long in_flight; long tenants; } metrics;\n"
    "void good(metrics *m) {\n"
    "  _Bool shared = m->shared;\n"
    "  if (shared) lock(&m->mu);\n"
    "  m->in_flight++;\n"
    "  if (shared) unlock(&m->mu);\n"
    "}\n"
    "void bad(metrics *m) {\n"
    "  _Bool shared = m->shared;\n"
    "  if (shared) lock(&m->mu);\n"
    "  m->in_flight++;\n"
    "  shared = m->tenants > 1;\n"
    "  if (shared) unlock(&m->mu);\n"
    "}\n";

static void test_feasibility_cursor_correlated(void **state) {
  assert_int_equal(path(correlated_src, "good", "TF"), HD__INFEASIBLE);
  assert_int_equal(path(correlated_src, "good", "FT"), HD__INFEASIBLE);
  assert_int_equal(path(correlated_src, "good", "TT"), HD__FEASIBLE);
  assert_int_equal(path(correlated_src, "bad", "TF"), HD__FEASIBLE);
}

static const char field_src[] =
    "char *strncpy(char *, const char *, unsigned long);\n"
    "void lock(int *); void unlock(int *); void reset(void *);\n"
    "typedef struct sink { int mu; char last[256]; long lines; } sink;\n"
    "typedef struct frame { sink *sink; _Bool sync_log; const char *msg; } frame;\n"
    "void good(frame *f) {\n"
    "  if (f->sync_log) lock(&f->sink->mu);\n"
    "  strncpy(f->sink->last, f->msg, sizeof f->sink->last - 1);\n"
    "  f->sink->lines++;\n"
    "  if ((*f).sync_log) unlock(&f->sink->mu);\n"
    "}\n"
    "void reset_between(frame *f) {\n"
    "  if (f->sync_log) lock(&f->sink->mu);\n"
    "  reset(f);\n"
    "  if (f->sync_log) unlock(&f->sink->mu);\n"
    "}\n";

static void test_feasibility_cursor_field(void **state) {
  assert_int_equal(path(field_src, "good", "TF"), HD__INFEASIBLE);
  assert_int_equal(path(field_src, "reset_between", "TF"), HD__FEASIBLE);
}

static void test_feasibility_cursor_flag(void **state) {
  static const char src[] = "void lock(int *); void unlock(int *);\n"
                            "struct table { int mu; _Bool concurrent; int rows; };\n"
                            "void f(struct table *t) {\n"
                            "  _Bool locked = 0;\n"
                            "  if (t->concurrent) { lock(&t->mu); locked = 1; }\n"
                            "  t->rows++;\n"
                            "  if (locked) unlock(&t->mu);\n"
                            "}\n";
  assert_int_equal(path(src, "f", "TF"), HD__INFEASIBLE);
  assert_int_equal(path(src, "f", "FT"), HD__INFEASIBLE);
  assert_int_equal(path(src, "f", "TT"), HD__FEASIBLE);
  assert_int_equal(path(src, "f", "FF"), HD__FEASIBLE);
}

static void test_feasibility_cursor_state_chain(void **state) {
  static const char src[] = "enum st { IDLE, BUSY = 5, DONE };\n"
                            "struct fr { enum st state; int x; };\n"
                            "void f(struct fr *f) {\n"
                            "  if (f->state == BUSY) f->x = 1;\n"
                            "  if (f->state == DONE) f->x = 2;\n"
                            "}\n";
  assert_int_equal(path(src, "f", "TT"), HD__INFEASIBLE);
  assert_int_equal(path(src, "f", "FT"), HD__FEASIBLE);
}

static void test_feasibility_cursor_early_return(void **state) {
  static const char src[] = "void lock(int *); void unlock(int *); void await(void);\n"
                            "struct cache { int mu; _Bool enabled; long slots[128]; };\n"
                            "long f(struct cache *c, unsigned key) {\n"
                            "  _Bool enabled = c->enabled;\n"
                            "  if (enabled) lock(&c->mu);\n"
                            "  key = key * 2654435761u % 128;\n"
                            "  if (enabled) { long v = c->slots[key]; unlock(&c->mu); return v; }\n"
                            "  await();\n"
                            "  return key;\n"
                            "}\n";
  assert_int_equal(path(src, "f", "TF"), HD__INFEASIBLE); /* locked, reaches the await */
  assert_int_equal(path(src, "f", "FF"), HD__FEASIBLE);
}

static void test_feasibility_cursor_loop_first_pass(void **state) {
  static const char src[] = "void lock(int *); void unlock(int *); void await(void);\n"
                            "struct fr { int *mu; int attempt; int endpoint; };\n"
                            "void f(struct fr *f) {\n"
                            "  lock(f->mu);\n"
                            "  for (f->attempt = 0; f->attempt < 3; f->attempt++) {\n"
                            "    if (f->attempt == 0) unlock(f->mu);\n"
                            "    await();\n"
                            "  }\n"
                            "}\n";
  assert_int_equal(path(src, "f", "F"), HD__INFEASIBLE);       /* 0 < 3 */
  assert_int_equal(path(src, "f", "TF"), HD__INFEASIBLE);      /* held at the first await */
  assert_int_equal(path(src, "f", "TTTF"), HD__FEASIBLE);      /* second pass */
  assert_int_equal(path(src, "f", "TTTFTFF"), HD__FEASIBLE);   /* three passes, out */
  assert_int_equal(path(src, "f", "TTTFTFT"), HD__INFEASIBLE); /* no fourth pass */
}

static void test_feasibility_cursor_scoped_lock_macro(void **state) {
  static const char src[] =
      "void lock(int *); void unlock(int *);\n"
      "#define WITH_LOCK(m) for (int once_ = (lock(m), 1); once_; once_ = (unlock(m), 0))\n"
      "struct inv { int mu; int stock; };\n"
      "void f(struct inv *inv, int q) {\n"
      "  WITH_LOCK(&inv->mu) { inv->stock -= q; }\n"
      "}\n";
  assert_int_equal(path(src, "f", "F"), HD__INFEASIBLE);
  assert_int_equal(path(src, "f", "TF"), HD__FEASIBLE);
  assert_int_equal(path(src, "f", "TT"), HD__INFEASIBLE);
}

static void test_feasibility_cursor_ranges(void **state) {
  static const char src[] = "struct b { int queued; int sealed; };\n"
                            "void f(struct b *b) {\n"
                            "  int n = b->queued;\n"
                            "  if (n > 8) b->sealed = 1;\n"
                            "  b->sealed = n > 8;\n"
                            "  if (n > 16) b->sealed = 2;\n"
                            "}\n"
                            "void g(struct b *b) {\n"
                            "  int n = b->queued;\n"
                            "  if (n > 8) b->sealed = 1;\n"
                            "  if (n > 4) b->sealed = 2;\n"
                            "}\n";
  assert_int_equal(path(src, "f", "TF"), HD__FEASIBLE); /* 9..16 */
  assert_int_equal(path(src, "g", "TF"), HD__INFEASIBLE);
}

/* ---- C semantics against clang's own evaluator ---------------------------- */

static unsigned rnd(unsigned *seed) {
  *seed = *seed * 1103515245u + 12345u;
  return (*seed >> 16) & 0x7fff;
}

/* A random constant C expression mixing types, casts and every operator. */
static void gen(char *buf, size_t cap, unsigned *seed, int depth) {
  static const char *const leaves[] = {
      "0",
      "1",
      "-1",
      "7",
      "-7",
      "200u",
      "4000000000u",
      "255",
      "(unsigned char)300",
      "(signed char)200",
      "(short)-40000",
      "(_Bool)5",
      "3ll",
      "-5ll",
      "(unsigned long long)-1",
      "'a'",
      "0x7fffffff",
      "(unsigned short)65535",
  };
  static const char *const bins[] = {"+", "-", "*",  "/", "%",  "<<", ">>", "&",  "|",
                                     "^", "<", "<=", ">", ">=", "==", "!=", "&&", "||"};
  static const char *const casts[] = {"(unsigned char)",      "(signed char)", "(short)",
                                      "(unsigned)",           "(int)",         "(long long)",
                                      "(unsigned long long)", "(_Bool)"};
  size_t len = strlen(buf);
  unsigned pick = depth > 0 ? rnd(seed) % 10 : 0;
  if (pick < 3) {
    snprintf(buf + len, cap - len, "%s", leaves[rnd(seed) % (sizeof leaves / sizeof *leaves)]);
  } else if (pick < 7) {
    const char *op = bins[rnd(seed) % (sizeof bins / sizeof *bins)];
    snprintf(buf + len, cap - len, "(");
    gen(buf, cap, seed, depth - 1);
    len = strlen(buf);
    snprintf(buf + len, cap - len, " %s ", op);
    gen(buf, cap, seed, op[0] == '<' && op[1] == '<' ? 0 : depth - 1);
    len = strlen(buf);
    snprintf(buf + len, cap - len, ")");
  } else if (pick < 8) {
    static const char *const un[] = {"-", "~", "!"};
    snprintf(buf + len, cap - len, "%s(", un[rnd(seed) % 3]);
    gen(buf, cap, seed, depth - 1);
    len = strlen(buf);
    snprintf(buf + len, cap - len, ")");
  } else if (pick < 9) {
    snprintf(buf + len, cap - len, "%s(", casts[rnd(seed) % (sizeof casts / sizeof *casts)]);
    gen(buf, cap, seed, depth - 1);
    len = strlen(buf);
    snprintf(buf + len, cap - len, ")");
  } else {
    snprintf(buf + len, cap - len, "(");
    gen(buf, cap, seed, depth - 1);
    len = strlen(buf);
    snprintf(buf + len, cap - len, " ? ");
    gen(buf, cap, seed, depth - 1);
    len = strlen(buf);
    snprintf(buf + len, cap - len, " : ");
    gen(buf, cap, seed, depth - 1);
    len = strlen(buf);
    snprintf(buf + len, cap - len, ")");
  }
}

typedef struct all_kids {
  CXCursor *v;
  int n, cap;
} all_kids;

static enum CXChildVisitResult collect_all(CXCursor c, CXCursor parent, CXClientData d) {
  all_kids *k = d;
  if (k->n < k->cap)
    k->v[k->n++] = c;
  return CXChildVisit_Continue;
}

/* 400 random constant expressions: the converter's value, run by the guess
 * and by Z3, must equal what clang computes (expressions clang refuses to
 * evaluate, e.g. signed overflow or division by zero, are skipped). */
static void test_feasibility_cursor_matches_clang(void **state) {
  enum { N = 400 };
  size_t cap = (size_t)N * 300 + 64;
  char *src = malloc(cap);
  assert_non_null(src);
  strcpy(src, "void f(void) {\n");
  unsigned seed = 12345;
  for (int i = 0; i < N; i++) {
    char e[256] = "";
    gen(e, sizeof e, &seed, 3);
    size_t len = strlen(src);
    snprintf(src + len, cap - len, "  %s;\n", e);
  }
  strcat(src, "}\n");
  parse(src);
  hd__fsolver *z3 = hd__fsolver_new(0);
  assert_non_null(z3);
  hd__fsolver_use_guess(z3, false);
  all_kids k = {calloc(N, sizeof(CXCursor)), 0, N};
  assert_non_null(k.v);
  clang_visitChildren(body("f"), collect_all, &k);
  assert_int_equal(k.n, N);
  int checked = 0;
  for (int i = 0; i < k.n; i++) {
    CXEvalResult r = clang_Cursor_Evaluate(k.v[i]);
    if (!r)
      continue;
    bool is_int = clang_EvalResult_getKind(r) == CXEval_Int;
    uint64_t want = !is_int ? 0
                    : clang_EvalResult_isUnsignedInt(r)
                        ? clang_EvalResult_getAsUnsigned(r)
                        : (uint64_t)clang_EvalResult_getAsLongLong(r);
    clang_EvalResult_dispose(r);
    if (!is_int)
      continue;
    const hd__fexpr *v = hd__fexpr_from_cursor(ar, k.v[i], NULL);
    assert_non_null(v);
    hd__fstep st = {.kind = HD__FSTEP_COND,
                    .taken = true,
                    .e = hd__fexpr_binary(ar, HD__FOP_EQ, v, hd__fexpr_const(ar, v->type, want))};
    bool equal = hd__fguess_feasible(&st, 1);
    st.taken = false;
    bool differ = hd__fguess_feasible(&st, 1);
    if (!equal && !differ)
      continue; /* undefined in C (a shift by the width or more): clang folds it anyway */
    if (!equal) {
      char text[512];
      hd__fexpr_format(v, text, sizeof text);
      fail_msg("expression %d: %s is not %llu", i, text, (unsigned long long)want);
    }
    assert_int_equal(hd__fsolver_check(z3, &st, 1), HD__INFEASIBLE);
    st.taken = true;
    assert_int_equal(hd__fsolver_check(z3, &st, 1), HD__FEASIBLE);
    checked++;
  }
  assert_true(checked > N / 2);
  free(k.v);
  hd__fsolver_free(z3);
  free(src);
  done();
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_feasibility_cursor_lvalue_text),
      cmocka_unit_test(test_feasibility_cursor_values),
      cmocka_unit_test(test_feasibility_cursor_effects),
      cmocka_unit_test(test_feasibility_cursor_int_max),
      cmocka_unit_test(test_feasibility_cursor_unsigned_char),
      cmocka_unit_test(test_feasibility_cursor_correlated),
      cmocka_unit_test(test_feasibility_cursor_field),
      cmocka_unit_test(test_feasibility_cursor_flag),
      cmocka_unit_test(test_feasibility_cursor_state_chain),
      cmocka_unit_test(test_feasibility_cursor_early_return),
      cmocka_unit_test(test_feasibility_cursor_loop_first_pass),
      cmocka_unit_test(test_feasibility_cursor_scoped_lock_macro),
      cmocka_unit_test(test_feasibility_cursor_ranges),
      cmocka_unit_test(test_feasibility_cursor_matches_clang),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
