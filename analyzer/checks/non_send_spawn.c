/* checks/non_send_spawn.c - rule non-send-spawn.
 *
 * At each call of a pack `spawn` function of kind multi (hd_spawn,
 * hd_spawn_on: HD_SPAWN_SEND), the spawned future's frame (hd__node.spawn,
 * walked from its type at parse time through structs and unions embedded
 * by value, child frames included; see ir/send.h) is not Send when:
 *   - a field's type, or what a pointer field points to, is not Send
 *     (HD_NOT_SEND, a pack `types:` entry with not_send): hd_rc *;
 *   - a field is assigned a thread-bound value (the address of a
 *     _Thread_local object, the result of a pack `thread_bound` function
 *     such as pthread_getspecific or pthread_self, or of a program
 *     function that returns one, transitively), by the spawner before the
 *     spawn, or by the frame's async function (or a child frame's) on a
 *     path that reaches an await;
 *   - the frame's async function, or a child frame's, may hold a
 *     thread-blocking lock at an await: the lock-state exploration of
 *     lock-across-await (summary/summary.h), each held (await, lock) pair
 *     checked for a feasible witness (feasibility/witness.h); the notes
 *     (where the lock was taken, the await) follow that witness.
 * One finding per spawn call, located at the call; the message names the
 * first reason, the notes give each reason's chain: the embedding fields
 * down to the field, its type and why, where the value was stored, or
 * where the lock was taken and the await. A frame type annotated HD_SEND
 * or HD_SYNC is its own verdict; a spawn of kind local is never reported. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/async_code.h"
#include "feasibility/witness.h"
#include "heddle/error.h"
#include "ir/lockid.h"

/* Reasons listed per finding (the message counts the rest). */
#define MAX_REASONS 8

typedef enum rkind { R_TYPE, R_BOUND, R_LOCK } rkind;

typedef struct reason {
  rkind kind;
  const char *path;           /* the field from the frame ("" for the frame) */
  const hd__frame_item *item; /* its item, or NULL */
  /* R_BOUND: the store, in function bfn, and what it stores */
  const hd__function *bfn;
  const hd__bound *bound;
  const char *what, *via; /* the thread_bound function / thread-local; via:
                             the program function that returned it, or NULL */
  bool tls;
  bool in_frame_fn;     /* stored by the frame's own async function */
  const hd__node *call; /* ... by bfn, called here with (part of) the frame */
  const hd__function *caller;
  /* R_LOCK: the async function at `path` holds lock `lock` of lfn */
  const hd__function *lfn;
  int lock;
  hd__loc acquire, await;
} reason;

typedef struct reasons {
  reason v[MAX_REASONS];
  int n, more;
} reasons;

static bool has_path(const reasons *rs, rkind kind, const char *path) {
  for (int i = 0; i < rs->n; i++)
    if (rs->v[i].kind == kind && strcmp(rs->v[i].path, path) == 0)
      return true;
  return false;
}

static void add_reason(reasons *rs, reason r) {
  if (has_path(rs, r.kind, r.path))
    return;
  if (rs->n < MAX_REASONS)
    rs->v[rs->n++] = r;
  else
    rs->more++;
}

static const hd__frame_item *item_at(const hd__spawn_frame *sf, const char *path) {
  for (int i = 0; i < sf->nitems; i++)
    if (strcmp(sf->items[i].path, path) == 0)
      return &sf->items[i];
  return NULL;
}

/* "(*$0).c.reply" + "frame prefix" -> the frame path, array indexes
 * dropped ("h[i]" -> "h"); NULL when the lvalue is not inside the frame
 * (through a pointer) or is the whole frame. malloc'd. */
static char *frame_path(const char *target, const char *root, const char *base) {
  size_t rl = strlen(root);
  if (strncmp(target, root, rl) != 0 || target[rl] != '.')
    return NULL;
  const char *rest = target + rl + 1;
  if (strstr(rest, "(*"))
    return NULL;
  char *out = malloc(strlen(base) + strlen(rest) + 2);
  if (!out)
    return NULL;
  char *o = out;
  if (*base) {
    o = stpcpy(o, base);
    *o++ = '.';
  }
  int depth = 0;
  for (const char *p = rest; *p; p++) {
    if (*p == '[')
      depth++;
    else if (*p == ']')
      depth--;
    else if (depth == 0)
      *o++ = *p;
  }
  *o = '\0';
  return out;
}

