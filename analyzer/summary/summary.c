/* summary/summary.c - lock-state exploration and bottom-up summaries. */
#include "summary/summary.h"

#include <stdlib.h>
#include <string.h>

#include "heddle/error.h"
#include "ir/lockid.h"

/* Beyond this many states per function the walk stops (and says so). */
#define STATE_LIMIT 200000

struct hd__summaries {
  hd__program *prog;
  hd__summary *v; /* parallel to the program's (indexed) functions */
  int n;
  int *by_name; /* function indices sorted by name */
};

static int cmp_by_name(const void *a, const void *b, void *prog) {
  return strcmp(hd__program_at(prog, *(const int *)a)->name,
                hd__program_at(prog, *(const int *)b)->name);
}

/* The awaited child's poll function: in the awaiting TU if defined there,
 * else the first function of that name (another TU's static poll). */
static const hd__summary *child_summary(const hd__summaries *s, const hd__node *n) {
  const hd__summary *cs = hd__summary_of(s, n->callee);
  if (cs || !s || !n->child_name)
    return cs;
  int lo = 0, hi = s->n;
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    if (strcmp(hd__program_at(s->prog, s->by_name[mid])->name, n->child_name) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  if (lo < s->n && strcmp(hd__program_at(s->prog, s->by_name[lo])->name, n->child_name) == 0)
    return &s->v[s->by_name[lo]];
  return NULL;
}

const hd__summary *hd__summary_of(const hd__summaries *s, const char *key) {
  if (!s || !key)
    return NULL;
  int lo = 0, hi = s->n;
  /* functions are sorted by key: the found one's index by bisection */
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    if (strcmp(hd__program_at(s->prog, mid)->key, key) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < s->n && strcmp(hd__program_at(s->prog, lo)->key, key) == 0 ? &s->v[lo] : NULL;
}

const hd__summary *hd__summary_of_node(const hd__summaries *s, const hd__node *n) {
  if (n->ev == HD__EV_CALL) {
    const hd__summary *cs = hd__summary_of(s, n->callee);
    /* "file:name" guessed static (a cleanup function) but defined extern */
    const char *colon = n->callee && !cs ? strrchr(n->callee, ':') : NULL;
    return colon ? hd__summary_of(s, colon + 1) : cs;
  }
  if (n->ev == HD__EV_AWAIT && n->child_name)
    return child_summary(s, n);
  return NULL;
}

/* ---- exploration ------------------------------------------------------- */

int hd__lockflow_callee_lock(hd__program *p, hd__function *fn, const hd__node *n, const char *id,
                             const hd__lock_family *family) {
  char *sub = hd__lockid_subst(id, n->args, n->nargs);
  if (!sub)
    return -1;
  const char *iid = hd__program_intern(p, sub);
  char *pretty = hd__lockid_pretty(sub, fn->params, fn->nparams);
  free(sub);
  if (!iid || !pretty) {
    free(pretty);
    return -1;
  }
  int idx = hd__function_lock(fn, iid, hd__program_intern(p, pretty), family);
  free(pretty);
  return idx >= 0 && idx < 64 ? idx : -1;
}

static uint64_t bit(int i) {
  return i >= 0 && i < 64 ? (uint64_t)1 << i : 0;
}

void hd__lockflow_step(hd__program *p, hd__function *fn, const hd__summaries *s,
                       const hd__lstate *st, uint64_t *held, uint64_t *released) {
  const hd__node *n = &fn->nodes[st->node];
  uint64_t h = st->held, r = st->released;
  if (n->ev == HD__EV_ACQUIRE) {
    h |= bit(n->lock);
  } else if (n->ev == HD__EV_RELEASE) {
    uint64_t b = bit(n->lock);
    if (h & b)
      h &= ~b;
    else
      r |= b;
  } else if (n->ev == HD__EV_CALL || (n->ev == HD__EV_AWAIT && n->child_name)) {
    /* a completed call, or an await whose child's poll function completed */
    const hd__summary *cs = hd__summary_of_node(s, n);
    for (int i = 0; cs && i < cs->nreleases; i++) {
      uint64_t b = bit(hd__lockflow_callee_lock(p, fn, n, cs->releases[i], NULL));
      if (h & b)
        h &= ~b;
      else
        r |= b;
    }
    for (int i = 0; cs && i < cs->nacquires; i++)
      h |= bit(hd__lockflow_callee_lock(p, fn, n, cs->acquires[i].id, cs->acquires[i].family));
  }
  *held = h;
  *released = r;
}

typedef struct seen {
  int *idx; /* state indices seen at each node */
  int n, cap;
} seen;

static int add_state(hd__lflow *f, seen *sn, int node, uint64_t held, uint64_t released,
                     int parent) {
  seen *s = &sn[node];
  for (int i = 0; i < s->n; i++) {
    hd__lstate *o = &f->v[s->idx[i]];
    if (o->held == held && o->released == released)
      return 0;
  }
  if (f->n >= STATE_LIMIT) {
    f->truncated = true;
    return 0;
  }
  if (f->n == f->cap) {
    int cap = f->cap ? f->cap * 2 : 64;
    hd__lstate *g = realloc(f->v, sizeof *g * (size_t)cap);
    if (!g)
      return HD_ENOMEM;
    f->v = g;
    f->cap = cap;
  }
  if (s->n == s->cap) {
    int cap = s->cap ? s->cap * 2 : 2;
    int *g = realloc(s->idx, sizeof *g * (size_t)cap);
    if (!g)
      return HD_ENOMEM;
    s->idx = g;
    s->cap = cap;
  }
  s->idx[s->n++] = f->n;
  f->v[f->n++] = (hd__lstate){node, held, released, parent};
  return 0;
}

int hd__lockflow_run(hd__program *p, hd__function *fn, const hd__summaries *s, hd__lflow *out) {
  *out = (hd__lflow){0};
  seen *sn = calloc((size_t)fn->nnodes, sizeof *sn);
  if (!sn)
    return HD_ENOMEM;
  int rc = add_state(out, sn, 0, 0, 0, -1);
  for (int q = 0; rc == 0 && q < out->n; q++) {
    hd__lstate st = out->v[q];
    uint64_t h, r;
    hd__lockflow_step(p, fn, s, &st, &h, &r);
    if (fn->nodes[st.node].ev == HD__EV_CALL) {
      const hd__summary *cs = hd__summary_of_node(s, &fn->nodes[st.node]);
      if (cs && cs->noreturn)
        continue; /* the path ends in the callee */
    }
    /* fn->nodes may move when a callee effect adds a lock: re-read */
    for (int i = 0; rc == 0 && i < fn->nodes[st.node].nsucc; i++)
      rc = add_state(out, sn, fn->nodes[st.node].succ[i], h, r, q);
  }
  for (int i = 0; i < fn->nnodes; i++)
    free(sn[i].idx);
  free(sn);
  if (rc < 0)
    hd__lflow_free(out);
  return rc;
}

void hd__lflow_free(hd__lflow *f) {
  free(f->v);
  *f = (hd__lflow){0};
}

/* ---- summaries --------------------------------------------------------- */

static void summary_clear(hd__summary *s) {
  free(s->acquires);
  free(s->releases);
  *s = (hd__summary){0};
}

static bool has_release(const hd__summary *s, const char *id) {
  for (int i = 0; i < s->nreleases; i++)
    if (s->releases[i] == id)
      return true;
  return false;
}

static bool has_acquire(const hd__summary *s, const char *id) {
  for (int i = 0; i < s->nacquires; i++)
    if (s->acquires[i].id == id)
      return true;
  return false;
}

/* Where lock bit `lock` was last set on the path to state q. */
static hd__loc acquire_loc(hd__function *fn, const hd__lflow *f, int q, int lock) {
  hd__loc loc = fn->loc;
  uint64_t b = bit(lock);
  while (q >= 0) {
    int parent = f->v[q].parent;
    if (parent >= 0 && (f->v[q].held & b) && !(f->v[parent].held & b))
      return fn->nodes[f->v[parent].node].loc;
    q = parent;
  }
  return loc;
}

/* Only ids a caller can name survive: parameter-rooted and global ones. */
static bool exportable(const char *id) {
  return strchr(id, '@') == NULL;
}

bool *hd__runtime_reach(const hd__function *fn) {
  bool *reached = calloc((size_t)fn->nnodes + 1, sizeof *reached);
  int *stack = malloc(sizeof *stack * ((size_t)fn->nnodes + 1));
  if (!reached || !stack) {
    free(reached);
    free(stack);
    return NULL;
  }
  int sp = 0;
  if (fn->nnodes > 0) {
    reached[0] = true;
    stack[sp++] = 0;
  }
  while (sp > 0) {
    const hd__node *n = &fn->nodes[stack[--sp]];
    if (n->off_runtime)
      continue;
    for (int i = 0; i < n->nsucc; i++)
      if (!reached[n->succ[i]]) {
        reached[n->succ[i]] = true;
        stack[sp++] = n->succ[i];
      }
  }
  free(stack);
  return reached;
}

/* Sets r from CALL node n when n calls an API function with `role`, or a
 * callee that does not await and whose summary says it reaches one. */
static void find_reach(const hd__summaries *all, const hd__node *n, hd__role role, hd__reach *r) {
  if (r->yes || n->ev != HD__EV_CALL)
    return;
  if (n->api && n->api->role == role) {
    *r = (hd__reach){true, n->loc, n->callee, true};
    return;
  }
  const hd__summary *cs = hd__summary_of(all, n->callee);
  const hd__reach *cr = !cs ? NULL : role == HD__ROLE_BLOCK_ON ? &cs->blocks_on : &cs->blocks;
  if (cr && cr->yes && !cs->may_await)
    *r = (hd__reach){true, n->loc, n->callee, false};
}

static int summarize_blocking(const hd__function *fn, const hd__summaries *all, hd__summary *out) {
  bool *reach = hd__runtime_reach(fn);
  if (!reach)
    return HD_ENOMEM;
  for (int i = 0; i < fn->nnodes; i++) {
    if (!reach[i])
      continue;
    find_reach(all, &fn->nodes[i], HD__ROLE_BLOCKING, &out->blocks);
    find_reach(all, &fn->nodes[i], HD__ROLE_BLOCK_ON, &out->blocks_on);
  }
  free(reach);
  return 0;
}

static int summarize(hd__program *p, hd__function *fn, const hd__summaries *all, hd__summary *out) {
  hd__lflow f;
  int rc = hd__lockflow_run(p, fn, all, &f);
  if (rc < 0)
    return rc;
  *out = (hd__summary){0};
  bool returns = false;
  for (int q = 0; q < f.n; q++) {
    const hd__lstate *st = &f.v[q];
    const hd__node *n = &fn->nodes[st->node];
    returns |= st->node == fn->exit || st->node == fn->suspend;
    if (!out->may_await) {
      const hd__summary *cs = n->ev == HD__EV_CALL ? hd__summary_of_node(all, n) : NULL;
      if (n->ev == HD__EV_AWAIT || (cs && cs->may_await)) {
        out->may_await = true;
        out->await_loc = n->ev == HD__EV_AWAIT ? n->loc : cs->await_loc;
      }
    }
    if (st->node != fn->exit)
      continue;
    for (int i = 0; i < fn->nlocks && i < 64; i++) {
      const hd__lock *l = &fn->locks[i];
      if (!exportable(l->id))
        continue;
      if ((st->held & bit(i)) && !has_acquire(out, l->id)) {
        hd__effect *g = realloc(out->acquires, sizeof *g * (size_t)(out->nacquires + 1));
        if (!g) {
          rc = HD_ENOMEM;
          break;
        }
        out->acquires = g;
        out->acquires[out->nacquires++] =
            (hd__effect){l->id, l->family, HD__MODE_EXCLUSIVE, acquire_loc(fn, &f, q, i)};
      }
      if ((st->released & bit(i)) && !has_release(out, l->id)) {
        const char **g = realloc(out->releases, sizeof *g * (size_t)(out->nreleases + 1));
        if (!g) {
          rc = HD_ENOMEM;
          break;
        }
        out->releases = g;
        out->releases[out->nreleases++] = l->id;
      }
    }
  }
  out->noreturn = !returns && !f.truncated;
  hd__lflow_free(&f);
  if (rc == 0)
    rc = summarize_blocking(fn, all, out);
  return rc;
}

static bool summary_equal(const hd__summary *a, const hd__summary *b) {
  if (a->may_await != b->may_await || a->noreturn != b->noreturn || a->nacquires != b->nacquires ||
      a->nreleases != b->nreleases)
    return false;
  if (a->blocks.yes != b->blocks.yes || a->blocks_on.yes != b->blocks_on.yes)
    return false;
  for (int i = 0; i < a->nacquires; i++)
    if (!has_acquire(b, a->acquires[i].id))
      return false;
  for (int i = 0; i < a->nreleases; i++)
    if (!has_release(b, a->releases[i]))
      return false;
  return true;
}

/* Rounds per strongly connected component of the call graph until
 * nothing changes; the sets only grow, so this ends; the bound is a guard. */
#define MAX_ROUNDS 32

/* ---- bottom-up order ---------------------------------------------------- */

/* The call graph: callees[off[i] .. off[i+1]) are the functions that
 * function i calls or awaits (by index). */
typedef struct call_graph {
  int *off, *callees;
} call_graph;

static int callee_index(const hd__summaries *s, const hd__node *n) {
  const hd__summary *cs = hd__summary_of_node(s, n);
  return cs ? (int)(cs - s->v) : -1;
}

static int graph_build(const hd__summaries *s, call_graph *g) {
  int total = 0;
  g->off = calloc((size_t)s->n + 1, sizeof *g->off);
  if (!g->off)
    return HD_ENOMEM;
  for (int i = 0; i < s->n; i++) {
    const hd__function *fn = hd__program_at(s->prog, i);
    for (int k = 0; k < fn->nnodes; k++)
      total += callee_index(s, &fn->nodes[k]) >= 0;
  }
  g->callees = calloc((size_t)total + 1, sizeof *g->callees);
  if (!g->callees)
    return HD_ENOMEM;
  int at = 0;
  for (int i = 0; i < s->n; i++) {
    g->off[i] = at;
    const hd__function *fn = hd__program_at(s->prog, i);
    for (int k = 0; k < fn->nnodes; k++) {
      int c = callee_index(s, &fn->nodes[k]);
      if (c >= 0)
        g->callees[at++] = c;
    }
  }
  g->off[s->n] = at;
  return 0;
}

/* Tarjan's strongly connected components, iteratively (call chains may be
 * deeper than the C stack). Components come out callees first: order[]
 * lists the functions, comp_end[c] is one past the last of component c. */
static int graph_sccs(const call_graph *g, int n, int *order, int *comp_end, int *ncomp) {
  int *index = malloc(sizeof *index * (size_t)(n + 1));
  int *low = malloc(sizeof *low * (size_t)(n + 1));
  int *stack = malloc(sizeof *stack * (size_t)(n + 1));
  int *call = malloc(sizeof *call * (size_t)(n + 1)); /* DFS stack: function */
  int *edge = malloc(sizeof *edge * (size_t)(n + 1)); /* DFS stack: next edge */
  bool *on = calloc((size_t)n + 1, sizeof *on);
  int rc = index && low && stack && call && edge && on ? 0 : HD_ENOMEM;
  for (int i = 0; rc == 0 && i < n; i++)
    index[i] = -1;
  int counter = 0, sp = 0, out = 0;
  *ncomp = 0;
  for (int root = 0; rc == 0 && root < n; root++) {
    if (index[root] >= 0)
      continue;
    int depth = 0;
    call[0] = root;
    edge[0] = g->off[root];
    index[root] = low[root] = counter++;
    stack[sp++] = root;
    on[root] = true;
    while (depth >= 0) {
      int v = call[depth];
      if (edge[depth] < g->off[v + 1]) {
        int w = g->callees[edge[depth]++];
        if (index[w] < 0) {
          index[w] = low[w] = counter++;
          stack[sp++] = w;
          on[w] = true;
          depth++;
          call[depth] = w;
          edge[depth] = g->off[w];
        } else if (on[w] && index[w] < low[v]) {
          low[v] = index[w];
        }
        continue;
      }
      if (low[v] == index[v]) { /* v roots a component: pop it */
        int w;
        do {
          w = stack[--sp];
          on[w] = false;
          order[out++] = w;
        } while (w != v);
        comp_end[(*ncomp)++] = out;
      }
      depth--;
      if (depth >= 0 && low[v] < low[call[depth]])
        low[call[depth]] = low[v];
    }
  }
  free(index);
  free(low);
  free(stack);
  free(call);
  free(edge);
  free(on);
  return rc;
}

/* Summarises functions order[from .. to) until none changes (a recursive
 * component needs several rounds; a single function without self-calls
 * needs one, checked by a second). */
static int summarize_component(hd__summaries *s, const int *order, int from, int to) {
  for (int round = 0; round < MAX_ROUNDS; round++) {
    bool changed = false;
    for (int k = from; k < to; k++) {
      int i = order[k];
      hd__summary next;
      if (summarize(s->prog, hd__program_at(s->prog, i), s, &next) < 0)
        return HD_ENOMEM;
      if (!summary_equal(&next, &s->v[i])) {
        changed = true;
        summary_clear(&s->v[i]);
        s->v[i] = next;
      } else {
        summary_clear(&next);
      }
    }
    if (!changed)
      break;
  }
  return 0;
}

hd__summaries *hd__summaries_compute(hd__program *p) {
  hd__summaries *s = calloc(1, sizeof *s);
  if (!s)
    return NULL;
  s->prog = p;
  s->n = hd__program_count(p);
  s->v = calloc((size_t)s->n + 1, sizeof *s->v);
  s->by_name = calloc((size_t)s->n + 1, sizeof *s->by_name);
  call_graph g = {NULL, NULL};
  int *order = calloc((size_t)s->n + 1, sizeof *order);
  int *comp_end = calloc((size_t)s->n + 1, sizeof *comp_end);
  int ncomp = 0, rc = HD_ENOMEM;
  if (s->v && s->by_name && order && comp_end) {
    for (int i = 0; i < s->n; i++)
      s->by_name[i] = i;
    qsort_r(s->by_name, (size_t)s->n, sizeof *s->by_name, cmp_by_name, p);
    rc = graph_build(s, &g);
  }
  if (rc == 0)
    rc = graph_sccs(&g, s->n, order, comp_end, &ncomp);
  /* bottom-up: each component sees its callees' final summaries */
  for (int c = 0, from = 0; rc == 0 && c < ncomp; from = comp_end[c++])
    rc = summarize_component(s, order, from, comp_end[c]);
  free(g.off);
  free(g.callees);
  free(order);
  free(comp_end);
  if (rc < 0) {
    hd__summaries_free(s);
    return NULL;
  }
  return s;
}

void hd__summaries_free(hd__summaries *s) {
  if (!s)
    return;
  for (int i = 0; s->v && i < s->n; i++)
    summary_clear(&s->v[i]);
  free(s->v);
  free(s->by_name);
  free(s);
}
