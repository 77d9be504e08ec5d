/* Source-DPOR (Abdulla et al., "Optimal dynamic partial order reduction",
 * POPL 2014, algorithm 1: source sets) with sleep sets, run over the whole
 * recorded execution after it ends, and the choice of the next path.
 *
 * Happens-before here is the DPOR one: program order, spawn, join, and the
 * order of dependent operations on one object (ops.def gives the classes).
 * For every reversible race i -> j (dependent, different threads, i not
 * happening-before j through anything else) the initials of
 * v = notdep(i).j are computed; when none of them is already in
 * backtrack(i) (or asleep there), one is added, preferring j's thread.
 * Nodes and counters live in hd__explorer; the scratch clocks are per
 * process and rebuilt for every execution. */
#include <stdlib.h>
#include <string.h>

#include "explorer.h"

enum cls { C_NONE, C_READ, C_WRITE, C_ACQUIRE, C_TRY, C_RELEASE };

static const uint8_t op_class[HD__OP_COUNT] = {
#define HD__OP(name, c, text) [HD__OP_##name] = C_##c,
#include "ops.def"
#undef HD__OP
};

bool hd__op_dependent(hd__op a, hd__op b) {
  enum cls ca = op_class[a.kind], cb = op_class[b.kind];
  if (ca == C_NONE || cb == C_NONE || a.obj != b.obj)
    return false;
  return !(ca == C_READ && cb == C_READ);
}

typedef uint32_t vclock[HD__MAX_THREADS];

typedef struct objstate {
  uintptr_t obj;
  uint32_t gen;
  int32_t last_write, last_acq, last_op;
  unsigned nreads;
  int32_t reads[HD__MAX_THREADS];
  vclock w, r;
} objstate;

#define OBJ_SLOTS 1024u
static struct {
  vclock *c; /* clock of each event */
  uint32_t cap;
  objstate *objs;
  uint32_t gen;
  vclock tc[HD__MAX_THREADS];
} sc;

static objstate *obj_get(uintptr_t obj) {
  uint32_t h = (uint32_t)((obj * 0x9E3779B97F4A7C15ull) >> 40) & (OBJ_SLOTS - 1);
  for (uint32_t i = 0; i < OBJ_SLOTS; i++) {
    objstate *o = &sc.objs[(h + i) & (OBJ_SLOTS - 1)];
    if (o->gen != sc.gen) {
      memset(o, 0, sizeof *o);
      o->gen = sc.gen;
      o->obj = obj;
      o->last_write = o->last_acq = o->last_op = -1;
      return o;
    }
    if (o->obj == obj)
      return o;
  }
  return NULL; /* more objects than slots: those ops add no backtracking */
}

static inline void join(vclock a, const vclock b, unsigned n) {
  for (unsigned i = 0; i < n; i++)
    if (b[i] > a[i])
      a[i] = b[i];
}

/* Does event a happen before event b (a < b)? */
static inline bool hb(const hd__explorer *ex, uint32_t a, uint32_t b) {
  unsigned ta = ex->nodes[a].tid;
  return sc.c[b][ta] >= sc.c[a][ta];
}

static bool within(const hd__explorer *ex, uint32_t k, unsigned p) {
  if (ex->bound < 0)
    return true;
  const hd__node *nd = &ex->nodes[k];
  unsigned pre = k ? ex->nodes[k - 1].preemptions : 0;
  pre += ((nd->enabled >> nd->prev) & 1) && p != nd->prev;
  return pre <= (unsigned)ex->bound;
}

bool hd__dpor_within_bound(const hd__explorer *ex, uint32_t k, unsigned p) {
  return within(ex, k, p);
}

static void race(hd__explorer *ex, uint32_t i, uint32_t j) {
  hd__node *nd = &ex->nodes[i];
  unsigned ti = nd->tid;
  uint32_t li = sc.c[i][ti];
  /* v = events after i not happening after it, then j; its initials. */
  hd__tset seen = 0, initials = 0;
  for (uint32_t m = i + 1; m <= j; m++) {
    if (m != j && sc.c[m][ti] >= li)
      continue;
    unsigned tm = ex->nodes[m].tid;
    if ((seen >> tm) & 1)
      continue;
    seen |= (hd__tset)1 << tm;
    bool initial = true;
    for (uint32_t q = i + 1; q < m && initial; q++) {
      if (sc.c[q][ti] >= li) /* not in v */
        continue;
      if (hb(ex, q, m))
        initial = false;
    }
    if (initial)
      initials |= (hd__tset)1 << tm;
  }
  if (initials & (nd->backtrack | nd->sleep | nd->skipped))
    return;
  initials &= nd->enabled;
  if (!initials)
    return;
  unsigned tj = ex->nodes[j].tid;
  unsigned p = (initials >> tj) & 1 ? tj : (unsigned)__builtin_ctz(initials);
  if (within(ex, i, p)) {
    nd->backtrack |= (hd__tset)1 << p;
    return;
  }
  nd->skipped |= (hd__tset)1 << p;
  ex->bound_pruned = true;
  /* Bounded POR (Coons, Musuvathi, McKinley, OOPSLA 2013): p may still be
   * run earlier without going over the bound, at a point where the path
   * already switched threads. Try the latest such point. */
  for (uint32_t k = i; k-- > 0;) {
    hd__node *e = &ex->nodes[k];
    if (k > 0 && e->tid == e->prev)
      continue;
    hd__tset bp = (hd__tset)1 << p;
    if (!(e->enabled & bp) || (e->sleep & bp) || !within(ex, k, p))
      continue;
    e->backtrack |= bp;
    return;
  }
}

