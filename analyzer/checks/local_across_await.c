/* checks/local_across_await.c - rule local-across-await.
 *
 * In a function that awaits (the await marker of a stackless runtime, pack
 * role `await`: a stackful coroutine keeps its stack, and its locals, when
 * it suspends), an automatic local written before an await
 * and read after it with no write in between (hd__node.acc: reads, writes,
 * address-taken; locals declared by a macro are not in the IR). Per local,
 * a breadth-first walk builds the graph of (node, state) pairs, state being
 * "not written", "written since the last await" or "written before an
 * await and not since"; an await node turns the second into the third, and
 * a node reading the local in the third is a target. Locals whose address
 * is taken anywhere (`&v`, an array passed on) are not followed: their
 * value may live elsewhere. The argument of HD_AWAIT is evaluated before
 * the await node, so reading a local there is a read before the await.
 *
 * Path feasibility (feasibility/witness.h): the states and edges walked
 * are the graph hd__witness_find searches for a path from the entry to a
 * target whose branch conditions Z3 accepts. The finding is dropped only
 * when that search was exhaustive and refuted every path; otherwise it is
 * reported on the feasible witness found, or on the shortest one. One
 * finding per local: the first read on the witness path,
 * with the write and the await as notes. */
#include <stdlib.h>
#include <string.h>

#include "checks/registry.h"
#include "feasibility/witness.h"
#include "heddle/error.h"

enum { UNWRITTEN, FRESH, STALE, NSTATES };

typedef struct graph {
  const hd__function *fn;
  const char *var;
  int n;          /* states */
  int *node, *in; /* per state: its node, the local's state on entry */
  int *out;       /* the state after the node */
  int *parent;    /* breadth-first parent, -1 at the entry */
  int *read;      /* the access that reads it stale, or -1 */
  int *seen;      /* state index per (node, in), or -1 */
} graph;

/* An await that leaves the function (stackless: the locals are lost). */
static bool loses_locals(const hd__node *n) {
  return n->ev == HD__EV_AWAIT && (!n->api || n->api->role == HD__ROLE_AWAIT);
}

static bool has_await(const hd__function *fn) {
  for (int i = 0; i < fn->nnodes; i++)
    if (loses_locals(&fn->nodes[i]))
      return true;
  return false;
}

/* The state of `var` after node n from state s; *read is set to the first
 * access that reads it stale (or -1). */
static int step(const hd__node *n, const char *var, int s, int *read) {
  *read = -1;
  if (loses_locals(n) && s == FRESH)
    s = STALE;
  for (int i = 0; i < n->nacc; i++) {
    if (n->acc[i].var != var)
      continue;
    if (n->acc[i].kind == HD__ACC_WRITE)
      s = FRESH;
    else if (n->acc[i].kind == HD__ACC_READ && s == STALE && *read < 0)
      *read = i;
  }
  return s;
}

static void graph_free(graph *g) {
  free(g->node);
  free(g->in);
  free(g->out);
  free(g->parent);
  free(g->read);
  free(g->seen);
}

/* Every (node, state) pair reachable from the entry; returns the number of
 * targets or HD_ENOMEM. */
static int graph_build(graph *g) {
  const hd__function *fn = g->fn;
  size_t cap = (size_t)fn->nnodes * NSTATES + 1;
  g->node = malloc(sizeof *g->node * cap);
  g->in = malloc(sizeof *g->in * cap);
  g->out = malloc(sizeof *g->out * cap);
  g->parent = malloc(sizeof *g->parent * cap);
  g->read = malloc(sizeof *g->read * cap);
  g->seen = malloc(sizeof *g->seen * cap);
  if (!g->node || !g->in || !g->out || !g->parent || !g->read || !g->seen)
    return HD_ENOMEM;
  for (size_t i = 0; i < cap; i++)
    g->seen[i] = -1;
  int targets = 0;
  g->n = 1;
  g->node[0] = 0;
  g->in[0] = UNWRITTEN;
  g->parent[0] = -1;
  g->seen[UNWRITTEN] = 0;
  for (int q = 0; q < g->n; q++) {
    const hd__node *nd = &fn->nodes[g->node[q]];
    g->out[q] = step(nd, g->var, g->in[q], &g->read[q]);
    targets += g->read[q] >= 0;
    for (int i = 0; i < nd->nsucc; i++) {
      int key = nd->succ[i] * NSTATES + g->out[q];
      if (g->seen[key] >= 0)
        continue;
      g->seen[key] = g->n;
      g->node[g->n] = nd->succ[i];
      g->in[g->n] = g->out[q];
      g->parent[g->n++] = q;
    }
  }
  return targets;
}

static int next_state(const graph *g, int q, int i) {
  return g->seen[g->fn->nodes[g->node[q]].succ[i] * NSTATES + g->out[q]];
}

