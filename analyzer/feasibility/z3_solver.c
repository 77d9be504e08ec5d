/* feasibility/z3_solver.c - bit-vector encoding of path steps (see z3_solver.h). */
#include "feasibility/z3_solver.h"

#include "feasibility/guess.h"
#include "feasibility/versions.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <z3.h>

struct hd__fsolver {
  Z3_context ctx;
  Z3_solver solver;
  Z3_sort sorts[65]; /* bit-vector sort per width, made on first use */
  /* ASTs made during the current query, each holding one reference. */
  Z3_ast *held;
  int nheld, capheld;
  bool failed; /* the current query hit an error or ran out of memory */
  bool no_guess;
  /* The path being encoded and the step whose terms are being built. */
  const hd__fstep *steps;
  int step;
  hd__fstats stats;
  struct hd__fsolver *next_thread; /* hd__fsolver_thread's list */
};

/* Z3 calls this instead of exiting; the failing call returns NULL or a
 * dummy and the query that made it answers HD__FUNKNOWN. Contexts are
 * per thread, so a thread-local flag is exact. */
static _Thread_local Z3_error_code z3_error = Z3_OK;

static void on_error(Z3_context c, Z3_error_code e) {
  (void)c;
  z3_error = e;
}

static Z3_ast keep(hd__fsolver *s, Z3_ast a) {
  if (!a || z3_error != Z3_OK) {
    s->failed = true;
    return NULL;
  }
  if (s->nheld == s->capheld) {
    int cap = s->capheld ? s->capheld * 2 : 256;
    Z3_ast *grown = realloc(s->held, sizeof *grown * (size_t)cap);
    if (!grown) {
      s->failed = true;
      return NULL;
    }
    s->held = grown;
    s->capheld = cap;
  }
  Z3_inc_ref(s->ctx, a);
  s->held[s->nheld++] = a;
  return a;
}

static void release_held(hd__fsolver *s) {
  for (int i = 0; i < s->nheld; i++)
    Z3_dec_ref(s->ctx, s->held[i]);
  s->nheld = 0;
}

static Z3_sort bv_sort(hd__fsolver *s, unsigned width) {
  if (width == 0 || width > 64) {
    s->failed = true;
    return NULL;
  }
  if (!s->sorts[width]) {
    Z3_sort sort = Z3_mk_bv_sort(s->ctx, width);
    if (!sort || z3_error != Z3_OK) {
      s->failed = true;
      return NULL;
    }
    Z3_inc_ref(s->ctx, Z3_sort_to_ast(s->ctx, sort));
    s->sorts[width] = sort;
  }
  return s->sorts[width];
}

hd__fsolver *hd__fsolver_new(unsigned rlimit) {
  hd__fsolver *s = calloc(1, sizeof *s);
  if (!s)
    return NULL;
  z3_error = Z3_OK;
  Z3_config cfg = Z3_mk_config();
  if (!cfg) {
    free(s);
    return NULL;
  }
  Z3_set_param_value(cfg, "model", "false");
  s->ctx = Z3_mk_context_rc(cfg);
  Z3_del_config(cfg);
  if (!s->ctx) {
    free(s);
    return NULL;
  }
  Z3_set_error_handler(s->ctx, on_error);
  s->solver = Z3_mk_simple_solver(s->ctx);
  if (s->solver)
    Z3_solver_inc_ref(s->ctx, s->solver);
  Z3_params p = Z3_mk_params(s->ctx);
  if (p) {
    Z3_params_inc_ref(s->ctx, p);
    Z3_params_set_uint(s->ctx, p, Z3_mk_string_symbol(s->ctx, "rlimit"),
                       rlimit ? rlimit : HD__FSOLVER_RLIMIT);
    if (s->solver)
      Z3_solver_set_params(s->ctx, s->solver, p);
    Z3_params_dec_ref(s->ctx, p);
  }
  if (!s->solver || !p || z3_error != Z3_OK) {
    hd__fsolver_free(s);
    return NULL;
  }
  return s;
}

void hd__fsolver_free(hd__fsolver *s) {
  if (!s)
    return;
  release_held(s);
  free(s->held);
  for (int w = 0; w <= 64; w++)
    if (s->sorts[w])
      Z3_dec_ref(s->ctx, Z3_sort_to_ast(s->ctx, s->sorts[w]));
  if (s->solver)
    Z3_solver_dec_ref(s->ctx, s->solver);
  Z3_del_context(s->ctx);
  free(s);
}

