/* feasibility/witness.c - feasible witness search over lock states (see witness.h). */
#include "feasibility/witness.h"

#include <stdlib.h>

#include "feasibility/feasible.h"

/* A state is entered at most this often on one path. */
#define VISITS 2

/* The exploration's state graph: edges from state q are to[start[q] ..
 * start[q + 1]), `pos` is the successor's position in the node's succ
 * (0 is the true edge of a BRANCH). */
typedef struct graph {
  int *start, *to, *pos;
} graph;

typedef struct search {
  hd__fsolver *s;
  hd__function *fn;
  const hd__lflow *f;
  graph g;
  bool *useful;         /* the target is reachable from the state */
  unsigned char *depth; /* times the state is on the current path */
  hd__fpath path;
  int node;
  uint64_t held;
  int queries;
  unsigned long dropped;
  bool found;  /* a feasible path */
  bool unsure; /* some path was cut (bounds, lost states): no proof */
  bool halt;   /* budget spent or Z3 gave up: stop now */
} search;

static bool is_target(const search *S, const hd__lstate *st) {
  return st->node == S->node && (st->held & S->held) == S->held;
}

static void graph_free(graph *g) {
  free(g->start);
  free(g->to);
  free(g->pos);
}

/* Rebuilds the edges the exploration followed: state q's node effect, then
 * each successor node with the resulting lock sets. */
static int graph_build(search *S, hd__program *p, const hd__summaries *sums) {
  const hd__lflow *f = S->f;
  hd__function *fn = S->fn;
  int *head = malloc(sizeof *head * (size_t)fn->nnodes),
      *next = malloc(sizeof *next * (size_t)f->n);
  int edges = 0;
  for (int q = 0; q < f->n; q++)
    edges += fn->nodes[f->v[q].node].nsucc;
  graph *g = &S->g;
  g->start = malloc(sizeof *g->start * (size_t)(f->n + 1));
  g->to = malloc(sizeof *g->to * (size_t)(edges ? edges : 1));
  g->pos = malloc(sizeof *g->pos * (size_t)(edges ? edges : 1));
  if (!head || !next || !g->start || !g->to || !g->pos) {
    free(head);
    free(next);
    return -1;
  }
  for (int i = 0; i < fn->nnodes; i++)
    head[i] = -1;
  for (int q = f->n - 1; q >= 0; q--) {
    next[q] = head[f->v[q].node];
    head[f->v[q].node] = q;
  }
  int e = 0;
  for (int q = 0; q < f->n; q++) {
    g->start[q] = e;
    uint64_t h, r;
    hd__lockflow_step(p, fn, sums, &f->v[q], &h, &r);
    const hd__node *nd = &fn->nodes[f->v[q].node];
    for (int i = 0; i < nd->nsucc; i++) {
      int to = head[nd->succ[i]];
      while (to >= 0 && (f->v[to].held != h || f->v[to].released != r))
        to = next[to];
      if (to < 0) {
        S->unsure = true; /* a state the exploration did not keep */
        continue;
      }
      g->to[e] = to;
      g->pos[e] = i;
      e++;
    }
  }
  g->start[f->n] = e;
  free(head);
  free(next);
  return 0;
}

/* Marks the states from which a target state is reachable. */
static int mark_useful(search *S) {
  int n = S->f->n, edges = S->g.start[n];
  int *rstart = calloc((size_t)n + 1, sizeof *rstart),
      *rfrom = malloc(sizeof *rfrom * (size_t)(edges ? edges : 1));
  int *fill = calloc((size_t)n + 1, sizeof *fill), *queue = malloc(sizeof *queue * (size_t)n);
  int rc = -1;
  if (!rstart || !rfrom || !fill || !queue)
    goto out;
  for (int e = 0; e < edges; e++)
    rstart[S->g.to[e] + 1]++;
  for (int q = 0; q < n; q++)
    rstart[q + 1] += rstart[q];
  for (int q = 0; q < n; q++)
    for (int e = S->g.start[q]; e < S->g.start[q + 1]; e++) {
      int t = S->g.to[e];
      rfrom[rstart[t] + fill[t]++] = q;
    }
  int qh = 0, qt = 0;
  for (int q = 0; q < n; q++)
    if (is_target(S, &S->f->v[q])) {
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

/* Asks Z3 whether the current path can run; on UNKNOWN or an exhausted
 * budget the whole search halts (and proves nothing). */
static bool feasible_so_far(search *S) {
  hd__fverdict v = HD__FUNKNOWN;
  if (S->queries++ < HD__WITNESS_BUDGET)
    v = hd__fpath_check(S->s, &S->path);
  if (v == HD__FUNKNOWN) {
    S->unsure = S->halt = true;
    return false;
  }
  if (v == HD__INFEASIBLE)
    S->dropped++;
  return v == HD__FEASIBLE;
}

static void dfs(search *S, int q) {
  const hd__lstate *st = &S->f->v[q];
  if (is_target(S, st)) {
    S->found = feasible_so_far(S);
    return; /* past the target, every path extends this refuted one */
  }
  const hd__node *nd = &S->fn->nodes[st->node];
  int mark = S->path.n;
  S->depth[q]++;
  hd__fpath_steps(&S->path, nd->fx.v, nd->fx.n);
  bool branch = nd->ev == HD__EV_BRANCH && nd->cond && nd->nsucc == 2;
  for (int e = S->g.start[q]; e < S->g.start[q + 1] && !S->found && !S->halt; e++) {
    int to = S->g.to[e];
    if (!S->useful[to])
      continue;
    if (S->depth[to] >= VISITS) {
      S->unsure = true;
      continue;
    }
    int before = S->path.n;
    if (branch) {
      hd__fpath_cond(&S->path, nd->cond, S->g.pos[e] == 0);
      if (!feasible_so_far(S)) {
        S->path.n = before;
        continue;
      }
    }
    dfs(S, to);
    S->path.n = before;
  }
  S->path.n = mark;
  S->depth[q]--;
}

hd__fverdict hd__witness_search(hd__fsolver *s, hd__program *p, hd__function *fn,
                                const hd__summaries *sums, const hd__lflow *f, int node,
                                uint64_t held) {
  search S = {.s = s, .fn = fn, .f = f, .node = node, .held = held};
  hd__fverdict v = HD__FUNKNOWN;
  if (f->truncated || f->n == 0)
    goto out;
  hd__fpath_init(&S.path);
  S.useful = calloc((size_t)f->n, sizeof *S.useful);
  S.depth = calloc((size_t)f->n, sizeof *S.depth);
  if (!S.useful || !S.depth || graph_build(&S, p, sums) < 0 || mark_useful(&S) < 0)
    goto done;
  if (S.useful[0])
    dfs(&S, 0);
  if (S.found || S.path.oom)
    v = S.found ? HD__FEASIBLE : HD__FUNKNOWN;
  else
    v = S.unsure ? HD__FUNKNOWN : HD__INFEASIBLE;
done:
  hd__fpath_free(&S.path);
  graph_free(&S.g);
  free(S.useful);
  free(S.depth);
out:
  hd__fsolver_note_finding(s, v == HD__INFEASIBLE, S.dropped);
  return v;
}
