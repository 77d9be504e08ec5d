/* feasibility/versions.c - SSA versions along a path (see versions.h). */
#include "feasibility/versions.h"

#include <string.h>

static bool after_root(const char *n, size_t k) {
  char c = n[k];
  return c == '\0' || c == '.' || c == '[' || c == ')' || (c == '-' && n[k + 1] == '>');
}

/* Is object n the object l or a part of it, or reached through it? */
static bool under(const char *l, const char *n) {
  size_t k = strlen(l);
  for (;;) {
    if (strncmp(n, l, k) == 0 && after_root(n, k))
      return true;
    if (*n != '*' && *n != '(')
      return false;
    n++;
  }
}

/* Is object n reached through pointer value p (`p->x`, `p[2]`, `*p`)? */
static bool through(const char *p, const char *n) {
  size_t k = strlen(p);
  bool deref = false;
  for (;;) {
    if (strncmp(n, p, k) == 0) {
      char c = n[k];
      if (c == '[' || (c == '-' && n[k + 1] == '>'))
        return true;
      if (deref && after_root(n, k))
        return true;
    }
    if (*n != '*' && *n != '(')
      return false;
    deref |= *n == '*';
    n++;
  }
}

bool hd__fstep_touches(const hd__fstep *st, const hd__fexpr *var) {
  if (st->kind == HD__FSTEP_COND)
    return false;
  if (st->kind == HD__FSTEP_HAVOC_MEM)
    return var->mem != HD__FMEM_LOCAL;
  if (st->kind == HD__FSTEP_HAVOC_SHARED)
    return var->mem == HD__FMEM_SHARED;
  if (!st->lv)
    return true; /* a write to an unnamed object: assume the worst */
  if (st->kind == HD__FSTEP_HAVOC_PTS)
    return through(st->lv->name, var->name);
  return under(st->lv->name, var->name);
}

int hd__fversion(const hd__fstep *steps, const hd__fexpr *var, int at) {
  for (int k = at - 1; k >= 0; k--)
    if (hd__fstep_touches(&steps[k], var))
      return k + 1;
  return 0;
}

const hd__fstep *hd__fversion_def(const hd__fstep *steps, const hd__fexpr *var, int ver) {
  if (ver == 0)
    return NULL;
  const hd__fstep *st = &steps[ver - 1];
  if (st->kind != HD__FSTEP_ASSIGN || !st->lv || !st->e || strcmp(st->lv->name, var->name) != 0 ||
      st->lv->type.width != var->type.width)
    return NULL;
  return st;
}
