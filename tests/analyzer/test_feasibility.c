/* Path feasibility: C integer semantics in Z3, versioned variables, havocs,
 * the error handler and the deterministic resource limit. Expressions are
 * built by hand here; test_feasibility_cursor.c builds them from C. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "feasibility/expr.h"
#include "feasibility/feasible.h"
#include "feasibility/guess.h"
#include "feasibility/z3_solver.h"

#define I32 ((hd__ftype){32, true})
#define U32 ((hd__ftype){32, false})
#define U8 ((hd__ftype){8, false})
#define I64 ((hd__ftype){64, true})
#define U64 ((hd__ftype){64, false})

typedef struct fixture {
  hd__farena *ar;
  hd__fsolver *s;
  hd__fpath path;
} fixture;

static fixture fx;

static int setup(void **state) {
  fx.ar = hd__farena_new();
  fx.s = hd__fsolver_new(0);
  if (fx.s)
    hd__fsolver_use_guess(fx.s, false); /* every answer below comes from Z3 */
  hd__fpath_init(&fx.path);
  return fx.ar && fx.s ? 0 : -1;
}

static int teardown(void **state) {
  hd__fstats_print(stderr, hd__fsolver_stats(fx.s)); /* the measured time per query */
  hd__fpath_free(&fx.path);
  hd__fsolver_free(fx.s);
  hd__farena_free(fx.ar);
  return 0;
}

/* ---- shorthands ---------------------------------------------------------- */

/* A variable; where it lives follows its pointer hops, as the converter
 * would decide. */
static const hd__fexpr *var(const char *name, hd__ftype t) {
  int hops = name[0] == '*';
  for (const char *p = name; (p = strstr(p, "->")); p += 2)
    hops++;
  return hd__fexpr_var(fx.ar, name, t,
                       hops >= 2 ? HD__FMEM_SHARED
                       : hops    ? HD__FMEM_OWNED
                                 : HD__FMEM_LOCAL);
}
static const hd__fexpr *k(hd__ftype t, long long v) {
  return hd__fexpr_const(fx.ar, t, (uint64_t)v);
}
static const hd__fexpr *bin(hd__fop op, const hd__fexpr *a, const hd__fexpr *b) {
  return hd__fexpr_binary(fx.ar, op, a, b);
}
static const hd__fexpr *lnot(const hd__fexpr *a) {
  return hd__fexpr_unary(fx.ar, HD__FOP_LNOT, a);
}

static void start(void) {
  hd__fpath_clear(&fx.path);
}
static void cond(const hd__fexpr *c, bool taken) {
  hd__fpath_cond(&fx.path, c, taken);
}
static void assign(const hd__fexpr *lv, const hd__fexpr *e) {
  hd__fstep st = {.kind = HD__FSTEP_ASSIGN, .lv = lv, .e = hd__fexpr_cast(fx.ar, e, lv->type)};
  hd__fpath_steps(&fx.path, &st, 1);
}
static void havoc(hd__fstep_kind kind, const hd__fexpr *lv) {
  hd__fstep st = {.kind = kind, .lv = lv};
  hd__fpath_steps(&fx.path, &st, 1);
}
static hd__fverdict check(void) {
  return hd__fpath_check(fx.s, &fx.path);
}

/* ---- C semantics --------------------------------------------------------- */

/* Over unbounded integers x > 0 && y == x + 1 && !(y > 1) has no model; in
 * C it holds at x == INT_MAX, where x + 1 wraps (we model -fwrapv). */
static void test_feasibility_int_max_wraps(void **state) {
  const hd__fexpr *x = var("x", I32), *y = var("y", I32);
  const hd__fexpr *c = bin(HD__FOP_LAND,
                           bin(HD__FOP_LAND, bin(HD__FOP_GT, x, k(I32, 0)),
                               bin(HD__FOP_EQ, y, bin(HD__FOP_ADD, x, k(I32, 1)))),
                           lnot(bin(HD__FOP_GT, y, k(I32, 1))));
  start();
  cond(c, true);
  assert_int_equal(check(), HD__FEASIBLE);
  /* With x bounded away from INT_MAX the same formula is infeasible. */
  start();
  cond(bin(HD__FOP_LT, x, k(I32, 10)), true);
  cond(c, true);
  assert_int_equal(check(), HD__INFEASIBLE);
}