static Z3_ast named(hd__fsolver *s, const char *name, unsigned width) {
  Z3_sort sort = bv_sort(s, width);
  if (!sort)
    return NULL;
  return keep(s, Z3_mk_const(s->ctx, Z3_mk_string_symbol(s->ctx, name), sort));
}

static Z3_ast var_at(hd__fsolver *s, const hd__fexpr *var, int ver) {
  char buf[512];
  /* The width is part of the name: one text read at two types (through a
   * union, say) is two unrelated values rather than an ill-sorted term. */
  snprintf(buf, sizeof buf, "%s@%d:%u", var->name, ver, (unsigned)var->type.width);
  return named(s, buf, var->type.width);
}

/* ---- encoding ---------------------------------------------------------- */

static Z3_ast enc_bv(hd__fsolver *s, const hd__fexpr *e);
static Z3_ast enc_bool(hd__fsolver *s, const hd__fexpr *e);

static Z3_ast bool_to_bv(hd__fsolver *s, Z3_ast b, unsigned width) {
  Z3_sort sort = bv_sort(s, width);
  if (!b || !sort)
    return NULL;
  Z3_ast one = keep(s, Z3_mk_unsigned_int64(s->ctx, 1, sort));
  Z3_ast zero = keep(s, Z3_mk_unsigned_int64(s->ctx, 0, sort));
  if (!one || !zero)
    return NULL;
  return keep(s, Z3_mk_ite(s->ctx, b, one, zero));
}

static Z3_ast is_nonzero(hd__fsolver *s, Z3_ast v, unsigned width) {
  Z3_sort sort = bv_sort(s, width);
  if (!v || !sort)
    return NULL;
  Z3_ast zero = keep(s, Z3_mk_unsigned_int64(s->ctx, 0, sort));
  Z3_ast eq = zero ? keep(s, Z3_mk_eq(s->ctx, v, zero)) : NULL;
  return eq ? keep(s, Z3_mk_not(s->ctx, eq)) : NULL;
}

/* C conversion of bit-vector v from type `from` to type `to`. */
static Z3_ast convert(hd__fsolver *s, Z3_ast v, hd__ftype from, hd__ftype to) {
  if (!v)
    return NULL;
  if (to.width == 1 && from.width != 1)
    return bool_to_bv(s, is_nonzero(s, v, from.width), 1);
  if (to.width < from.width)
    return keep(s, Z3_mk_extract(s->ctx, to.width - 1u, 0, v));
  if (to.width > from.width)
    return keep(s, from.is_signed ? Z3_mk_sign_ext(s->ctx, to.width - from.width, v)
                                  : Z3_mk_zero_ext(s->ctx, to.width - from.width, v));
  return v;
}

typedef Z3_ast (*mk2)(Z3_context, Z3_ast, Z3_ast);

static mk2 arith(const hd__fexpr *e) {
  bool sg = e->type.is_signed;
  switch (e->op) {
  case HD__FOP_ADD:
    return Z3_mk_bvadd;
  case HD__FOP_SUB:
    return Z3_mk_bvsub;
  case HD__FOP_MUL:
    return Z3_mk_bvmul;
  case HD__FOP_DIV:
    return sg ? Z3_mk_bvsdiv : Z3_mk_bvudiv;
  case HD__FOP_REM:
    return sg ? Z3_mk_bvsrem : Z3_mk_bvurem;
  case HD__FOP_SHL:
    return Z3_mk_bvshl;
  case HD__FOP_SHR:
    return sg ? Z3_mk_bvashr : Z3_mk_bvlshr;
  case HD__FOP_AND:
    return Z3_mk_bvand;
  case HD__FOP_OR:
    return Z3_mk_bvor;
  case HD__FOP_XOR:
    return Z3_mk_bvxor;
  default:
    return NULL;
  }
}

static mk2 compare(const hd__fexpr *e) {
  bool sg = e->a->type.is_signed;
  switch (e->op) {
  case HD__FOP_EQ:
    return Z3_mk_eq;
  case HD__FOP_LT:
    return sg ? Z3_mk_bvslt : Z3_mk_bvult;
  case HD__FOP_LE:
    return sg ? Z3_mk_bvsle : Z3_mk_bvule;
  case HD__FOP_GT:
    return sg ? Z3_mk_bvsgt : Z3_mk_bvugt;
  case HD__FOP_GE:
    return sg ? Z3_mk_bvsge : Z3_mk_bvuge;
  default:
    return NULL;
  }
}

