/* checks/cancel_unsafe_select.c - rule cancel-unsafe-select.
 *
 * A cancelling position is a CALL of a pack `cancelling` function (the
 * HD_CANCELS_CHILD annotation: hd_select_init, hd_timeout_init;
 * hd_join_handle_abort and hd_future_drop by name). Its branches are the
 * futures its branch arguments refer to (ir/ir.h hd__futref: `&x.hd`, `&x`,
 * a constructor call, the elements of HD_SELECT's compound-literal array);
 * without branch_args, every future argument but the combinator's own
 * (argument 1 of a constructor). A branch argument that refers to no future
 * is a join handle: its future is the one spawned where the handle was
 * assigned (`h = hd_spawn(&t.hd)`, hd__node.result_to). hd_future_drop in a
 * drop hook (hd__function.drop_hook) is not a position: the owner is being
 * cancelled itself.
 *
 * The verdict on a future x at position P: the constructors of x in the
 * function that reach P (none in between), each judged by, in order,
 *   1. the constructor's pack entry (HD_CANCEL_SAFE / HD_CANCEL_UNSAFE on
 *      it: the runtime's primitives, an annotated user T_init);
 *   2. the annotation on x's type (an HD_ASYNC_FN_ANNOTATED frame, a
 *      hand-written future such as hd_by_ref);
 *   3. the futures the constructor takes (hd_timeout, hd_join_all, a
 *      select as a branch: as unsafe as their worst child);
 *   4. inference for an async function (poll function T + poll suffix): it
 *      is unsafe when it awaits an unsafe future, judged the same way, so
 *      transitively through awaited async functions; computed bottom-up
 *      (memoised per function, recursion assumed safe).
 * Without a constructor in the function the type decides (2, then 4).
 * Anything else is safe (hand-written futures without annotation).
 *
 * Level: error when the unsafe future's constructor and P lie on one cycle
 * of the CFG (the future is re-created on each iteration of a loop around
 * the select), warning otherwise. Primary location: P (HD_AWAIT of the
 * combinator, the abort or drop call); notes: where the future is created,
 * each step of the chain, the fix. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/registry.h"
#include "heddle/error.h"

#define MAX_CHAIN 8
#define MAX_DEPTH 8

/* Why a future is cancel-unsafe: name[0] is the future, name[k + 1] what
 * name[k] awaits (or wraps), at[k] where. */
typedef struct verdict {
  bool unsafe;
  int ctor; /* the constructor node in the function at hand, or -1 */
  int n;
  const char *name[MAX_CHAIN];
  hd__loc at[MAX_CHAIN];
} verdict;

typedef struct memo {
  char state; /* 0 not computed, 1 in progress, 2 done */
  verdict v;
} memo;

typedef struct ctx {
  const hd__check_ctx *cx;
  memo *fns; /* per program function index */
  const char *suffix;
} ctx;

/* Interned s without its "file:" prefix and without the suffix `cut`
 * (the poll suffix, "_init") when it ends with it. */
static const char *bare(const ctx *c, const char *s, const char *cut) {
  if (!s)
    return NULL;
  const char *colon = strrchr(s, ':');
  if (colon)
    s = colon + 1;
  size_t n = strlen(s), k = cut ? strlen(cut) : 0;
  if (!k || n <= k || strcmp(s + n - k, cut) != 0)
    return s;
  char *t = hd__strf("%.*s", (int)(n - k), s);
  const char *out = t ? hd__program_intern(c->cx->prog, t) : NULL;
  free(t);
  return out;
}

/* Prepends name/at to v's chain. */
static void chain_push(verdict *v, const char *name, hd__loc at) {
  if (v->n == MAX_CHAIN)
    v->n--;
  memmove(v->name + 1, v->name, sizeof v->name[0] * (size_t)v->n);
  memmove(v->at + 1, v->at, sizeof v->at[0] * (size_t)v->n);
  v->name[0] = name;
  v->at[0] = at;
  v->n++;
}