/* unsigned char: the comparison y == x + 1 happens in int (promotion), so it
 * cannot wrap; storing x + 1 into an unsigned char truncates, so it can. */
static void test_feasibility_unsigned_char_promotion_and_wrap(void **state) {
  const hd__fexpr *x = var("x", U8), *y = var("y", U8);
  const hd__fexpr *tail = lnot(bin(HD__FOP_GT, y, k(I32, 1)));
  start();
  cond(bin(HD__FOP_GT, x, k(I32, 0)), true);
  cond(bin(HD__FOP_EQ, y, bin(HD__FOP_ADD, x, k(I32, 1))), true);
  cond(tail, true);
  assert_int_equal(check(), HD__INFEASIBLE);

  start();
  cond(bin(HD__FOP_GT, x, k(I32, 0)), true);
  assign(y, bin(HD__FOP_ADD, x, k(I32, 1))); /* 255 + 1 stores 0 */
  cond(tail, true);
  assert_int_equal(check(), HD__FEASIBLE);
}

/* -1 compared with an unsigned converts to UINT_MAX (usual arithmetic
 * conversions); the same comparison in int does not. */
static void test_feasibility_signed_unsigned_compare(void **state) {
  const hd__fexpr *x = var("x", I32);
  start();
  assign(x, k(I32, -1));
  cond(bin(HD__FOP_GT, x, k(U32, 5)), false);
  assert_int_equal(check(), HD__INFEASIBLE);
  start();
  assign(x, k(I32, -1));
  cond(bin(HD__FOP_GT, x, k(I32, 5)), true);
  assert_int_equal(check(), HD__INFEASIBLE);
  /* long long vs unsigned int: the signed type is wider and wins. */
  const hd__fexpr *l = var("l", I64);
  start();
  assign(l, k(I64, -1));
  cond(bin(HD__FOP_LT, l, k(U32, 5)), true);
  assert_int_equal(check(), HD__FEASIBLE);
}

/* Division truncates toward zero, % takes the dividend's sign, >> of a
 * negative value is arithmetic. */
static void test_feasibility_division_and_shift(void **state) {
  const hd__fexpr *x = var("x", I32);
  start();
  assign(x, k(I32, -7));
  cond(bin(HD__FOP_LAND, bin(HD__FOP_EQ, bin(HD__FOP_DIV, x, k(I32, 2)), k(I32, -3)),
           bin(HD__FOP_EQ, bin(HD__FOP_REM, x, k(I32, 2)), k(I32, -1))),
       false);
  assert_int_equal(check(), HD__INFEASIBLE);
  start();
  assign(x, k(I32, -8));
  cond(bin(HD__FOP_EQ, bin(HD__FOP_SHR, x, k(I32, 1)), k(I32, -4)), false);
  assert_int_equal(check(), HD__INFEASIBLE);
  const hd__fexpr *u = var("u", U32);
  start();
  assign(u, k(U32, 0x80000000u));
  cond(bin(HD__FOP_EQ, bin(HD__FOP_SHR, u, k(I32, 31)), k(U32, 1)), false);
  assert_int_equal(check(), HD__INFEASIBLE);
}

/* Converting to _Bool is != 0, not truncation: (_Bool)256 is 1. */
static void test_feasibility_bool_conversion(void **state) {
  const hd__fexpr *b = var("b", HD__FTYPE_BOOL), *c = var("c", U8);
  start();
  assign(b, k(I32, 256));
  cond(b, false);
  assert_int_equal(check(), HD__INFEASIBLE);
  start();
  assign(c, k(I32, 256)); /* unsigned char truncates to 0 */
  cond(c, false);
  assert_int_equal(check(), HD__FEASIBLE);
}

/* ---- paths --------------------------------------------------------------- */

/* if (c) lock; ... if (c) unlock;  -- the lock-then-skip path needs c true
 * and then false: infeasible unless c is written in between. */