/* ---- what a program function returns ---------------------------------- */

/* The thread-bound value function `key` may return (one of its returned
 * bounds, through callees), or NULL. */
static const hd__bound *returned_bound(const hd__check_ctx *cx, const char *key, int depth) {
  const hd__function *fn = depth < 8 && key ? hd__program_find(cx->prog, key) : NULL;
  for (int i = 0; fn && i < fn->nbounds; i++) {
    const hd__bound *b = &fn->bounds[i];
    if (b->target)
      continue;
    if (b->what)
      return b;
    const hd__bound *r = returned_bound(cx, b->callee, depth + 1);
    if (r)
      return r;
  }
  return NULL;
}

/* Resolves bound b: false when it is the result of a function that
 * returns nothing thread-bound. */
static bool resolve(const hd__check_ctx *cx, const hd__bound *b, reason *r) {
  if (b->what) {
    r->what = b->what;
    r->tls = b->tls;
    r->via = NULL;
    return true;
  }
  const hd__bound *ret = returned_bound(cx, b->callee, 0);
  if (!ret)
    return false;
  r->what = ret->what;
  r->tls = ret->tls;
  r->via = b->callee;
  return true;
}

/* ---- reachability ------------------------------------------------------ */

static bool is_await(const hd__check_ctx *cx, const hd__node *n) {
  if (n->ev == HD__EV_AWAIT)
    return true;
  if (n->ev != HD__EV_CALL)
    return false;
  const hd__summary *s = hd__summary_of_node(cx->sums, n);
  return s && s->may_await;
}

/* Whether a path leads from node `from` (after its event) to node `to`,
 * or to any await when to < 0, without passing another store to `target`
 * (NULL: any path). */
static bool reaches(const hd__check_ctx *cx, const hd__function *fn, int from, int to,
                    const char *target) {
  bool *seen = calloc((size_t)fn->nnodes, sizeof *seen);
  for (int i = 0; seen && target && i < fn->nbounds; i++)
    if (fn->bounds[i].target == target)
      seen[fn->bounds[i].node] = true; /* stored again there: not entered */
  int *stack = malloc(sizeof *stack * (size_t)fn->nnodes);
  bool found = false;
  int sp = 0;
  if (!seen || !stack)
    goto done;
  for (int i = 0; i < fn->nodes[from].nsucc; i++)
    if (!seen[fn->nodes[from].succ[i]]) {
      seen[fn->nodes[from].succ[i]] = true;
      stack[sp++] = fn->nodes[from].succ[i];
    }
  while (sp > 0 && !found) {
    int n = stack[--sp];
    if (to >= 0 ? n == to : is_await(cx, &fn->nodes[n])) {
      found = true;
      break;
    }
    for (int i = 0; i < fn->nodes[n].nsucc; i++)
      if (!seen[fn->nodes[n].succ[i]]) {
        seen[fn->nodes[n].succ[i]] = true;
        stack[sp++] = fn->nodes[n].succ[i];
      }
  }
done:
  free(seen);
  free(stack);
  return found;
}

/* ---- the frames' async functions --------------------------------------- */

/* The poll function of frame type `type`: in the spawner's TU first, then
 * anywhere in the program. */
static hd__function *poll_of(const hd__check_ctx *cx, const char *type, const char *tu) {
  const char *suffix = hd__model_poll_suffix(cx->model);
  if (!suffix || !type || !*type)
    return NULL;
  char *name = hd__strf("%s%s", type, suffix);
  char *key = hd__strf("%s:%s", tu, name ? name : "");
  hd__function *fn = key ? hd__program_find(cx->prog, key) : NULL;
  for (int i = 0; !fn && name && i < hd__program_count(cx->prog); i++)
    if (strcmp(hd__program_at(cx->prog, i)->name, name) == 0)
      fn = hd__program_at(cx->prog, i);
  free(name);
  free(key);
  return fn;
}