/* Reports the read at the end of witness path[0..len) (state indices). */
static int report(int rule, const graph *g, const int *path, int len, hd__findings *out) {
  const hd__function *fn = g->fn;
  const char *var = g->var;
  int q = path[len - 1];
  const hd__node *rn = &fn->nodes[g->node[q]];
  const char *colon = strchr(var, ':');
  int vlen = colon ? (int)(colon - var) : (int)strlen(var);
  /* back along the witness: the await that made it stale, then the last
   * write before that await */
  int aw = -1, wr = -1;
  for (int k = len - 1; k >= 0 && wr < 0; k--) {
    const hd__node *n = &fn->nodes[g->node[path[k]]];
    if (aw < 0) {
      if (loses_locals(n) && g->in[path[k]] == FRESH)
        aw = path[k];
      continue;
    }
    for (int i = n->nacc - 1; i >= 0 && wr < 0; i--)
      if (n->acc[i].var == var && n->acc[i].kind == HD__ACC_WRITE)
        wr = i, q = path[k];
  }
  hd__finding *fd = hd__findings_add(
      out, rule, rn->acc[g->read[path[len - 1]]].loc,
      hd__strf("local '%.*s' is read after an await; its value was lost when the task suspended",
               vlen, var));
  if (!fd)
    return HD_ENOMEM;
  if (wr >= 0)
    hd__finding_note(fd, fn->nodes[g->node[q]].acc[wr].loc,
                     hd__strf("'%.*s' written here", vlen, var));
  if (aw >= 0)
    hd__finding_note(fd, fn->nodes[g->node[aw]].loc,
                     hd__strf("the task may suspend here; locals do not survive"));
  /* the codeFlow: write -> await -> read */
  if (wr >= 0)
    hd__finding_step(fd, fn->nodes[g->node[q]].acc[wr].loc,
                     hd__strf("'%.*s' written here", vlen, var));
  if (aw >= 0)
    hd__finding_step(fd, fn->nodes[g->node[aw]].loc, hd__strf("the task may suspend here"));
  hd__finding_step(fd, fd->loc, hd__strf("'%.*s' read after the await", vlen, var));
  return 0;
}

/* Reports along the breadth-first (shortest) witness of the first target. */
static int report_shortest(int rule, const graph *g, hd__findings *out) {
  int t = 0;
  while (t < g->n && g->read[t] < 0)
    t++;
  int len = 0;
  for (int q = t; q >= 0; q = g->parent[q])
    len++;
  int *path = malloc(sizeof *path * (size_t)len);
  if (!path)
    return HD_ENOMEM;
  int k = len;
  for (int q = t; q >= 0; q = g->parent[q])
    path[--k] = q;
  int rc = report(rule, g, path, len, out);
  free(path);
  return rc;
}

/* The feasibility search over g's states and edges (witness.h). */
static hd__fverdict search(hd__fsolver *z3, const graph *g, int **path, int *npath) {
  int edges = 0;
  for (int q = 0; q < g->n; q++)
    edges += g->fn->nodes[g->node[q]].nsucc;
  int *start = malloc(sizeof *start * ((size_t)g->n + 1));
  int *to = malloc(sizeof *to * ((size_t)edges + 1));
  int *pos = malloc(sizeof *pos * ((size_t)edges + 1));
  bool *target = malloc(sizeof *target * ((size_t)g->n + 1));
  hd__fverdict v = HD__FUNKNOWN;
  if (start && to && pos && target) {
    int e = 0;
    for (int q = 0; q < g->n; q++) {
      start[q] = e;
      target[q] = g->read[q] >= 0;
      for (int i = 0; i < g->fn->nodes[g->node[q]].nsucc; i++) {
        to[e] = next_state(g, q, i);
        pos[e++] = i;
      }
    }
    start[g->n] = e;
    hd__wgraph wg = {g->fn, g->n, g->node, start, to, pos, target};
    v = hd__witness_find(z3, &wg, path, npath);
  }
  free(start);
  free(to);
  free(pos);
  free(target);
  return v;
}

static int check_var(int rule, const hd__function *fn, const char *var, hd__findings *out) {
  graph g = {.fn = fn, .var = var};
  int targets = graph_build(&g);
  int rc = targets < 0 ? targets : 0;
  if (targets > 0) {
    hd__fsolver *z3 = hd__fsolver_thread();
    int *path = NULL, npath = 0;
    hd__fverdict v = z3 ? search(z3, &g, &path, &npath) : HD__FUNKNOWN;
    if (v == HD__FEASIBLE && path && npath > 0)
      rc = report(rule, &g, path, npath, out);
    else if (v != HD__INFEASIBLE)
      rc = report_shortest(rule, &g, out);
    free(path);
  }
  graph_free(&g);
  return rc;
}

static int check_function(int rule, const hd__function *fn, hd__findings *out) {
  if (!has_await(fn))
    return 0;
  /* the locals, each once; those whose address is taken are left out */
  const char **vars = NULL;
  int nvars = 0, cap = 0, rc = 0;
  for (int i = 0; i < fn->nnodes && rc == 0; i++)
    for (int k = 0; k < fn->nodes[i].nacc; k++) {
      const char *var = fn->nodes[i].acc[k].var;
      bool known = false;
      for (int j = 0; j < nvars && !known; j++)
        known = vars[j] == var;
      if (known)
        continue;
      if (nvars == cap) {
        cap = cap ? cap * 2 : 16;
        const char **grown = realloc(vars, sizeof *grown * (size_t)cap);
        if (!grown) {
          rc = HD_ENOMEM;
          break;
        }
        vars = grown;
      }
      vars[nvars++] = var;
    }
  for (int j = 0; j < nvars && rc == 0; j++) {
    bool addr = false;
    for (int i = 0; i < fn->nnodes && !addr; i++)
      for (int k = 0; k < fn->nodes[i].nacc && !addr; k++)
        addr = fn->nodes[i].acc[k].var == vars[j] && fn->nodes[i].acc[k].kind == HD__ACC_ADDR;
    if (!addr)
      rc = check_var(rule, fn, vars[j], out);
  }
  free(vars);
  return rc;
}

int hd__check_local_across_await(const hd__check_ctx *cx, int rule, hd__findings *out) {
  for (int i = 0; i < hd__program_count(cx->prog); i++) {
    int rc = check_function(rule, hd__program_at(cx->prog, i), out);
    if (rc < 0)
      return rc;
  }
  return 0;
}