static void test_feasibility_correlated_branches(void **state) {
  const hd__fexpr *c = var("shared", HD__FTYPE_BOOL);
  start();
  cond(c, true);
  cond(c, false);
  assert_int_equal(check(), HD__INFEASIBLE);

  start();
  cond(c, true);
  assign(c, bin(HD__FOP_GT, var("m->tenants", I64), k(I32, 1)));
  cond(c, false);
  assert_int_equal(check(), HD__FEASIBLE);

  start();
  cond(c, true);
  havoc(HD__FSTEP_HAVOC, c);
  cond(c, false);
  assert_int_equal(check(), HD__FEASIBLE);
}

/* bool locked = 0; if (t->concurrent) { lock; locked = 1; } if (locked) unlock; */
static void test_feasibility_flag_set_then_tested(void **state) {
  const hd__fexpr *locked = var("locked", HD__FTYPE_BOOL),
                  *conc = var("t->concurrent", HD__FTYPE_BOOL);
  for (int path = 0; path < 4; path++) {
    bool took = path & 1, unlocked = path & 2;
    start();
    assign(locked, k(I32, 0));
    cond(conc, took);
    if (took)
      assign(locked, k(I32, 1));
    cond(locked, unlocked);
    assert_int_equal(check(), took == unlocked ? HD__FEASIBLE : HD__INFEASIBLE);
  }
}

/* if (state == 1) ...; if (state == 2) ...: both true is impossible. */
static void test_feasibility_state_chain(void **state) {
  const hd__fexpr *st = var("f->state", I32);
  start();
  cond(bin(HD__FOP_EQ, st, k(I32, 1)), true);
  cond(bin(HD__FOP_EQ, st, k(I32, 2)), true);
  assert_int_equal(check(), HD__INFEASIBLE);
  start();
  cond(bin(HD__FOP_EQ, st, k(I32, 1)), false);
  cond(bin(HD__FOP_EQ, st, k(I32, 2)), true);
  assert_int_equal(check(), HD__FEASIBLE);
}

/* i = 0; while (i < n) ... with n > 0 known: the loop runs at least once. */
static void test_feasibility_loop_runs_once(void **state) {
  const hd__fexpr *i = var("i", I32), *n = var("n", I32);
  const hd__fexpr *guard = bin(HD__FOP_LT, i, n);
  start();
  cond(bin(HD__FOP_GT, n, k(I32, 0)), true);
  assign(i, k(I32, 0));
  cond(guard, false);
  assert_int_equal(check(), HD__INFEASIBLE);
  /* once round the loop (new version of i), then out: n == 1 */
  start();
  cond(bin(HD__FOP_GT, n, k(I32, 0)), true);
  assign(i, k(I32, 0));
  cond(guard, true);
  assign(i, bin(HD__FOP_ADD, i, k(I32, 1)));
  cond(guard, false);
  assert_int_equal(check(), HD__FEASIBLE);
  /* ... and out after one pass when n > 1 is known: infeasible */
  start();
  cond(bin(HD__FOP_GT, n, k(I32, 1)), true);
  assign(i, k(I32, 0));
  cond(guard, true);
  assign(i, bin(HD__FOP_ADD, i, k(I32, 1)));
  cond(guard, false);
  assert_int_equal(check(), HD__INFEASIBLE);
}

/* What each havoc reaches: HAVOC_PTS(f->sink) leaves f->sync_log alone;
 * assigning f->m changes what f->m->shared denotes; HAVOC_MEM reaches
 * memory but not locals. */