static void consider(hd__explorer *ex, int32_t i, uint32_t j, const vclock pre) {
  if (i < 0)
    return;
  const hd__node *a = &ex->nodes[i];
  if (a->tid == ex->nodes[j].tid)
    return;
  if (pre[a->tid] >= sc.c[i][a->tid]) /* ordered through something else */
    return;
  race(ex, (uint32_t)i, j);
}

void hd__dpor_analyze(hd__explorer *ex) {
  if (hd__opts.no_reduction)
    return; /* every node already backtracks over all its enabled threads */
  uint32_t n = ex->depth;
  unsigned nt = ex->nthreads;
  if (sc.cap < ex->max_nodes) {
    free(sc.c);
    sc.c = malloc(sizeof(vclock) * ex->max_nodes);
    sc.cap = sc.c ? ex->max_nodes : 0;
    if (!sc.c)
      return;
  }
  if (!sc.objs && !(sc.objs = calloc(OBJ_SLOTS, sizeof *sc.objs)))
    return;
  sc.gen++;
  memset(sc.tc, 0, sizeof sc.tc);
  for (unsigned t = 1; t < nt; t++)
    if (ex->spawn_after[t] < 0)
      memcpy(sc.tc[t], sc.tc[ex->spawn_parent[t]], sizeof(vclock));
  for (uint32_t k = 0; k < n; k++) {
    hd__node *e = &ex->nodes[k];
    unsigned t = e->tid;
    vclock pre;
    memcpy(pre, sc.tc[t], sizeof pre);
    uint32_t *ck = sc.c[k];
    memcpy(ck, pre, sizeof(vclock));
    ck[t]++;
    enum cls cl = op_class[e->op.kind];
    objstate *o = cl == C_NONE ? NULL : obj_get(e->op.obj);
    if (o) {
      /* The clock of event k first (race() needs it), then its races,
       * judged against `pre`: what k's thread knew before touching o. */
      int32_t cand[HD__MAX_THREADS];
      unsigned ncand = 0;
      switch (cl) {
      case C_READ:
        cand[ncand++] = o->last_write;
        join(ck, o->w, nt);
        break;
      case C_WRITE:
        if (o->nreads) {
          for (unsigned r = 0; r < o->nreads; r++) {
            bool covered = false;
            for (unsigned q = 0; q < o->nreads && !covered; q++)
              covered = q != r && hb(ex, (uint32_t)o->reads[r], (uint32_t)o->reads[q]);
            if (!covered)
              cand[ncand++] = o->reads[r];
          }
        } else {
          cand[ncand++] = o->last_write;
        }
        join(ck, o->w, nt);
        join(ck, o->r, nt);
        break;
      case C_ACQUIRE:
        cand[ncand++] = o->last_acq;
        join(ck, o->w, nt);
        break;
      case C_TRY:
        cand[ncand++] = o->last_op;
        join(ck, o->w, nt);
        break;
      case C_RELEASE:
        if (o->last_op >= 0 && ex->nodes[o->last_op].op.kind == HD__OP_TRYLOCK)
          cand[ncand++] = o->last_op;
        join(ck, o->w, nt);
        break;
      case C_NONE:
        break;
      }
      if (e->op.kind == HD__OP_JOIN) {
        unsigned target = (unsigned)(e->op.obj & 0xff);
        if (target < nt)
          join(ck, sc.tc[target], nt);
      }
      for (unsigned c = 0; c < ncand; c++)
        consider(ex, cand[c], k, pre);
      if (e->op.kind == HD__OP_JOIN) {
        /* a join reads its thread, which nobody writes: no object state */
      } else if (cl == C_READ) {
        unsigned r = 0;
        while (r < o->nreads && ex->nodes[o->reads[r]].tid != t)
          r++;
        if (r < HD__MAX_THREADS) {
          o->reads[r] = (int32_t)k;
          if (r == o->nreads)
            o->nreads++;
        }
        join(o->r, ck, nt);
      } else {
        o->last_write = (int32_t)k;
        memcpy(o->w, ck, sizeof(vclock));
        memset(o->r, 0, sizeof(vclock));
        o->nreads = 0;
        o->last_op = (int32_t)k;
        if (cl == C_ACQUIRE || cl == C_TRY)
          o->last_acq = (int32_t)k;
      }
    }
    memcpy(sc.tc[t], ck, sizeof(vclock));
    for (unsigned c = 1; c < nt; c++)
      if (ex->spawn_after[c] == (int32_t)k)
        memcpy(sc.tc[c], sc.tc[ex->spawn_parent[c]], sizeof(vclock));
  }
}

bool hd__dpor_next(hd__explorer *ex) {
  for (uint32_t k = ex->depth; k-- > 0;) {
    hd__node *nd = &ex->nodes[k];
    hd__tset want = hd__opts.no_reduction ? nd->enabled : nd->backtrack;
    hd__tset cand = want & ~nd->done & ~nd->sleep & nd->enabled;
    while (cand) {
      unsigned p = (unsigned)__builtin_ctz(cand);
      cand &= cand - 1;
      if (!within(ex, k, p)) {
        nd->skipped |= (hd__tset)1 << p;
        ex->bound_pruned = true;
        continue;
      }
      nd->done |= (hd__tset)1 << p;
      nd->tid = (uint8_t)p;
      ex->replay_upto = k + 1;
      return true;
    }
  }
  return false;
}