static int fn_by_name(const ctx *c, const char *name) {
  for (int i = 0; name && i < hd__program_count(c->cx->prog); i++)
    if (strcmp(hd__program_at(c->cx->prog, i)->name, name) == 0)
      return i;
  return -1;
}

static verdict judge_poll(ctx *c, const char *poll, int depth);
static verdict judge_ctor(ctx *c, const hd__function *fn, int k, int depth);

/* The verdict for a future of record type `type` (annotation `safety`)
 * with no constructor to look at. */
static verdict judge_type(ctx *c, const char *type, hd__safety safety, int depth) {
  verdict v = {.ctor = -1};
  if (!type || safety == HD__SAFETY_SAFE)
    return v;
  if (safety == HD__SAFETY_UNSAFE) {
    v.unsafe = true;
    v.name[0] = type;
    v.n = 1;
    return v;
  }
  if (!c->suffix)
    return v;
  char *poll = hd__strf("%s%s", type, c->suffix);
  if (poll)
    v = judge_poll(c, poll, depth + 1);
  free(poll);
  return v;
}

/* The future a CALL's futref refers to, judged at node p of fn. */
static verdict judge_ref(ctx *c, const hd__function *fn, int p, const hd__futref *r, int depth,
                         bool unfinished);

/* Constructor node k of fn (a CALL with ctor_obj). */
static verdict judge_ctor(ctx *c, const hd__function *fn, int k, int depth) {
  const hd__node *n = &fn->nodes[k];
  verdict v = {.ctor = k};
  if (depth > MAX_DEPTH)
    return v;
  const hd__futref *self = NULL;
  for (int i = 0; i < n->nfuts; i++)
    if (n->futs[i].arg == 0)
      self = &n->futs[i];
  const char *name = self && self->type ? self->type : bare(c, n->callee, "_init");
  if (n->api && n->api->role == HD__ROLE_FUTURE && n->api->cancel_safe != HD__SAFETY_UNKNOWN) {
    if (n->api->cancel_safe == HD__SAFETY_UNSAFE) {
      v.unsafe = true;
      v.name[0] = name;
      v.n = 1;
    }
    return v;
  }
  if (self && self->safety != HD__SAFETY_UNKNOWN) {
    v.unsafe = self->safety == HD__SAFETY_UNSAFE;
    v.name[0] = name;
    v.n = v.unsafe;
    return v;
  }
  for (int i = 0; i < n->nfuts; i++) {
    if (n->futs[i].arg == 0)
      continue;
    verdict w = judge_ref(c, fn, k, &n->futs[i], depth + 1, false);
    if (w.unsafe) {
      w.ctor = k;
      chain_push(&w, name, n->loc);
      return w;
    }
  }
  char *poll = self && self->type && c->suffix ? hd__strf("%s%s", self->type, c->suffix) : NULL;
  if (poll || n->child_name) {
    verdict w = judge_poll(c, poll ? poll : n->child_name, depth + 1);
    w.ctor = k;
    free(poll);
    return w;
  }
  return v;
}

/* Is CALL node n a constructor of the future at obj? (HD_ASYNC_INIT's
 * hd_future_init(&x->hd, ...) constructs x too.) */
static bool ctor_of(const hd__node *n, const char *obj) {
  if (n->ev != HD__EV_CALL || !n->ctor_obj)
    return false;
  if (n->ctor_obj == obj)
    return true;
  for (int i = 0; i < n->nfuts; i++)
    if (n->futs[i].arg == 0 && n->futs[i].obj == obj)
      return true;
  return false;
}

/* Is node n an await that completes the future at obj? */
static bool awaits(const hd__node *n, const char *obj) {
  return n->ev == HD__EV_AWAIT && n->nargs > 0 && n->args[0] == obj;
}

/* Can `to` be reached from `from` (after leaving it) without entering a
 * constructor of obj (obj NULL: any path), nor, when `unfinished`, an
 * await that completes it? */