/* Whether a later store to the same target in the same node (statements
 * without events share one) overwrites bound i at once. */
static bool stored_again(const hd__function *fn, int i) {
  for (int j = i + 1; j < fn->nbounds; j++)
    if (fn->bounds[j].node == fn->bounds[i].node && fn->bounds[j].target == fn->bounds[i].target)
      return true;
  return false;
}

/* Adds bound b of function bfn, stored into root's part `base`... when
 * its path resolves and the store (or the call making it) reaches `to`. */
static void add_store(const hd__check_ctx *cx, const hd__spawn_frame *sf, const hd__bound *b,
                      const hd__function *bfn, const char *root, const char *base, reason r,
                      reasons *rs) {
  char *path = b->target ? frame_path(b->target, root, base) : NULL;
  r.kind = R_BOUND;
  r.bfn = bfn;
  r.bound = b;
  if (path && resolve(cx, b, &r)) {
    r.path = hd__program_intern(cx->prog, path);
    r.item = r.path ? item_at(sf, r.path) : NULL;
    if (r.path)
      add_reason(rs, r);
  }
  free(path);
}

/* The thread-bound values function fn stores into the frame object `root`
 * (canonical text; its part `base` of the spawned frame) on a path to node
 * `to` (to < 0: to an await): its own stores, and those of the functions it
 * calls with a pointer to the object or a part of it (constructors,
 * helpers: their stores through that parameter). */
static void stores(const hd__check_ctx *cx, const hd__spawn_frame *sf, const hd__function *fn,
                   const char *root, const char *base, int to, reasons *rs) {
  size_t rl = strlen(root);
  for (int i = 0; i < fn->nbounds; i++)
    if (fn->bounds[i].target && strncmp(fn->bounds[i].target, root, rl) == 0 &&
        !stored_again(fn, i) && reaches(cx, fn, fn->bounds[i].node, to, fn->bounds[i].target))
      add_store(cx, sf, &fn->bounds[i], fn, root, base,
                (reason){.in_frame_fn = to < 0, .caller = fn}, rs);
  /* a pointer to the whole object: "(*X)" -> "X", "o" -> "&o" */
  char *whole = rl > 3 && strncmp(root, "(*", 2) == 0 && root[rl - 1] == ')'
                    ? hd__strf("%.*s", (int)rl - 3, root + 2)
                    : hd__strf("&%s", root);
  for (int n = 0; whole && n < fn->nnodes; n++) {
    const hd__node *c = &fn->nodes[n];
    const hd__function *callee =
        c->ev == HD__EV_CALL && c->callee ? hd__program_find(cx->prog, c->callee) : NULL;
    if (!callee || callee == fn || !callee->nbounds || !reaches(cx, fn, n, to, NULL))
      continue;
    for (int k = 0; k < c->nargs; k++) {
      const char *a = c->args[k];
      char *sub = NULL; /* the part passed, as a path under base */
      if (a && strcmp(a, whole) == 0)
        sub = hd__strf("%s", base);
      else if (a && a[0] == '&' && strncmp(a + 1, root, rl) == 0 && a[1 + rl] == '.')
        sub = frame_path(a + 1, root, base);
      char *param = sub ? hd__strf("(*$%d)", k) : NULL;
      for (int i = 0; param && i < callee->nbounds; i++)
        add_store(cx, sf, &callee->bounds[i], callee, param, sub,
                  (reason){.in_frame_fn = to < 0, .call = c, .caller = fn}, rs);
      free(param);
      free(sub);
    }
  }
  free(whole);
}

static uint64_t bit(int i) {
  return (uint64_t)1 << i;
}

/* The edges the exploration f of pf followed (as feasibility/witness.c
 * rebuilds them): state q's edges are to[start[q] .. start[q + 1]), pos[e]
 * the successor's index in its node's succ. False when out of memory or a
 * successor state is missing. */
