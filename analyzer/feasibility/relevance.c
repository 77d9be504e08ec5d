/* feasibility/relevance.c - prefix steps a state's future depends on (see relevance.h). */
#include "feasibility/relevance.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "feasibility/versions.h"

struct hd__frelevance {
  const hd__wgraph *g;
  const hd__fexpr **var; /* one VAR node per variable text, by id */
  int nvars, capvars;
  int *slot;     /* open addressing: text -> id, -1 empty */
  int nslot;     /* a power of two, at least twice nvars */
  int words;     /* 64-bit words per set of ids */
  uint64_t *fut; /* per state: the ids its future needs */
  int *ids;      /* scratch */
  int nids, capids;
  bool oom;
};

static uint64_t hash(const char *s) {
  uint64_t h = 1469598103934665603ull;
  for (; *s; s++)
    h = (h ^ (unsigned char)*s) * 1099511628211ull;
  return h;
}

static int lookup(const hd__frelevance *r, const char *name) {
  for (uint64_t i = hash(name) & (uint64_t)(r->nslot - 1);;
       i = (i + 1) & (uint64_t)(r->nslot - 1)) {
    int id = r->slot[i];
    if (id < 0 || strcmp(r->var[id]->name, name) == 0)
      return id;
  }
}

static bool rehash(hd__frelevance *r, int nslot) {
  int *slot = malloc(sizeof *slot * (size_t)nslot);
  if (!slot)
    return false;
  for (int i = 0; i < nslot; i++)
    slot[i] = -1;
  free(r->slot);
  r->slot = slot;
  r->nslot = nslot;
  for (int id = 0; id < r->nvars; id++) {
    uint64_t i = hash(r->var[id]->name) & (uint64_t)(nslot - 1);
    while (slot[i] >= 0)
      i = (i + 1) & (uint64_t)(nslot - 1);
    slot[i] = id;
  }
  return true;
}

static void intern(hd__frelevance *r, const hd__fexpr *var) {
  if (r->oom || lookup(r, var->name) >= 0)
    return;
  if (r->nvars == r->capvars) {
    int cap = r->capvars * 2;
    const hd__fexpr **grown = realloc(r->var, sizeof *grown * (size_t)cap);
    if (!grown) {
      r->oom = true;
      return;
    }
    r->var = grown;
    r->capvars = cap;
  }
  r->var[r->nvars++] = var;
  if (2 * r->nvars > r->nslot) {
    r->oom = !rehash(r, r->nslot * 2);
    return;
  }
  uint64_t i = hash(var->name) & (uint64_t)(r->nslot - 1);
  while (r->slot[i] >= 0)
    i = (i + 1) & (uint64_t)(r->nslot - 1);
  r->slot[i] = r->nvars - 1;
}

/* Calls each(r, var) for every VAR in e. */
static void walk(hd__frelevance *r, const hd__fexpr *e,
                 void (*each)(hd__frelevance *, const hd__fexpr *)) {
  if (!e)
    return;
  if (e->op == HD__FOP_VAR)
    each(r, e);
  walk(r, e->a, each);
  walk(r, e->b, each);
  walk(r, e->c, each);
}

/* The variables a step constrains: a condition's, an assignment's target and
 * value. Havocs constrain nothing. */
static void step_vars(hd__frelevance *r, const hd__fstep *st,
                      void (*each)(hd__frelevance *, const hd__fexpr *)) {
  if (st->kind == HD__FSTEP_ASSIGN && st->lv)
    each(r, st->lv);
  if (st->kind == HD__FSTEP_ASSIGN || st->kind == HD__FSTEP_COND)
    walk(r, st->e, each);
}

static void push_id(hd__frelevance *r, const hd__fexpr *var) {
  int id = lookup(r, var->name);
  if (r->nids == r->capids) {
    int cap = r->capids ? r->capids * 2 : 16;
    int *grown = realloc(r->ids, sizeof *grown * (size_t)cap);
    if (!grown) {
      r->oom = true;
      return;
    }
    r->ids = grown;
    r->capids = cap;
  }
  r->ids[r->nids++] = id;
}

static void node_vars(hd__frelevance *r, const hd__node *nd,
                      void (*each)(hd__frelevance *, const hd__fexpr *)) {
  walk(r, nd->cond, each);
  for (int i = 0; i < nd->fx.n; i++)
    step_vars(r, &nd->fx.v[i], each);
}

static bool has(const uint64_t *set, int id) {
  return (set[id / 64] >> (id % 64)) & 1;
}
static void put(uint64_t *set, int id) {
  set[id / 64] |= 1ull << (id % 64);
}

/* Adds the ids in r->ids to set; true when one was new. */
static bool put_ids(hd__frelevance *r, uint64_t *set) {
  bool added = false;
  for (int i = 0; i < r->nids; i++)
    if (r->ids[i] >= 0 && !has(set, r->ids[i])) {
      put(set, r->ids[i]);
      added = true;
    }
  return added;
}

/* What node nd needs, given what comes after it needs (set, updated): its
 * condition's variables (evaluated after its effects), then, backwards
 * through its effects, what each condition reads and what an assignment
 * to a needed variable reads. True when set grew. */