static bool reaches(const hd__function *fn, int from, int to, const char *obj, bool unfinished) {
  bool *seen = calloc((size_t)fn->nnodes + 1, sizeof *seen);
  int *stack = malloc(sizeof *stack * ((size_t)fn->nnodes + 1));
  bool found = false;
  int sp = 0;
  if (!seen || !stack) {
    free(seen);
    free(stack);
    return false;
  }
  for (int i = 0; i < fn->nodes[from].nsucc; i++)
    if (!seen[fn->nodes[from].succ[i]]) {
      seen[fn->nodes[from].succ[i]] = true;
      stack[sp++] = fn->nodes[from].succ[i];
    }
  while (sp > 0 && !found) {
    int m = stack[--sp];
    if (m == to) {
      found = true;
      break;
    }
    const hd__node *nd = &fn->nodes[m];
    if (obj && (ctor_of(nd, obj) || (unfinished && awaits(nd, obj))))
      continue;
    for (int i = 0; i < nd->nsucc; i++)
      if (!seen[nd->succ[i]]) {
        seen[nd->succ[i]] = true;
        stack[sp++] = nd->succ[i];
      }
  }
  free(seen);
  free(stack);
  return found;
}

/* The future r refers to at node p of fn: judged by its constructors
 * that reach p (with `unfinished`, by a path that does not await it to
 * completion), or by its type when the function constructs none. */
static verdict judge_ref(ctx *c, const hd__function *fn, int p, const hd__futref *r, int depth,
                         bool unfinished) {
  verdict v = {.ctor = -1};
  if (depth > MAX_DEPTH)
    return v;
  bool any = false;
  for (int k = 0; k < fn->nnodes; k++) {
    const hd__node *n = &fn->nodes[k];
    if (k == p || !ctor_of(n, r->obj))
      continue;
    if (!reaches(fn, k, p, r->obj, false))
      continue;
    any = true;
    if (unfinished && !reaches(fn, k, p, r->obj, true))
      continue;
    any = true;
    verdict w = judge_ctor(c, fn, k, depth);
    if (w.unsafe)
      return w;
  }
  if (any)
    return v;
  return judge_type(c, r->type, r->safety, depth);
}

/* The await node a's constructor: the CALL just before it on its line
 * whose frame poll function it awaits (ir/build.c link_child). */
static int await_ctor(const hd__function *fn, int a) {
  const hd__node *an = &fn->nodes[a];
  for (int i = a - 1; i > 0; i--) {
    const hd__node *n = &fn->nodes[i];
    if (n->loc.line != an->loc.line || n->loc.file != an->loc.file)
      break;
    if (n->ev == HD__EV_CALL && n->ctor_obj && n->child_name == an->child_name)
      return i;
  }
  return -1;
}

/* An async function's poll function: unsafe when it awaits an unsafe
 * future (memoised; a recursive cycle counts as safe). */
static verdict judge_poll(ctx *c, const char *poll, int depth) {
  verdict none = {.ctor = -1};
  int i = fn_by_name(c, poll);
  if (i < 0 || depth > MAX_DEPTH)
    return none;
  memo *m = &c->fns[i];
  if (m->state == 2)
    return m->v;
  if (m->state == 1)
    return none;
  m->state = 1;
  const hd__function *fn = hd__program_at(c->cx->prog, i);
  verdict v = none;
  for (int a = 0; a < fn->nnodes && !v.unsafe; a++) {
    const hd__node *an = &fn->nodes[a];
    if (an->ev != HD__EV_AWAIT || !an->child_name)
      continue;
    int k = await_ctor(fn, a);
    verdict w = k >= 0 ? judge_ctor(c, fn, k, depth + 1) : judge_poll(c, an->child_name, depth + 1);
    if (w.unsafe) {
      v = w;
      chain_push(&v, bare(c, fn->name, c->suffix), an->loc);
    }
  }
  v.ctor = -1;
  m->v = v;
  m->state = 2;
  return v;
}