static void test_feasibility_havoc_reach(void **state) {
  const hd__fexpr *sync = var("f->sync_log", HD__FTYPE_BOOL);
  start();
  cond(sync, true);
  havoc(HD__FSTEP_HAVOC_PTS, var("f->sink", U64));
  havoc(HD__FSTEP_HAVOC, var("f->sink->last", U64));
  cond(sync, false);
  assert_int_equal(check(), HD__INFEASIBLE);

  start();
  cond(sync, true);
  havoc(HD__FSTEP_HAVOC_PTS, var("f", U64)); /* reset(f) */
  cond(sync, false);
  assert_int_equal(check(), HD__FEASIBLE);

  const hd__fexpr *shared = var("f->m->shared", HD__FTYPE_BOOL), *m = var("f->m", U64);
  start();
  cond(shared, true);
  assign(m, var("other", U64));
  cond(shared, false);
  assert_int_equal(check(), HD__FEASIBLE);

  const hd__fexpr *local = hd__fexpr_var(fx.ar, "flag", HD__FTYPE_BOOL, HD__FMEM_LOCAL);
  start();
  cond(local, true);
  cond(sync, true);
  havoc(HD__FSTEP_HAVOC_MEM, NULL);
  cond(sync, false);
  assert_int_equal(check(), HD__FEASIBLE);
  start();
  cond(local, true);
  havoc(HD__FSTEP_HAVOC_MEM, NULL);
  cond(local, false);
  assert_int_equal(check(), HD__INFEASIBLE);

  /* *p is reached through p; p->x through HAVOC of p's pointee too */
  const hd__fexpr *star = var("*p", I32);
  start();
  cond(star, true);
  havoc(HD__FSTEP_HAVOC_PTS, var("p", U64));
  cond(star, false);
  assert_int_equal(check(), HD__FEASIBLE);
  const hd__fexpr *pq = var("pq", I32); /* a different variable, same prefix letters */
  start();
  cond(pq, true);
  havoc(HD__FSTEP_HAVOC, var("p", U64));
  cond(pq, false);
  assert_int_equal(check(), HD__INFEASIBLE);
}

/* An unknown leaf is a fresh value at every step that evaluates it. */
static void test_feasibility_unknown_is_fresh(void **state) {
  const hd__fexpr *u = hd__fexpr_unknown(fx.ar, I32);
  start();
  cond(u, true);
  cond(u, false);
  assert_int_equal(check(), HD__FEASIBLE);
  /* but within one condition it is one value */
  start();
  cond(bin(HD__FOP_NE, u, u), true);
  assert_int_equal(check(), HD__INFEASIBLE);
}

/* ?: picks by the condition; ITE of bools and casts of comparisons. */
static void test_feasibility_ternary(void **state) {
  const hd__fexpr *x = var("x", I32), *y = var("y", I32);
  start();
  assign(y, hd__fexpr_ite(fx.ar, bin(HD__FOP_LT, x, k(I32, 0)),
                          hd__fexpr_unary(fx.ar, HD__FOP_NEG, x), x));
  cond(bin(HD__FOP_LT, y, k(I32, 0)), true); /* |INT_MIN| wraps to INT_MIN */
  assert_int_equal(check(), HD__FEASIBLE);
  start();
  cond(bin(HD__FOP_GT, x, k(I32, -5)), true);
  assign(y, hd__fexpr_ite(fx.ar, bin(HD__FOP_LT, x, k(I32, 0)),
                          hd__fexpr_unary(fx.ar, HD__FOP_NEG, x), x));
  cond(bin(HD__FOP_LT, y, k(I32, 0)), true);
  assert_int_equal(check(), HD__INFEASIBLE);
}

/* ---- the concrete guess ------------------------------------------------- */

/* On ground paths (every value a constant) the guess and Z3 must give the
 * same answer: they implement the same semantics twice. */