static bool transfer(hd__frelevance *r, const hd__node *nd, uint64_t *set) {
  r->nids = 0;
  walk(r, nd->cond, push_id);
  bool grew = put_ids(r, set);
  for (int i = nd->fx.n - 1; i >= 0; i--) {
    const hd__fstep *st = &nd->fx.v[i];
    if (st->kind == HD__FSTEP_ASSIGN && st->lv) {
      int id = lookup(r, st->lv->name);
      if (id >= 0 && !has(set, id))
        continue;
    } else if (st->kind != HD__FSTEP_COND) {
      continue;
    }
    r->nids = 0;
    walk(r, st->e, push_id);
    grew |= put_ids(r, set);
  }
  return grew;
}

hd__frelevance *hd__frelevance_new(const hd__wgraph *g) {
  hd__frelevance *r = calloc(1, sizeof *r);
  if (!r)
    return NULL;
  r->g = g;
  r->capvars = 64;
  r->var = malloc(sizeof *r->var * (size_t)r->capvars);
  if (!r->var || !rehash(r, 128)) {
    hd__frelevance_free(r);
    return NULL;
  }
  for (int q = 0; q < g->n; q++)
    node_vars(r, &g->fn->nodes[g->node[q]], intern);
  r->words = r->nvars / 64 + 1;
  r->fut = r->oom ? NULL : calloc((size_t)g->n * (size_t)r->words, sizeof *r->fut);
  if (!r->fut) {
    hd__frelevance_free(r);
    return NULL;
  }
  /* backward, to a fixed point: a state's future needs what its node's
   * condition reads, what its successors' futures need, and what an
   * assignment to a needed variable reads */
  for (bool changed = true; changed && !r->oom;) {
    changed = false;
    for (int q = g->n - 1; q >= 0; q--) {
      uint64_t *f = &r->fut[(size_t)q * (size_t)r->words];
      for (int e = g->start[q]; e < g->start[q + 1]; e++) {
        const uint64_t *t = &r->fut[(size_t)g->to[e] * (size_t)r->words];
        for (int w = 0; w < r->words; w++)
          if (t[w] & ~f[w]) {
            f[w] |= t[w];
            changed = true;
          }
      }
      changed |= transfer(r, &g->fn->nodes[g->node[q]], f);
    }
  }
  if (r->oom) {
    hd__frelevance_free(r);
    return NULL;
  }
  return r;
}

void hd__frelevance_free(hd__frelevance *r) {
  if (!r)
    return;
  free(r->var);
  free(r->slot);
  free(r->fut);
  free(r->ids);
  free(r);
}

/* Does step st start a new version of a variable of `rel`? */
static bool havoc_touches(const hd__frelevance *r, const hd__fstep *st, const uint64_t *rel) {
  for (int id = 0; id < r->nvars; id++)
    if (has(rel, id) && hd__fstep_touches(st, r->var[id]))
      return true;
  return false;
}

int hd__frelevance_key(hd__frelevance *r, int q, const hd__fstep *prefix, int n, hd__fstep **out,
                       int *nout) {
  *out = NULL;
  *nout = 0;
  uint64_t *rel = malloc(sizeof *rel * (size_t)r->words);
  bool *in = calloc((size_t)(n > 0 ? n : 1), sizeof *in);
  if (!rel || !in) {
    free(rel);
    free(in);
    return -1;
  }
  memcpy(rel, &r->fut[(size_t)q * (size_t)r->words], sizeof *rel * (size_t)r->words);
  int count = 0;
  for (bool changed = true; changed && !r->oom;) {
    changed = false;
    for (int i = 0; i < n && !r->oom; i++) {
      if (in[i])
        continue;
      const hd__fstep *st = &prefix[i];
      if (st->kind != HD__FSTEP_ASSIGN && st->kind != HD__FSTEP_COND) {
        in[i] = havoc_touches(r, st, rel);
      } else {
        r->nids = 0;
        step_vars(r, st, push_id);
        for (int j = 0; j < r->nids && !in[i]; j++)
          in[i] = r->ids[j] < 0 || has(rel, r->ids[j]); /* unseen text: keep it */
        /* an assignment to `f->m` also starts new versions of `f->m->x` */
        in[i] = in[i] || (st->kind == HD__FSTEP_ASSIGN && havoc_touches(r, st, rel));
        for (int j = 0; in[i] && j < r->nids; j++)
          if (r->ids[j] >= 0 && !has(rel, r->ids[j])) {
            put(rel, r->ids[j]);
            changed = true; /* earlier steps may share this variable */
          }
      }
      count += in[i];
    }
  }
  int rc = r->oom ? -1 : 0;
  if (rc == 0 && count > 0) {
    *out = malloc(sizeof **out * (size_t)count);
    if (!*out)
      rc = -1;
    for (int i = 0; *out && i < n; i++)
      if (in[i])
        (*out)[(*nout)++] = prefix[i];
  }
  free(rel);
  free(in);
  return rc;
}