static Z3_ast enc_bv(hd__fsolver *s, const hd__fexpr *e) {
  if (!e || s->failed) {
    s->failed = true;
    return NULL;
  }
  unsigned w = e->type.width;
  switch (e->op) {
  case HD__FOP_CONST: {
    Z3_sort sort = bv_sort(s, w);
    return sort ? keep(s, Z3_mk_unsigned_int64(s->ctx, e->value, sort)) : NULL;
  }
  case HD__FOP_VAR:
    return var_at(s, e, hd__fversion(s->steps, e, s->step));
  case HD__FOP_UNKNOWN: {
    char buf[64];
    snprintf(buf, sizeof buf, "?%u#%d:%u", (unsigned)e->id, s->step, w);
    return named(s, buf, w);
  }
  case HD__FOP_NEG: {
    Z3_ast a = enc_bv(s, e->a);
    return a ? keep(s, Z3_mk_bvneg(s->ctx, a)) : NULL;
  }
  case HD__FOP_BNOT: {
    Z3_ast a = enc_bv(s, e->a);
    return a ? keep(s, Z3_mk_bvnot(s->ctx, a)) : NULL;
  }
  case HD__FOP_CAST:
    return convert(s, enc_bv(s, e->a), e->a->type, e->type);
  case HD__FOP_ITE: {
    Z3_ast c = enc_bool(s, e->a), a = enc_bv(s, e->b), b = enc_bv(s, e->c);
    return c && a && b ? keep(s, Z3_mk_ite(s->ctx, c, a, b)) : NULL;
  }
  case HD__FOP_LNOT:
  case HD__FOP_EQ:
  case HD__FOP_NE:
  case HD__FOP_LT:
  case HD__FOP_LE:
  case HD__FOP_GT:
  case HD__FOP_GE:
  case HD__FOP_LAND:
  case HD__FOP_LOR:
    return bool_to_bv(s, enc_bool(s, e), w);
  default: {
    mk2 f = arith(e);
    Z3_ast a = enc_bv(s, e->a), b = enc_bv(s, e->b);
    return f && a && b ? keep(s, f(s->ctx, a, b)) : NULL;
  }
  }
}

/* e != 0 as a Z3 boolean, without the ite round trip for conditions. */
static Z3_ast enc_bool(hd__fsolver *s, const hd__fexpr *e) {
  if (!e || s->failed) {
    s->failed = true;
    return NULL;
  }
  switch (e->op) {
  case HD__FOP_CONST:
    return keep(s, e->value ? Z3_mk_true(s->ctx) : Z3_mk_false(s->ctx));
  case HD__FOP_LNOT: {
    Z3_ast a = enc_bool(s, e->a);
    return a ? keep(s, Z3_mk_not(s->ctx, a)) : NULL;
  }
  case HD__FOP_LAND:
  case HD__FOP_LOR: {
    Z3_ast args[2] = {enc_bool(s, e->a), enc_bool(s, e->b)};
    if (!args[0] || !args[1])
      return NULL;
    return keep(s, e->op == HD__FOP_LAND ? Z3_mk_and(s->ctx, 2, args) : Z3_mk_or(s->ctx, 2, args));
  }
  case HD__FOP_NE: {
    Z3_ast a = enc_bv(s, e->a), b = enc_bv(s, e->b);
    Z3_ast eq = a && b ? keep(s, Z3_mk_eq(s->ctx, a, b)) : NULL;
    return eq ? keep(s, Z3_mk_not(s->ctx, eq)) : NULL;
  }
  case HD__FOP_EQ:
  case HD__FOP_LT:
  case HD__FOP_LE:
  case HD__FOP_GT:
  case HD__FOP_GE: {
    Z3_ast a = enc_bv(s, e->a), b = enc_bv(s, e->b);
    return a && b ? keep(s, compare(e)(s->ctx, a, b)) : NULL;
  }
  case HD__FOP_CAST:
    /* Widening and conversion to _Bool keep "nonzero"; truncation does not. */
    if (e->type.width == 1 || e->type.width >= e->a->type.width)
      return enc_bool(s, e->a);
    return is_nonzero(s, enc_bv(s, e), e->type.width);
  case HD__FOP_ITE: {
    Z3_ast c = enc_bool(s, e->a), a = enc_bool(s, e->b), b = enc_bool(s, e->c);
    return c && a && b ? keep(s, Z3_mk_ite(s->ctx, c, a, b)) : NULL;
  }
  default:
    return is_nonzero(s, enc_bv(s, e), e->type.width);
  }
}