static bool lock_edges(const hd__check_ctx *cx, hd__function *pf, const hd__lflow *f, int **start,
                       int **to, int **pos) {
  int edges = 0;
  for (int q = 0; q < f->n; q++)
    edges += pf->nodes[f->v[q].node].nsucc;
  *start = malloc(sizeof **start * (size_t)(f->n + 1));
  *to = malloc(sizeof **to * (size_t)(edges + 1));
  *pos = malloc(sizeof **pos * (size_t)(edges + 1));
  bool ok = *start && *to && *pos;
  int e = 0;
  for (int q = 0; ok && q < f->n; q++) {
    (*start)[q] = e;
    uint64_t h, r;
    hd__lockflow_step(cx->prog, pf, cx->sums, &f->v[q], &h, &r);
    const hd__node *nd = &pf->nodes[f->v[q].node];
    for (int i = 0; ok && i < nd->nsucc; i++) {
      int t = 0;
      while (t < f->n &&
             (f->v[t].node != nd->succ[i] || f->v[t].held != h || f->v[t].released != r))
        t++;
      ok = t < f->n;
      (*to)[e] = t;
      (*pos)[e++] = i;
    }
  }
  if (ok)
    (*start)[f->n] = e;
  return ok;
}

/* Whether no run reaches `node` holding lock `lock`, by a sharper argument
 * than the search from the entry, which cannot exhaust a counted loop
 * around the lock: on such a run, take the last acquisition; from the
 * state before it on, every state holds the lock. So if, for each state p
 * whose step acquires it, no path from p (nothing known about the values
 * there) through states holding it reaches the node, no run does. The
 * search from the entry counted the finding; these searches count only
 * the witnesses they refute (hd__witness_find_again). */
static bool refuted_after_acquires(const hd__check_ctx *cx, hd__function *pf, const hd__lflow *f,
                                   int node, int lock) {
  hd__fsolver *z3 = hd__fsolver_thread();
  int *start = NULL, *to = NULL, *pos = NULL;
  int *map = malloc(sizeof *map * (size_t)f->n), *back = malloc(sizeof *back * (size_t)f->n);
  int *queue = malloc(sizeof *queue * (size_t)f->n);
  int *gs = malloc(sizeof *gs * (size_t)(f->n + 1));
  bool *target = malloc(sizeof *target * (size_t)f->n);
  bool ok = z3 && map && back && queue && gs && target && !f->truncated &&
            lock_edges(cx, pf, f, &start, &to, &pos);
  int *gto = ok ? malloc(sizeof *gto * (size_t)(start[f->n] + 1)) : NULL;
  int *gpos = ok ? malloc(sizeof *gpos * (size_t)(start[f->n] + 1)) : NULL;
  bool any = false;
  ok = ok && gto && gpos;
  for (int p = 0; ok && p < f->n; p++) {
    if (f->v[p].held & bit(lock))
      continue;
    bool acquires = false;
    for (int e = start[p]; e < start[p + 1]; e++)
      acquires |= (f->v[to[e]].held & bit(lock)) != 0;
    if (!acquires)
      continue;
    any = true;
    /* p, then the states holding the lock reachable from it */
    for (int q = 0; q < f->n; q++)
      map[q] = -1;
    int n = 0, head = 0, tail = 1;
    map[p] = n;
    back[n++] = p;
    queue[0] = p;
    while (head < tail) {
      int q = queue[head++];
      for (int e = start[q]; e < start[q + 1]; e++) {
        int t = to[e];
        if (map[t] < 0 && (f->v[t].held & bit(lock))) {
          map[t] = n;
          back[n++] = t;
          queue[tail++] = t;
        }
      }
    }
    int ne = 0;
    for (int k = 0; k < n; k++) {
      int q = back[k];
      gs[k] = ne;
      for (int e = start[q]; e < start[q + 1]; e++)
        if (map[to[e]] > 0) {
          gto[ne] = map[to[e]];
          gpos[ne++] = pos[e];
        }
      target[k] = k > 0 && f->v[q].node == node;
      back[k] = f->v[q].node; /* from here on: the state's CFG node */
    }
    gs[n] = ne;
    hd__wgraph g = {pf, n, back, gs, gto, gpos, target};
    ok = hd__witness_find_again(z3, &g, NULL, NULL) == HD__INFEASIBLE;
  }
  free(start);
  free(to);
  free(pos);
  free(map);
  free(back);
  free(queue);
  free(gs);
  free(target);
  free(gto);
  free(gpos);
  return ok && any;
}