/* ---- reporting ---------------------------------------------------------- */

static const char *const kind_what[] = {"a select branch", "the inner future of a timeout",
                                        "the future of an aborted task",
                                        "dropped by hd_future_drop, maybe unfinished"};
enum { POS_COMBINATOR, POS_TIMEOUT, POS_ABORT, POS_DROP };

static int report(ctx *c, int rule, const hd__function *fn, int p, int kind, const verdict *v,
                  hd__findings *out) {
  const hd__node *pn = &fn->nodes[p];
  /* the classic bug: a combinator in a loop that re-creates its branch */
  bool loop = (kind == POS_COMBINATOR || kind == POS_TIMEOUT) && v->ctor >= 0 &&
              reaches(fn, p, v->ctor, NULL, false) && reaches(fn, v->ctor, p, NULL, false);
  const char *pos = kind == POS_ABORT  ? "abort"
                    : kind == POS_DROP ? "hd_future_drop"
                                       : bare(c, pn->callee, "_init");
  if (pos && strncmp(pos, "hd_", 3) == 0 && kind != POS_DROP)
    pos += 3;
  char chain[512];
  size_t len = (size_t)snprintf(chain, sizeof chain, "%s", pos ? pos : "?");
  for (int i = 0; i < v->n && len < sizeof chain; i++)
    len += (size_t)snprintf(chain + len, sizeof chain - len, " -> %s", v->name[i]);
  const char *what = kind == POS_COMBINATOR && strstr(pos ? pos : "", "select") == NULL
                         ? "a branch of a cancelling combinator"
                         : kind_what[kind];
  const char *when = kind == POS_ABORT     ? "when the task is aborted mid-way"
                     : kind == POS_DROP    ? "if it has started"
                     : kind == POS_TIMEOUT ? "when the deadline passes first"
                                           : "when another branch wins";
  const char *leaf = v->name[v->n - 1];
  const char *lost, *alt;
  if (strstr(leaf, "read")) {
    lost = "the bytes it has consumed are lost and the stream is out of step";
    alt = "read through the framed reader (hd_read_frame is cancel-safe)";
  } else if (strstr(leaf, "send")) {
    lost = "its message is never delivered";
    alt = "reserve a slot first with hd_mpsc_reserve (cancel-safe) and send through the permit";
  } else if (strstr(leaf, "write")) {
    lost = "what it has written is left half-sent and a retry sends it twice";
    alt = "write with hd_write and keep the offset in the frame";
  } else {
    lost = "the progress it has made is lost";
    alt = "use a cancel-safe future";
  }
  char *msg;
  if (kind == POS_ABORT)
    msg = hd__strf("cancel-unsafe future '%s' is %s (%s): %s, %s; fix: stop the task at a safe "
                   "point instead (a channel or hd_notify it selects on)",
                   v->name[0], what, chain, when, lost);
  else if (loop)
    msg = hd__strf("cancel-unsafe future '%s' is %s, re-created on every loop iteration (%s): "
                   "%s, %s; fix: create the future once outside the loop and select on "
                   "hd_by_ref(&fut), or %s",
                   v->name[0], what, chain, when, lost, alt);
  else if (kind == POS_DROP)
    msg = hd__strf("cancel-unsafe future '%s' is %s (%s): %s, %s; fix: poll it to completion "
                   "before dropping it, or %s",
                   v->name[0], what, chain, when, lost, alt);
  else
    msg = hd__strf("cancel-unsafe future '%s' is %s (%s): %s, %s; fix: %s, or keep the future "
                   "out of the combinator (poll it through hd_by_ref) and finish it",
                   v->name[0], what, chain, when, lost, alt);
  hd__finding *fd = hd__findings_add(out, rule, pn->loc, msg);
  if (!fd)
    return HD_ENOMEM;
  fd->level = loop ? "error" : "warning";
  if (v->ctor >= 0)
    hd__finding_note(fd, fn->nodes[v->ctor].loc,
                     hd__strf(kind == POS_ABORT ? "the task is spawned here"
                              : loop            ? "created here, inside the loop"
                                                : "created here"));
  for (int i = 0; i + 1 < v->n; i++)
    if (v->at[i].file)
      hd__finding_note(fd, v->at[i],
                       hd__strf("'%s' awaits '%s'%s", v->name[i], v->name[i + 1],
                                i + 2 == v->n ? " (not cancel-safe)" : ""));
  hd__finding_note(fd, pn->loc,
                   hd__strf(kind == POS_ABORT  ? "the task is aborted here"
                            : kind == POS_DROP ? "dropped here"
                                               : "it is dropped here unfinished when it loses"));
  return 0;
}