static void assert_step(hd__fsolver *s, int k) {
  const hd__fstep *st = &s->steps[k];
  s->step = k;
  Z3_ast fact = NULL;
  if (st->kind == HD__FSTEP_ASSIGN && st->lv) {
    Z3_ast v = convert(s, enc_bv(s, st->e), st->e ? st->e->type : st->lv->type, st->lv->type);
    Z3_ast lv = var_at(s, st->lv, k + 1);
    fact = v && lv ? keep(s, Z3_mk_eq(s->ctx, lv, v)) : NULL;
  } else if (st->kind == HD__FSTEP_COND) {
    Z3_ast c = enc_bool(s, st->e);
    fact = c && !st->taken ? keep(s, Z3_mk_not(s->ctx, c)) : c;
  } else {
    return; /* havocs only start new versions */
  }
  if (fact && !s->failed)
    Z3_solver_assert(s->ctx, s->solver, fact);
  if (z3_error != Z3_OK)
    s->failed = true;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void count(hd__fsolver *s, hd__fverdict v) {
  if (v == HD__FEASIBLE)
    s->stats.feasible++;
  else if (v == HD__INFEASIBLE)
    s->stats.infeasible++;
  else
    s->stats.unknown++;
}

/* Whether e holds a value that is not a constant. */
static bool has_free_value(const hd__fexpr *e) {
  if (!e)
    return false;
  if (e->op == HD__FOP_VAR || e->op == HD__FOP_UNKNOWN)
    return true;
  return has_free_value(e->a) || has_free_value(e->b) || has_free_value(e->c);
}

/* Whether e multiplies, divides or shifts two non-constant values: the
 * bit-vector terms that make Z3 give up within its rlimit. */
static bool is_nonlinear(const hd__fexpr *e) {
  if (!e)
    return false;
  switch (e->op) {
  case HD__FOP_MUL:
  case HD__FOP_DIV:
  case HD__FOP_REM:
  case HD__FOP_SHL:
  case HD__FOP_SHR:
    if (has_free_value(e->a) && has_free_value(e->b))
      return true;
    break;
  default:
    break;
  }
  return is_nonlinear(e->a) || is_nonlinear(e->b) || is_nonlinear(e->c);
}

/* Asserts the path's steps (all of them, or only the linear ones) in a new
 * scope and checks; pops back to the empty base scope. */
static hd__fverdict solve(hd__fsolver *s, int n, bool linear_only) {
  z3_error = Z3_OK;
  s->failed = false;
  Z3_solver_push(s->ctx, s->solver);
  for (int k = 0; k < n && !s->failed; k++) {
    const hd__fstep *st = &s->steps[k];
    if (st->kind == HD__FSTEP_COND && !st->e)
      continue;
    if (linear_only && is_nonlinear(st->e))
      continue; /* an assignment skipped leaves its new version free */
    assert_step(s, k);
  }
  hd__fverdict v = HD__FUNKNOWN;
  if (!s->failed && z3_error == Z3_OK) {
    Z3_lbool r = Z3_solver_check(s->ctx, s->solver);
    if (z3_error == Z3_OK)
      v = r == Z3_L_TRUE ? HD__FEASIBLE : r == Z3_L_FALSE ? HD__INFEASIBLE : HD__FUNKNOWN;
  }
  if (s->failed || z3_error != Z3_OK)
    s->stats.errors++;
  /* Back to the empty base scope even if an error left things unbalanced. */
  z3_error = Z3_OK;
  unsigned scopes = Z3_solver_get_num_scopes(s->ctx, s->solver);
  if (scopes)
    Z3_solver_pop(s->ctx, s->solver, scopes);
  release_held(s);
  return v;
}

hd__fverdict hd__fsolver_check(hd__fsolver *s, const hd__fstep *steps, int n) {
  bool any_cond = false;
  for (int k = 0; k < n; k++)
    any_cond |= steps[k].kind == HD__FSTEP_COND && steps[k].e;
  if (!any_cond) {
    s->stats.trivial++;
    count(s, HD__FEASIBLE);
    return HD__FEASIBLE;
  }
  double t0 = now();
  if (!s->no_guess && hd__fguess_feasible(steps, n)) {
    s->stats.guessed++;
    count(s, HD__FEASIBLE);
    s->stats.seconds += now() - t0;
    return HD__FEASIBLE;
  }
  s->stats.queries++;
  s->steps = steps;
  hd__fverdict v = solve(s, n, false);
  if (v == HD__FUNKNOWN) {
    /* Z3 gave up, usually on a product or quotient of two unknowns. Without
     * those steps the path is less constrained: if it is still impossible,
     * so is the whole path (a subset of the facts is already
     * contradictory); otherwise the answer stays UNKNOWN. */
    bool any_nonlinear = false;
    for (int k = 0; k < n; k++)
      any_nonlinear |= is_nonlinear(steps[k].e);
    if (any_nonlinear && solve(s, n, true) == HD__INFEASIBLE)
      v = HD__INFEASIBLE;
  }
  s->steps = NULL;
  count(s, v);
  s->stats.seconds += now() - t0;
  return v;
}

void hd__fsolver_use_guess(hd__fsolver *s, bool on) {
  s->no_guess = !on;
}

void hd__fsolver_note_finding(hd__fsolver *s, bool removed, unsigned long witnesses_dropped) {
  s->stats.findings++;
  s->stats.findings_removed += removed;
  s->stats.witnesses_dropped += witnesses_dropped;
}

void hd__fsolver_note_again(hd__fsolver *s, bool removed, unsigned long witnesses_dropped) {
  s->stats.findings_removed += removed;
  s->stats.witnesses_dropped += witnesses_dropped;
}

const hd__fstats *hd__fsolver_stats(const hd__fsolver *s) {
  return &s->stats;
}

void hd__fstats_add(hd__fstats *into, const hd__fstats *from) {
  into->queries += from->queries;
  into->trivial += from->trivial;
  into->guessed += from->guessed;
  into->feasible += from->feasible;
  into->infeasible += from->infeasible;
  into->unknown += from->unknown;
  into->errors += from->errors;
  into->findings += from->findings;
  into->findings_removed += from->findings_removed;
  into->witnesses_dropped += from->witnesses_dropped;
  into->seconds += from->seconds;
}

/* ---- one solver per thread -------------------------------------------- */

static pthread_once_t thread_once = PTHREAD_ONCE_INIT;
static pthread_key_t thread_key;
static pthread_mutex_t threads_mu = PTHREAD_MUTEX_INITIALIZER;
static hd__fsolver *threads; /* live thread solvers */
static hd__fstats retired;   /* what exited threads' solvers counted */

static void thread_exit(void *p) {
  hd__fsolver *s = p;
  pthread_mutex_lock(&threads_mu);
  for (hd__fsolver **pp = &threads; *pp; pp = &(*pp)->next_thread)
    if (*pp == s) {
      *pp = s->next_thread;
      break;
    }
  hd__fstats_add(&retired, &s->stats);
  pthread_mutex_unlock(&threads_mu);
  hd__fsolver_free(s);
}

static void make_key(void) {
  pthread_key_create(&thread_key, thread_exit);
}

hd__fsolver *hd__fsolver_thread(void) {
  pthread_once(&thread_once, make_key);
  hd__fsolver *s = pthread_getspecific(thread_key);
  if (s)
    return s;
  s = hd__fsolver_new(0);
  if (!s)
    return NULL;
  if (pthread_setspecific(thread_key, s) != 0) {
    hd__fsolver_free(s);
    return NULL;
  }
  pthread_mutex_lock(&threads_mu);
  s->next_thread = threads;
  threads = s;
  pthread_mutex_unlock(&threads_mu);
  return s;
}

void hd__fstats_total(hd__fstats *out) {
  pthread_mutex_lock(&threads_mu);
  *out = retired;
  for (hd__fsolver *s = threads; s; s = s->next_thread)
    hd__fstats_add(out, &s->stats);
  pthread_mutex_unlock(&threads_mu);
}