/* The exploration's parent chain from the entry to state q, as a path of
 * state indices (malloc'd), or NULL when out of memory. */
static int *parent_chain(const hd__lflow *f, int q, int *npath) {
  int n = 0;
  for (int s = q; s >= 0; s = f->v[s].parent)
    n++;
  int *path = malloc(sizeof *path * (size_t)n);
  if (!path)
    return NULL;
  *npath = n;
  for (int s = q; s >= 0; s = f->v[s].parent)
    path[--n] = s;
  return path;
}

/* Position on path (states of f, entry first) of the last state whose
 * step takes `lock`, or -1. */
static int acquiring_step(const hd__lflow *f, const int *path, int npath, int lock) {
  for (int i = npath - 2; i >= 0; i--)
    if ((f->v[path[i + 1]].held & bit(lock)) && !(f->v[path[i]].held & bit(lock)))
      return i;
  return -1;
}

/* A thread-blocking lock that async function pf may hold at an await on
 * a feasible path: the first one found. Its notes follow the feasible
 * witness of the search from the entry or, when that search could not
 * decide, the exploration's parent chain. Each (await, lock) pair is
 * decided once, however many states reach the await holding the lock, and
 * counts as one finding in the feasibility statistics, however many
 * searches decide it. */
static int frame_fn_lock(const hd__check_ctx *cx, hd__function *pf, const char *base, reasons *rs) {
  hd__lflow f;
  int rc = hd__lockflow_run(cx->prog, pf, cx->sums, &f);
  if (rc < 0)
    return rc;
  bool done = false;
  int *refuted = NULL, nrefuted = 0; /* (node, lock) pairs, two ints each */
  for (int q = 0; q < f.n && !done && rc == 0; q++) {
    const hd__node *n = &pf->nodes[f.v[q].node];
    if (!is_await(cx, n))
      continue;
    for (int i = 0; i < pf->nlocks && i < 64 && !done && rc == 0; i++) {
      const hd__lock *l = &pf->locks[i];
      if (!(f.v[q].held & bit(i)) || !l->family || l->family->kind == HD__LOCK_ASYNC)
        continue;
      /* the searches ask about the node and the lock, not the state: a
       * pair refuted for another state at the node is refuted here */
      bool seen = false;
      for (int k = 0; k < nrefuted && !seen; k++)
        seen = refuted[2 * k] == f.v[q].node && refuted[2 * k + 1] == i;
      if (seen)
        continue;
      int *grown = realloc(refuted, sizeof *grown * (size_t)(2 * nrefuted + 2));
      if (!grown) {
        rc = HD_ENOMEM;
        break;
      }
      refuted = grown;
      refuted[2 * nrefuted] = f.v[q].node; /* kept only when refuted below */
      refuted[2 * nrefuted + 1] = i;
      hd__fsolver *z3 = hd__fsolver_thread();
      int *path = NULL, npath = 0;
      hd__fverdict v = z3 ? hd__witness_search(z3, cx->prog, pf, cx->sums, &f, f.v[q].node, bit(i),
                                               &path, &npath)
                          : HD__FUNKNOWN;
      if (v == HD__INFEASIBLE) {
        nrefuted++;
        continue;
      }
      if (v == HD__FUNKNOWN && z3 && refuted_after_acquires(cx, pf, &f, f.v[q].node, i)) {
        hd__fsolver_note_again(z3, true, 0); /* the same finding, removed after all */
        nrefuted++;
        continue;
      }
      if (!path)
        path = parent_chain(&f, q, &npath);
      if (!path) {
        rc = HD_ENOMEM;
        break;
      }
      int ai = acquiring_step(&f, path, npath, i);
      const hd__node *at = &pf->nodes[f.v[path[npath - 1]].node];
      reason r = {.kind = R_LOCK, .path = base, .lfn = pf, .lock = i, .await = at->loc};
      r.acquire = ai >= 0 ? pf->nodes[f.v[path[ai]].node].loc : at->loc;
      free(path);
      add_reason(rs, r);
      done = true;
    }
  }
  free(refuted);
  hd__lflow_free(&f);
  return rc;
}

