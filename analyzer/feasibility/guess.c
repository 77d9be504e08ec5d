/* feasibility/guess.c - concrete evaluation of a path on uniform guesses (see guess.h). */
#include "feasibility/guess.h"

#include <stdlib.h>

#include "feasibility/versions.h"

typedef struct run {
  const hd__fstep *steps;
  uint64_t *vals; /* ASSIGN step k: the value it stored */
  int step;       /* the step being evaluated */
  uint64_t g;     /* every free value (truncated to its width) */
  bool fail;      /* undefined operation met */
} run;

static uint64_t mask(unsigned w) {
  return w >= 64 ? ~0ull : (1ull << w) - 1;
}

static int64_t sext(uint64_t v, unsigned w) {
  if (w >= 64)
    return (int64_t)v;
  return (v >> (w - 1)) & 1 ? (int64_t)(v | ~mask(w)) : (int64_t)v;
}

static uint64_t convert(uint64_t v, hd__ftype from, hd__ftype to) {
  if (to.width == 1)
    return v != 0;
  if (to.width > from.width && from.is_signed)
    return (uint64_t)sext(v, from.width) & mask(to.width);
  return v & mask(to.width);
}

static uint64_t eval(run *r, const hd__fexpr *e);

static uint64_t arith(run *r, const hd__fexpr *e, uint64_t a, uint64_t b) {
  unsigned w = e->type.width;
  bool sg = e->type.is_signed;
  uint64_t m = mask(w);
  switch (e->op) {
  case HD__FOP_ADD:
    return (a + b) & m;
  case HD__FOP_SUB:
    return (a - b) & m;
  case HD__FOP_MUL:
    return (a * b) & m;
  case HD__FOP_DIV:
  case HD__FOP_REM:
    if (b == 0 || (sg && sext(a, w) == sext(1ull << (w - 1), w) && sext(b, w) == -1)) {
      r->fail = true;
      return 0;
    }
    if (sg)
      return (uint64_t)(e->op == HD__FOP_DIV ? sext(a, w) / sext(b, w) : sext(a, w) % sext(b, w)) &
             m;
    return e->op == HD__FOP_DIV ? a / b : a % b;
  case HD__FOP_SHL:
  case HD__FOP_SHR:
    if (b >= w) {
      r->fail = true;
      return 0;
    }
    if (e->op == HD__FOP_SHL)
      return (a << b) & m;
    if (sg && sext(a, w) < 0)
      return ~(~(uint64_t)sext(a, w) >> b) & m; /* arithmetic shift */
    return a >> b;
  case HD__FOP_AND:
    return a & b;
  case HD__FOP_OR:
    return a | b;
  case HD__FOP_XOR:
    return a ^ b;
  default:
    r->fail = true;
    return 0;
  }
}

static uint64_t compare(const hd__fexpr *e, uint64_t a, uint64_t b) {
  unsigned w = e->a->type.width;
  bool lt, eq = a == b;
  if (e->a->type.is_signed)
    lt = sext(a, w) < sext(b, w);
  else
    lt = a < b;
  switch (e->op) {
  case HD__FOP_EQ:
    return eq;
  case HD__FOP_NE:
    return !eq;
  case HD__FOP_LT:
    return lt;
  case HD__FOP_LE:
    return lt || eq;
  case HD__FOP_GT:
    return !lt && !eq;
  default: /* GE */
    return !lt;
  }
}

static uint64_t eval(run *r, const hd__fexpr *e) {
  if (!e || r->fail) {
    r->fail = true;
    return 0;
  }
  uint64_t m = mask(e->type.width);
  switch (e->op) {
  case HD__FOP_CONST:
    return e->value & m;
  case HD__FOP_VAR: {
    int ver = hd__fversion(r->steps, e, r->step);
    return hd__fversion_def(r->steps, e, ver) ? r->vals[ver - 1] : r->g & m;
  }
  case HD__FOP_UNKNOWN:
    return r->g & m;
  case HD__FOP_LNOT:
    return eval(r, e->a) == 0;
  case HD__FOP_NEG:
    return (0 - eval(r, e->a)) & m;
  case HD__FOP_BNOT:
    return ~eval(r, e->a) & m;
  case HD__FOP_CAST:
    return convert(eval(r, e->a), e->a->type, e->type);
  case HD__FOP_ITE:
    return eval(r, e->a) ? eval(r, e->b) : eval(r, e->c);
  case HD__FOP_LAND: {
    uint64_t a = eval(r, e->a), b = eval(r, e->b);
    return a && b;
  }
  case HD__FOP_LOR: {
    uint64_t a = eval(r, e->a), b = eval(r, e->b);
    return a || b;
  }
  case HD__FOP_EQ:
  case HD__FOP_NE:
  case HD__FOP_LT:
  case HD__FOP_LE:
  case HD__FOP_GT:
  case HD__FOP_GE: {
    uint64_t a = eval(r, e->a), b = eval(r, e->b);
    return compare(e, a, b);
  }
  default: {
    uint64_t a = eval(r, e->a), b = eval(r, e->b);
    return r->fail ? 0 : arith(r, e, a, b);
  }
  }
}

static bool try_guess(run *r, int n) {
  r->fail = false;
  for (int k = 0; k < n && !r->fail; k++) {
    const hd__fstep *st = &r->steps[k];
    r->step = k;
    if (st->kind == HD__FSTEP_ASSIGN && st->lv && st->e)
      r->vals[k] = convert(eval(r, st->e), st->e->type, st->lv->type);
    else if (st->kind == HD__FSTEP_COND && st->e && (eval(r, st->e) != 0) != st->taken)
      return false;
  }
  return !r->fail;
}

bool hd__fguess_feasible(const hd__fstep *steps, int n) {
  static const uint64_t guesses[] = {0, 1, ~0ull, 2};
  run r = {.steps = steps, .vals = calloc((size_t)(n > 0 ? n : 1), sizeof *r.vals)};
  bool ok = false;
  for (size_t i = 0; r.vals && !ok && i < sizeof guesses / sizeof *guesses; i++) {
    r.g = guesses[i];
    ok = try_guess(&r, n);
  }
  free(r.vals);
  return ok;
}