/* The spawned future a join handle (canonical text h) came from in fn. */
static const hd__futref *spawned(const hd__function *fn, const char *h, int *at) {
  for (int k = 0; h && k < fn->nnodes; k++) {
    const hd__node *n = &fn->nodes[k];
    if (n->ev != HD__EV_CALL || !n->api || n->api->role != HD__ROLE_SPAWN || n->result_to != h)
      continue;
    for (int i = 0; i < n->nfuts; i++)
      if (n->futs[i].arg == (int)n->api->future_arg - 1) {
        *at = k;
        return &n->futs[i];
      }
  }
  return NULL;
}

static bool is_branch_arg(const hd__api_fn *api, const hd__node *n, int arg) {
  if (api->branch_args_count == 0)
    return !(n->ctor_obj && arg == 0);
  for (unsigned i = 0; i < api->branch_args_count; i++)
    if ((int)api->branch_args[i] - 1 == arg)
      return true;
  return false;
}

static int check_position(ctx *c, int rule, const hd__function *fn, int p, hd__findings *out) {
  const hd__node *n = &fn->nodes[p];
  const hd__api_fn *api = n->api;
  for (int arg = 0; arg < n->nargs; arg++) {
    if (!is_branch_arg(api, n, arg))
      continue;
    bool ref = false;
    for (int i = 0; i < n->nfuts; i++) {
      if (n->futs[i].arg != arg)
        continue;
      ref = true;
      if (!n->ctor_obj && fn->drop_hook)
        continue; /* a drop hook dropping its frame's children */
      verdict v = judge_ref(c, fn, p, &n->futs[i], 0, !n->ctor_obj);
      if (!v.unsafe)
        continue;
      int kind = !n->ctor_obj                  ? POS_DROP
                 : api->branch_args_count == 1 ? POS_TIMEOUT
                                               : POS_COMBINATOR;
      int rc = report(c, rule, fn, p, kind, &v, out);
      if (rc < 0)
        return rc;
    }
    int k = -1;
    const hd__futref *t = ref ? NULL : spawned(fn, n->args[arg], &k);
    if (!t)
      continue;
    verdict v = judge_ref(c, fn, k, t, 0, false);
    v.ctor = k;
    if (v.unsafe) {
      int rc = report(c, rule, fn, p, POS_ABORT, &v, out);
      if (rc < 0)
        return rc;
    }
  }
  return 0;
}

int hd__check_cancel_unsafe_select(const hd__check_ctx *cx, int rule, hd__findings *out) {
  ctx c = {cx, calloc((size_t)hd__program_count(cx->prog) + 1, sizeof(memo)),
           hd__model_poll_suffix(cx->model)};
  if (!c.fns)
    return HD_ENOMEM;
  int rc = 0;
  for (int i = 0; rc == 0 && i < hd__program_count(cx->prog); i++) {
    const hd__function *fn = hd__program_at(cx->prog, i);
    for (int k = 0; rc == 0 && k < fn->nnodes; k++) {
      const hd__node *n = &fn->nodes[k];
      if (n->ev == HD__EV_CALL && n->api && n->api->role == HD__ROLE_CANCELLING)
        rc = check_position(&c, rule, fn, k, out);
    }
  }
  free(c.fns);
  return rc;
}
