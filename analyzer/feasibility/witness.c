/* feasibility/witness.c - feasible witness search over a check's state graph (see witness.h). */
#include "feasibility/witness.h"

#include <stdlib.h>

#include "feasibility/feasible.h"
#include "feasibility/relevance.h"

/* A state is entered at most this often on one path. */
#define VISITS 2
/* Paths longer than this are cut (the search recurses once per state). */
#define MAX_DEPTH 4096
/* States entered per search before it gives up (paths without conditions
 * cost no query, so the query budget alone does not bound the walk). */
#define MAX_ENTRIES 100000

/* A state whose continuations were all refuted after a prefix whose
 * relevant steps were key[0..n) (feasibility/relevance.h). */
typedef struct refuted {
  int next; /* the state's next entry, or -1 */
  int n;
  hd__fstep *key;
} refuted;

typedef struct search {
  hd__fsolver *s;
  const hd__wgraph *g;
  bool *useful;         /* a target is reachable from the state */
  unsigned char *depth; /* times the state is on the current path */
  int *stack, nstack;   /* the states of the current path */
  hd__fpath path;
  int queries, entries;
  unsigned long dropped;
  hd__frelevance *rel; /* NULL: no merging */
  int *memo_head;      /* per state: its first refuted entry, or -1 */
  refuted *memo;
  int nmemo, capmemo;
  bool found;  /* a feasible path: the stack holds it */
  bool unsure; /* some path was cut (bounds): no proof */
  bool halt;   /* budget spent or Z3 gave up: stop now */
} search;

/* Marks the states from which a target is reachable. */
static int mark_useful(search *S) {
  const hd__wgraph *g = S->g;
  int n = g->n, edges = g->start[n];
  int *rstart = calloc((size_t)n + 1, sizeof *rstart);
  int *rfrom = malloc(sizeof *rfrom * (size_t)(edges ? edges : 1));
  int *fill = calloc((size_t)n + 1, sizeof *fill), *queue = malloc(sizeof *queue * (size_t)n);
  int rc = -1;
  if (!rstart || !rfrom || !fill || !queue)
    goto out;
  for (int e = 0; e < edges; e++)
    rstart[g->to[e] + 1]++;
  for (int q = 0; q < n; q++)
    rstart[q + 1] += rstart[q];
  for (int q = 0; q < n; q++)
    for (int e = g->start[q]; e < g->start[q + 1]; e++) {
      int t = g->to[e];
      rfrom[rstart[t] + fill[t]++] = q;
    }
  int qh = 0, qt = 0;
  for (int q = 0; q < n; q++)
    if (g->target[q]) {
      S->useful[q] = true;
      queue[qt++] = q;
    }
  while (qh < qt) {
    int t = queue[qh++];
    for (int i = rstart[t]; i < rstart[t + 1]; i++)
      if (!S->useful[rfrom[i]]) {
        S->useful[rfrom[i]] = true;
        queue[qt++] = rfrom[i];
      }
  }
  rc = 0;
out:
  free(rstart);
  free(rfrom);
  free(fill);
  free(queue);
  return rc;
}

/* Asks whether the current path can run. An exhausted budget, or UNKNOWN
 * for a path that reaches the target, halts the whole search (it proves
 * nothing). UNKNOWN for a prefix lets the search go on: a longer path may
 * still be refuted (only real contradictions prune). */
static bool feasible_so_far(search *S, bool at_target) {
  if (S->queries++ >= HD__WITNESS_BUDGET) {
    S->unsure = S->halt = true;
    return false;
  }
  hd__fverdict v = hd__fpath_check(S->s, &S->path);
  if (v == HD__FUNKNOWN) {
    if (!at_target)
      return true;
    S->unsure = S->halt = true;
    return false;
  }
  if (v == HD__INFEASIBLE)
    S->dropped++;
  return v == HD__FEASIBLE;
}

static bool same_steps(const hd__fstep *a, const hd__fstep *b, int n) {
  for (int i = 0; i < n; i++)
    if (a[i].kind != b[i].kind || a[i].taken != b[i].taken || a[i].lv != b[i].lv ||
        a[i].e != b[i].e)
      return false;
  return true;
}

