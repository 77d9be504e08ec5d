/* feasibility/feasible.c - witness paths as step lists (see feasible.h). */
#include "feasibility/feasible.h"

#include <stdlib.h>
#include <string.h>

void hd__fpath_init(hd__fpath *p) {
  memset(p, 0, sizeof *p);
}

void hd__fpath_free(hd__fpath *p) {
  free(p->v);
  hd__fpath_init(p);
}

void hd__fpath_clear(hd__fpath *p) {
  p->n = 0;
  p->oom = false;
}

static bool reserve(hd__fpath *p, int more) {
  if (p->n + more <= p->cap)
    return true;
  int cap = p->cap ? p->cap : 32;
  while (cap < p->n + more)
    cap *= 2;
  hd__fstep *grown = realloc(p->v, sizeof *grown * (size_t)cap);
  if (!grown) {
    p->oom = true;
    return false;
  }
  p->v = grown;
  p->cap = cap;
  return true;
}

void hd__fpath_steps(hd__fpath *p, const hd__fstep *steps, int n) {
  if (n <= 0 || !reserve(p, n))
    return;
  memcpy(p->v + p->n, steps, sizeof *steps * (size_t)n);
  p->n += n;
}

void hd__fpath_cond(hd__fpath *p, const hd__fexpr *cond, bool taken) {
  if (!cond || !reserve(p, 1))
    return;
  p->v[p->n++] = (hd__fstep){.kind = HD__FSTEP_COND, .taken = taken, .e = cond};
}

hd__fverdict hd__fpath_check(hd__fsolver *s, const hd__fpath *p) {
  if (p->oom)
    return HD__FUNKNOWN;
  return hd__fsolver_check(s, p->v, p->n);
}

void hd__fstats_print(FILE *out, const hd__fstats *st) {
  fprintf(out,
          "feasibility: %lu findings checked, %lu removed by Z3 (%lu infeasible witnesses "
          "dropped)\n",
          st->findings, st->findings_removed, st->witnesses_dropped);
  fprintf(out,
          "feasibility: %lu paths (%lu without conditions, %lu guessed, %lu Z3 queries): %lu "
          "feasible, %lu infeasible, %lu unknown (%lu errors), %.1f ms (%.3f ms/path)\n",
          st->queries + st->trivial + st->guessed, st->trivial, st->guessed, st->queries,
          st->feasible, st->infeasible, st->unknown, st->errors, st->seconds * 1e3,
          st->queries + st->guessed ? st->seconds * 1e3 / (double)(st->queries + st->guessed)
                                    : 0.0);
}