/* ---- reporting --------------------------------------------------------- */

static void family_name(const hd__lock *l, char *buf, size_t size) {
  snprintf(buf, size, "%s", l->family ? l->family->name : "lock");
  for (char *p = buf; *p; p++)
    if (*p == '_')
      *p = ' ';
}

/* "session" + "c.reply" -> "session.c.reply" (malloc'd). */
static char *full(const char *frame, const char *path) {
  return hd__strf("%s%s%s", frame, *path ? "." : "", path);
}

static char *summary(const hd__check_ctx *cx, const char *frame, const reason *r) {
  char *at = full(frame, r->path);
  char *out = NULL;
  if (!at)
    return NULL;
  if (r->kind == R_TYPE) {
    out = hd__strf("'%s' (%s)", at, r->item ? r->item->type : "?");
  } else if (r->kind == R_BOUND) {
    out = r->tls ? hd__strf("'%s' points into _Thread_local '%s'", at, r->what)
                 : hd__strf("'%s' keeps the result of %s()", at, r->what);
  } else {
    const hd__lock *l = &r->lfn->locks[r->lock];
    char fam[64];
    family_name(l, fam, sizeof fam);
    int len;
    const char *fn = hd__async_shown(cx, r->lfn->key, &len);
    out = hd__strf("'%.*s' holds %s '%s' across an await", len, fn, fam, l->display);
  }
  free(at);
  return out;
}

/* Notes for the fields that embed `path` (every proper prefix, and path
 * itself when `self`). */
static void note_embedding(const hd__check_ctx *cx, hd__finding *fd, const hd__spawn_frame *sf,
                           const char *path, bool self) {
  char *buf = *path ? hd__strf("%s%s", path, self ? "." : "") : NULL;
  for (char *dot = buf ? strchr(buf, '.') : NULL; dot; dot = strchr(dot + 1, '.')) {
    *dot = '\0';
    const hd__frame_item *it = item_at(sf, buf);
    char *at = full(sf->type, buf);
    if (it && at) {
      if (it->record && poll_of(cx, it->record, sf->tu))
        hd__finding_note(fd, it->loc,
                         hd__strf("'%s' embeds the frame of async function '%s'", at, it->record));
      else
        hd__finding_note(fd, it->loc, hd__strf("'%s' embeds %s by value", at, it->type));
    }
    free(at);
    *dot = '.';
  }
  free(buf);
}

static void note_reason(const hd__check_ctx *cx, hd__finding *fd, const hd__spawn_frame *sf,
                        const reason *r) {
  note_embedding(cx, fd, sf, r->path, r->kind == R_LOCK);
  char *at = full(sf->type, r->path);
  if (!at)
    return;
  if (r->kind == R_TYPE) {
    hd__finding_note(fd, r->item->loc, hd__strf("%s: %s -> %s", at, r->item->type, r->item->why));
  } else if (r->kind == R_BOUND) {
    int vl = 0;
    const char *via = r->via ? hd__async_shown(cx, r->via, &vl) : NULL;
    if (r->item)
      hd__finding_note(
          fd, r->item->loc,
          r->tls ? hd__strf("%s: %s -> the address of _Thread_local '%s' is the storage of the "
                            "thread that took it",
                            at, r->item->type, r->what)
                 : hd__strf("%s: %s -> the result of %s() belongs to the thread that called it", at,
                            r->item->type, r->what));
    char *lv = hd__lockid_pretty(r->bound->target, r->bfn->params, r->bfn->nparams);
    const char *when = r->call ? "" : r->in_frame_fn ? "; an await follows" : " before the spawn";
    if (via)
      hd__finding_note(fd, r->bound->loc,
                       hd__strf("'%s' assigned here from %.*s(), which returns %s%s%s%s",
                                lv ? lv : "?", vl, via,
                                r->tls ? "the address of _Thread_local '" : "the result of ",
                                r->what, r->tls ? "'" : "()", when));
    else
      hd__finding_note(fd, r->bound->loc,
                       hd__strf("'%s' assigned here from %s%s%s%s", lv ? lv : "?",
                                r->tls ? "the address of _Thread_local '" : "", r->what,
                                r->tls ? "'" : "()", when));
    free(lv);
    if (r->call) {
      int cl, fl;
      const char *callee = hd__async_shown(cx, r->call->callee, &cl);
      const char *caller = hd__async_shown(cx, r->caller->key, &fl);
      hd__finding_note(fd, r->call->loc,
                       hd__strf("'%.*s' called here by '%.*s' with the frame%s", cl, callee, fl,
                                caller,
                                r->in_frame_fn ? "; an await follows" : ", before the spawn"));
    }
  } else {
    const hd__lock *l = &r->lfn->locks[r->lock];
    char fam[64];
    family_name(l, fam, sizeof fam);
    int len;
    const char *fn = hd__async_shown(cx, r->lfn->key, &len);
    hd__finding_note(fd, r->acquire,
                     hd__strf("lock '%s' (%s) acquired here by '%.*s'", l->display, fam, len, fn));
    hd__finding_note(fd, r->await,
                     hd__strf("await while '%s' is held: the task may resume on another worker, "
                              "which then unlocks a lock it does not own",
                              l->display));
  }
  free(at);
}