static bool was_refuted(const search *S, int q, const hd__fstep *key, int n) {
  for (int m = S->memo_head[q]; m >= 0; m = S->memo[m].next)
    if (S->memo[m].n == n && same_steps(S->memo[m].key, key, n))
      return true;
  return false;
}

/* Remembers that q's continuations were refuted after `key` (taken over);
 * frees key when it cannot. */
static void remember(search *S, int q, hd__fstep *key, int n) {
  if (S->nmemo == S->capmemo) {
    int cap = S->capmemo ? S->capmemo * 2 : 64;
    refuted *grown = realloc(S->memo, sizeof *grown * (size_t)cap);
    if (!grown) {
      free(key);
      return;
    }
    S->memo = grown;
    S->capmemo = cap;
  }
  S->memo[S->nmemo] = (refuted){S->memo_head[q], n, key};
  S->memo_head[q] = S->nmemo++;
}

static void dfs(search *S, int q) {
  const hd__wgraph *g = S->g;
  if (++S->entries > MAX_ENTRIES) {
    S->unsure = S->halt = true;
    return;
  }
  S->stack[S->nstack++] = q;
  if (g->target[q]) {
    S->found = feasible_so_far(S, true);
    if (!S->found)
      S->nstack--;
    return; /* past the target, every path extends this refuted one */
  }
  hd__fstep *key = NULL;
  int nkey = 0;
  bool keyed = S->rel && hd__frelevance_key(S->rel, q, S->path.v, S->path.n, &key, &nkey) == 0;
  if (keyed && was_refuted(S, q, key, nkey)) {
    free(key);
    S->nstack--;
    return;
  }
  bool unsure_before = S->unsure;
  S->unsure = false;
  const hd__node *nd = &g->fn->nodes[g->node[q]];
  int mark = S->path.n;
  S->depth[q]++;
  if (nd->ev == HD__EV_AWAIT) { /* while the task is suspended, others run */
    hd__fstep suspended = {.kind = HD__FSTEP_HAVOC_SHARED};
    hd__fpath_steps(&S->path, &suspended, 1);
  }
  hd__fpath_steps(&S->path, nd->fx.v, nd->fx.n);
  bool branch = nd->ev == HD__EV_BRANCH && nd->cond && nd->nsucc == 2;
  for (int e = g->start[q]; e < g->start[q + 1] && !S->found && !S->halt; e++) {
    int to = g->to[e];
    if (!S->useful[to])
      continue;
    if (S->depth[to] >= VISITS || S->nstack >= MAX_DEPTH) {
      S->unsure = true;
      continue;
    }
    int before = S->path.n;
    if (branch) {
      hd__fpath_cond(&S->path, nd->cond, g->pos[e] == 0);
      if (!feasible_so_far(S, false)) {
        S->path.n = before;
        continue;
      }
    }
    dfs(S, to);
    S->path.n = before;
  }
  S->path.n = mark;
  S->depth[q]--;
  if (!S->found)
    S->nstack--;
  /* every continuation refuted, none cut: the same relevant prefix later
   * would get the same answer */
  if (keyed && !S->unsure && !S->found && !S->halt)
    remember(S, q, key, nkey);
  else
    free(key);
  S->unsure |= unsure_before;
}

/* The search; `again`: a further search for a finding already counted. */
static hd__fverdict find(hd__fsolver *s, const hd__wgraph *g, int **path, int *npath, bool again) {
  search S = {.s = s, .g = g};
  hd__fverdict v = HD__FUNKNOWN;
  hd__fpath_init(&S.path);
  if (g->n <= 0)
    goto done;
  S.useful = calloc((size_t)g->n, sizeof *S.useful);
  S.depth = calloc((size_t)g->n, sizeof *S.depth);
  /* a path enters each state at most VISITS times */
  S.stack = malloc(sizeof *S.stack * (size_t)g->n * VISITS + sizeof *S.stack);
  S.memo_head = malloc(sizeof *S.memo_head * (size_t)g->n);
  if (!S.useful || !S.depth || !S.stack || !S.memo_head || mark_useful(&S) < 0)
    goto done;
  for (int q = 0; q < g->n; q++)
    S.memo_head[q] = -1;
  S.rel = hd__frelevance_new(g); /* NULL (out of memory): search without merging */
  if (S.useful[0])
    dfs(&S, 0);
  if (S.found)
    v = HD__FEASIBLE;
  else
    v = S.unsure || S.path.oom ? HD__FUNKNOWN : HD__INFEASIBLE;
  if (S.found && path) {
    *path = S.stack;
    *npath = S.nstack;
    S.stack = NULL;
  }
done:
  for (int m = 0; m < S.nmemo; m++)
    free(S.memo[m].key);
  free(S.memo);
  free(S.memo_head);
  hd__frelevance_free(S.rel);
  hd__fpath_free(&S.path);
  free(S.useful);
  free(S.depth);
  free(S.stack);
  if (again)
    hd__fsolver_note_again(s, false, S.dropped);
  else
    hd__fsolver_note_finding(s, v == HD__INFEASIBLE, S.dropped);
  return v;
}