static void test_feasibility_guess_agrees_with_z3(void **state) {
  const hd__fexpr *a = var("a", I32), *b = var("b", I32), *u = var("u", U32), *c = var("c", U8);
  const hd__fexpr *l = var("l", I64), *flag = var("flag", HD__FTYPE_BOOL);
  const hd__fexpr *conds[] = {
      bin(HD__FOP_EQ, bin(HD__FOP_DIV, a, b), k(I32, -3)),
      bin(HD__FOP_EQ, bin(HD__FOP_REM, a, b), k(I32, -1)),
      bin(HD__FOP_LT, a, u), /* -7 converts to a huge unsigned */
      bin(HD__FOP_EQ, bin(HD__FOP_SHR, a, k(I32, 1)), k(I32, -4)),
      bin(HD__FOP_EQ, bin(HD__FOP_SHR, u, k(I32, 4)), k(U32, 0x0fffffffu)),
      bin(HD__FOP_EQ, bin(HD__FOP_SHL, c, k(I32, 4)), k(I32, 0xff0)),
      bin(HD__FOP_EQ, bin(HD__FOP_ADD, c, k(I32, 1)), k(I32, 256)),
      bin(HD__FOP_EQ, hd__fexpr_cast(fx.ar, bin(HD__FOP_ADD, c, k(I32, 1)), U8), k(I32, 0)),
      bin(HD__FOP_GT, bin(HD__FOP_MUL, l, l), k(I64, 0)),
      bin(HD__FOP_EQ, hd__fexpr_unary(fx.ar, HD__FOP_NEG, a), k(I32, 7)),
      bin(HD__FOP_EQ, hd__fexpr_unary(fx.ar, HD__FOP_BNOT, u), k(U32, 0)),
      bin(HD__FOP_LOR, lnot(flag), bin(HD__FOP_GE, a, b)),
      hd__fexpr_ite(fx.ar, flag, bin(HD__FOP_LE, b, a), bin(HD__FOP_NE, c, k(I32, 255))),
      bin(HD__FOP_EQ, hd__fexpr_cast(fx.ar, l, I32), k(I32, 0)),
      bin(HD__FOP_EQ, hd__fexpr_cast(fx.ar, a, I64), k(I64, -7)),
  };
  hd__fsolver *guessing = hd__fsolver_new(0);
  assert_non_null(guessing);
  for (size_t i = 0; i < sizeof conds / sizeof *conds; i++)
    for (int taken = 0; taken < 2; taken++) {
      start();
      assign(a, k(I32, -7));
      assign(b, k(I32, 2));
      assign(u, k(U32, 0xffffffffu));
      assign(c, k(I32, 255));
      assign(l, k(I64, 0x100000000ll)); /* l * l wraps to 0 */
      assign(flag, k(I32, 1));
      cond(conds[i], taken);
      hd__fverdict z3 = check();
      bool guessed = hd__fguess_feasible(fx.path.v, fx.path.n);
      if (guessed != (z3 == HD__FEASIBLE))
        fail_msg("condition %zu taken %d: guess %d, Z3 %d", i, taken, guessed, (int)z3);
      assert_int_equal(hd__fpath_check(guessing, &fx.path), z3);
    }
  hd__fsolver_free(guessing);
}

/* Undefined operations make the guess give up; Z3 decides instead. */
static void test_feasibility_guess_gives_up_on_undefined(void **state) {
  const hd__fexpr *a = var("a", I32), *z = var("z", I32);
  start();
  assign(z, k(I32, 0));
  cond(bin(HD__FOP_EQ, bin(HD__FOP_DIV, a, z), k(I32, 5)), false);
  assert_false(hd__fguess_feasible(fx.path.v, fx.path.n));
  start();
  cond(bin(HD__FOP_EQ, bin(HD__FOP_SHL, a, k(I32, 32)), k(I32, 0)), true);
  assert_false(hd__fguess_feasible(fx.path.v, fx.path.n));
  /* a free 64-bit x with x % 1000 == 1: x = 1 does it, no Z3 needed */
  const hd__fexpr *x = var("x", U64);
  start();
  cond(bin(HD__FOP_EQ, bin(HD__FOP_REM, x, k(U64, 1000)), k(U64, 1)), true);
  assert_true(hd__fguess_feasible(fx.path.v, fx.path.n));
}

/* ---- robustness ---------------------------------------------------------- */

/* An ill-sorted term (an 8-bit plus a 32-bit operand, which the
 * constructors never build) reaches Z3's error handler: the query is
 * UNKNOWN, the process lives, and the solver keeps working. */
static void test_feasibility_error_handler(void **state) {
  hd__fexpr bad = {.op = HD__FOP_ADD, .type = I32, .a = var("a", U8), .b = var("b", I32)};
  hd__fexpr cmp = {.op = HD__FOP_EQ, .type = I32, .a = &bad, .b = k(I32, 3)};
  unsigned long errors = hd__fsolver_stats(fx.s)->errors;
  start();
  cond(&cmp, true);
  assert_int_equal(check(), HD__FUNKNOWN);
  assert_int_equal(hd__fsolver_stats(fx.s)->errors, errors + 1);
  const hd__fexpr *c = var("c", I32);
  start();
  cond(c, true);
  cond(c, false);
  assert_int_equal(check(), HD__INFEASIBLE);
}

/* Factoring a 62-bit semiprime: far beyond a small rlimit, which ends it
 * as UNKNOWN the same way every time; the solver answers the next query. */