static int check_spawn(const hd__check_ctx *cx, int rule, hd__function *fn, int n,
                       hd__findings *out) {
  const hd__node *nd = &fn->nodes[n];
  const hd__spawn_frame *sf = nd->spawn;
  if (sf->trusted)
    return 0;
  reasons rs = {.n = 0};
  for (int i = 0; i < sf->nitems; i++)
    if (sf->items[i].why)
      add_reason(&rs, (reason){.kind = R_TYPE, .path = sf->items[i].path, .item = &sf->items[i]});
  /* the spawner's stores into the frame before the spawn */
  if (sf->obj)
    stores(cx, sf, fn, sf->obj, "", n, &rs);
  /* the frame's async function and those of the child frames it embeds */
  for (int i = -1; i < sf->nitems; i++) {
    const char *type = i < 0 ? sf->type : sf->items[i].record;
    hd__function *pf = type ? poll_of(cx, type, sf->tu) : NULL;
    if (!pf)
      continue;
    const char *base = i < 0 ? "" : sf->items[i].path;
    stores(cx, sf, pf, "(*$0)", base, -1, &rs);
    int rc = frame_fn_lock(cx, pf, base, &rs);
    if (rc < 0)
      return rc;
  }
  if (rs.n == 0)
    return 0;
  char *first = summary(cx, sf->type, &rs.v[0]);
  int extra = rs.n - 1 + rs.more;
  char *msg = hd__strf("future '%s' spawned on the multi-thread executor holds non-Send data: %s%s",
                       sf->type, first ? first : "?",
                       extra == 0   ? ""
                       : extra == 1 ? " (and 1 more)"
                                    : " (and more)");
  free(first);
  if (!msg)
    return HD_ENOMEM;
  hd__finding *fd = hd__findings_add(out, rule, nd->loc, msg);
  if (!fd)
    return HD_ENOMEM;
  int cl;
  const char *callee = hd__async_shown(cx, nd->callee, &cl);
  hd__finding_note(fd, nd->loc,
                   hd__strf("'%s' handed to '%.*s': any worker may poll it, and it may move "
                            "between workers at every await",
                            sf->type, cl, callee));
  for (int i = 0; i < rs.n; i++)
    note_reason(cx, fd, sf, &rs.v[i]);
  return 0;
}

int hd__check_non_send_spawn(const hd__check_ctx *cx, int rule, hd__findings *out) {
  for (int i = 0; i < hd__program_count(cx->prog); i++) {
    hd__function *fn = hd__program_at(cx->prog, i);
    for (int n = 0; n < fn->nnodes; n++) {
      const hd__node *nd = &fn->nodes[n];
      if (nd->ev != HD__EV_CALL || !nd->spawn || !nd->api || nd->api->role != HD__ROLE_SPAWN ||
          nd->api->spawn != HD__SPAWN_MULTI)
        continue;
      int rc = check_spawn(cx, rule, fn, n, out);
      if (rc < 0)
        return rc;
    }
  }
  return 0;
}