hd__fverdict hd__witness_find(hd__fsolver *s, const hd__wgraph *g, int **path, int *npath) {
  return find(s, g, path, npath, false);
}

hd__fverdict hd__witness_find_again(hd__fsolver *s, const hd__wgraph *g, int **path, int *npath) {
  return find(s, g, path, npath, true);
}

/* ---- lock states ------------------------------------------------------- */

/* The edges hd__lockflow_run followed, rebuilt: state q's node effect,
 * then each successor node with the resulting lock sets. Returns false
 * when out of memory or when a successor state is missing (a truncated
 * exploration): no proof is possible then. */
static bool lock_graph(hd__program *p, hd__function *fn, const hd__summaries *sums,
                       const hd__lflow *f, hd__wgraph *g) {
  int edges = 0;
  for (int q = 0; q < f->n; q++)
    edges += fn->nodes[f->v[q].node].nsucc;
  int *head = malloc(sizeof *head * (size_t)fn->nnodes),
      *next = malloc(sizeof *next * (size_t)f->n);
  int *node = malloc(sizeof *node * (size_t)f->n),
      *start = malloc(sizeof *start * (size_t)(f->n + 1));
  int *to = malloc(sizeof *to * (size_t)(edges ? edges : 1));
  int *pos = malloc(sizeof *pos * (size_t)(edges ? edges : 1));
  bool ok = head && next && node && start && to && pos;
  for (int i = 0; ok && i < fn->nnodes; i++)
    head[i] = -1;
  for (int q = f->n - 1; ok && q >= 0; q--) {
    node[q] = f->v[q].node;
    next[q] = head[node[q]];
    head[node[q]] = q;
  }
  int e = 0;
  for (int q = 0; ok && q < f->n; q++) {
    start[q] = e;
    uint64_t h, r;
    hd__lockflow_step(p, fn, sums, &f->v[q], &h, &r);
    const hd__node *nd = &fn->nodes[f->v[q].node];
    for (int i = 0; ok && i < nd->nsucc; i++) {
      int t = head[nd->succ[i]];
      while (t >= 0 && (f->v[t].held != h || f->v[t].released != r))
        t = next[t];
      ok = t >= 0;
      to[e] = t;
      pos[e++] = i;
    }
  }
  if (ok)
    start[f->n] = e;
  free(head);
  free(next);
  *g = (hd__wgraph){fn, f->n, node, start, to, pos, NULL};
  if (!ok) {
    free(node);
    free(start);
    free(to);
    free(pos);
  }
  return ok;
}

hd__fverdict hd__witness_search(hd__fsolver *s, hd__program *p, hd__function *fn,
                                const hd__summaries *sums, const hd__lflow *f, int node,
                                uint64_t held, int **path, int *npath) {
  hd__wgraph g;
  if (f->truncated || f->n == 0 || !lock_graph(p, fn, sums, f, &g)) {
    hd__fsolver_note_finding(s, false, 0);
    return HD__FUNKNOWN;
  }
  bool *target = malloc(sizeof *target * (size_t)f->n);
  hd__fverdict v = HD__FUNKNOWN;
  if (target) {
    for (int q = 0; q < f->n; q++)
      target[q] = f->v[q].node == node && (f->v[q].held & held) == held;
    g.target = target;
    v = hd__witness_find(s, &g, path, npath); /* g's states are f's */
  } else {
    hd__fsolver_note_finding(s, false, 0);
  }
  free(target);
  free((void *)g.node);
  free((void *)g.start);
  free((void *)g.to);
  free((void *)g.pos);
  return v;
}