static void test_feasibility_rlimit_unknown(void **state) {
  hd__fsolver *small = hd__fsolver_new(20000);
  assert_non_null(small);
  const hd__fexpr *x = var("x", U64), *y = var("y", U64);
  hd__fpath p;
  hd__fpath_init(&p);
  hd__fpath_cond(&p, bin(HD__FOP_EQ, bin(HD__FOP_MUL, x, y), k(U64, 2147483647ll * 2147483629ll)),
                 true);
  hd__fpath_cond(&p, bin(HD__FOP_GT, x, k(U64, 1)), true);
  hd__fpath_cond(&p, bin(HD__FOP_GT, y, k(U64, 1)), true);
  hd__fpath_cond(&p, bin(HD__FOP_LT, x, k(U64, 1ll << 32)), true);
  hd__fpath_cond(&p, bin(HD__FOP_LT, y, k(U64, 1ll << 32)), true);
  for (int i = 0; i < 3; i++)
    assert_int_equal(hd__fpath_check(small, &p), HD__FUNKNOWN);
  assert_int_equal(hd__fsolver_stats(small)->unknown, 3);
  assert_int_equal(hd__fsolver_stats(small)->errors, 0);
  hd__fpath_clear(&p);
  hd__fpath_cond(&p, x, true);
  hd__fpath_cond(&p, x, false);
  assert_int_equal(hd__fpath_check(small, &p), HD__INFEASIBLE);
  hd__fpath_free(&p);
  hd__fsolver_free(small);
}

/* When Z3 gives up on a product of two unknowns, the path is decided again
 * without the nonlinear steps: a contradiction elsewhere still refutes it,
 * and without one the answer stays UNKNOWN (never FEASIBLE by default). */
static void test_feasibility_nonlinear_dropped_on_unknown(void **state) {
  hd__fsolver *small = hd__fsolver_new(20000);
  assert_non_null(small);
  const hd__fexpr *x = var("x", U64), *y = var("y", U64), *c = var("c", I32);
  const hd__fexpr *hard = bin(HD__FOP_EQ, bin(HD__FOP_MUL, x, y), k(U64, 2147483647ll * 2147483629ll));
  hd__fpath p;
  hd__fpath_init(&p);
  hd__fpath_cond(&p, hard, true);
  hd__fpath_cond(&p, bin(HD__FOP_GT, x, k(U64, 1)), true);
  hd__fpath_cond(&p, bin(HD__FOP_GT, y, k(U64, 1)), true);
  hd__fpath_cond(&p, bin(HD__FOP_LT, x, k(U64, 1ll << 32)), true);
  hd__fpath_cond(&p, bin(HD__FOP_LT, y, k(U64, 1ll << 32)), true);
  assert_int_equal(hd__fpath_check(small, &p), HD__FUNKNOWN);
  hd__fpath_cond(&p, bin(HD__FOP_EQ, c, k(I32, 1)), true);
  hd__fpath_cond(&p, bin(HD__FOP_EQ, c, k(I32, 1)), false);
  assert_int_equal(hd__fpath_check(small, &p), HD__INFEASIBLE);
  hd__fpath_free(&p);
  hd__fsolver_free(small);
}

/* Counters: trivial paths skip Z3; findings and removals add up. */
static void test_feasibility_stats(void **state) {
  hd__fsolver *s = hd__fsolver_new(0);
  assert_non_null(s);
  const hd__fexpr *c = var("c", I32);
  hd__fpath p;
  hd__fpath_init(&p);
  hd__fstep st = {.kind = HD__FSTEP_ASSIGN, .lv = c, .e = k(I32, 1)};
  hd__fpath_steps(&p, &st, 1);
  hd__fpath_cond(&p, NULL, true); /* a branch the converter did not see */
  assert_int_equal(hd__fpath_check(s, &p), HD__FEASIBLE);
  hd__fpath_cond(&p, c, false);
  assert_int_equal(hd__fpath_check(s, &p), HD__INFEASIBLE);
  hd__fsolver_note_finding(s, true, 1);
  hd__fsolver_note_finding(s, false, 0);
  const hd__fstats *st1 = hd__fsolver_stats(s);
  assert_int_equal(st1->trivial, 1);
  assert_int_equal(st1->queries, 1);
  assert_int_equal(st1->feasible, 1);
  assert_int_equal(st1->infeasible, 1);
  assert_int_equal(st1->findings, 2);
  assert_int_equal(st1->findings_removed, 1);
  hd__fstats sum = {0};
  hd__fstats_add(&sum, st1);
  hd__fstats_add(&sum, st1);
  assert_int_equal(sum.findings_removed, 2);
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream(&text, &len);
  hd__fstats_print(out, &sum);
  fclose(out);
  assert_non_null(strstr(text, "4 findings checked, 2 removed by Z3"));
  assert_non_null(strstr(text, "4 paths (2 without conditions, 0 guessed, 2 Z3 queries): 2 "
                               "feasible, 2 infeasible, 0 unknown"));
  free(text);
  hd__fpath_free(&p);
  hd__fsolver_free(s);
}

/* One solver per thread: two threads get two solvers, and their counters
 * survive the threads in hd__fstats_total. */
static void *thread_query(void *arg) {
  hd__fsolver *s = hd__fsolver_thread();
  if (!s || hd__fsolver_thread() != s)
    return NULL;
  hd__farena *ar = hd__farena_new();
  const hd__fexpr *c = hd__fexpr_var(ar, "c", I32, HD__FMEM_LOCAL);
  hd__fstep steps[2] = {{.kind = HD__FSTEP_COND, .taken = true, .e = c},
                        {.kind = HD__FSTEP_COND, .taken = false, .e = c}};
  hd__fverdict v = hd__fsolver_check(s, steps, 2);
  hd__farena_free(ar);
  *(hd__fsolver **)arg = s;
  return v == HD__INFEASIBLE ? arg : NULL;
}

static void test_feasibility_solver_per_thread(void **state) {
  hd__fstats before;
  hd__fstats_total(&before);
  pthread_t th[2];
  hd__fsolver *seen[2] = {NULL, NULL};
  void *ok[2];
  for (int i = 0; i < 2; i++)
    assert_int_equal(pthread_create(&th[i], NULL, thread_query, &seen[i]), 0);
  for (int i = 0; i < 2; i++) {
    assert_int_equal(pthread_join(th[i], &ok[i]), 0);
    assert_non_null(ok[i]);
  }
  hd__fstats after;
  hd__fstats_total(&after);
  assert_int_equal(after.infeasible, before.infeasible + 2);
  assert_int_equal(after.queries, before.queries + 2);
}

/* Printing, used in messages and debugging. */
static void test_feasibility_format(void **state) {
  char buf[128];
  const hd__fexpr *e = bin(HD__FOP_LT, var("f->n", U8), k(I32, -1));
  hd__fexpr_format(e, buf, sizeof buf);
  assert_string_equal(buf, "((i32)f->n < -1)");
  size_t need = hd__fexpr_format(e, buf, 4);
  assert_int_equal(need, strlen("((i32)f->n < -1)"));
  assert_string_equal(buf, "((i");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_feasibility_int_max_wraps),
      cmocka_unit_test(test_feasibility_unsigned_char_promotion_and_wrap),
      cmocka_unit_test(test_feasibility_signed_unsigned_compare),
      cmocka_unit_test(test_feasibility_division_and_shift),
      cmocka_unit_test(test_feasibility_bool_conversion),
      cmocka_unit_test(test_feasibility_correlated_branches),
      cmocka_unit_test(test_feasibility_flag_set_then_tested),
      cmocka_unit_test(test_feasibility_state_chain),
      cmocka_unit_test(test_feasibility_loop_runs_once),
      cmocka_unit_test(test_feasibility_havoc_reach),
      cmocka_unit_test(test_feasibility_unknown_is_fresh),
      cmocka_unit_test(test_feasibility_ternary),
      cmocka_unit_test(test_feasibility_guess_agrees_with_z3),
      cmocka_unit_test(test_feasibility_guess_gives_up_on_undefined),
      cmocka_unit_test(test_feasibility_error_handler),
      cmocka_unit_test(test_feasibility_rlimit_unknown),
      cmocka_unit_test(test_feasibility_nonlinear_dropped_on_unknown),
      cmocka_unit_test(test_feasibility_stats),
      cmocka_unit_test(test_feasibility_solver_per_thread),
      cmocka_unit_test(test_feasibility_format),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
