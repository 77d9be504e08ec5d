/* checks/lock_across_await.c - rule lock-across-await.
 *
 * Walks each function's lock states (summary/summary.h) and reports every
 * (await, lock) pair where a lock of a non-async family may be held on
 * entry to an await node, or to a call of a function whose summary may
 * await. The primary location is the await (or the call); the witness path
 * gives the notes: where the lock was taken (directly, by a successful try,
 * or inside a callee) and the await. The witness is the feasible path the
 * feasibility search found (feasibility/witness.h) or, when it could not
 * decide, the exploration's parent chain to the state. A lock of an
 * async family (the runtime's async mutex) never enters a lock state, so
 * its guard may live across awaits. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "checks/registry.h"
#include "feasibility/witness.h"
#include "heddle/error.h"
#include "ir/lockid.h"

typedef struct reported {
  int node, lock;
} reported;

static uint64_t bit(int i) {
  return (uint64_t)1 << i;
}

/* Length of the printable name of a function key: no "file:" prefix and,
 * for an async function's poll function, no poll suffix. */
static const char *shown_name(const hd__check_ctx *cx, const char *key, int *len) {
  if (!key) {
    *len = 1;
    return "?";
  }
  const char *colon = strrchr(key, ':');
  const char *name = colon ? colon + 1 : key;
  const char *suffix = hd__model_poll_suffix(cx->model);
  size_t n = strlen(name), sl = suffix ? strlen(suffix) : 0;
  if (sl && n > sl && strcmp(name + n - sl, suffix) == 0)
    n -= sl;
  *len = (int)n;
  return name;
}

/* The family as messages say it: "pthread_mutex" -> "pthread mutex". */
static void family_name(const hd__lock *l, char *buf, size_t size) {
  snprintf(buf, size, "%s", l->family ? l->family->name : "lock");
  for (char *p = buf; *p; p++)
    if (*p == '_')
      *p = ' ';
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

/* Position on path of the last state whose node set `lock`, or -1. */
static int acquiring_step(const hd__lflow *f, const int *path, int npath, int lock) {
  for (int i = npath - 2; i >= 0; i--)
    if ((f->v[path[i + 1]].held & bit(lock)) && !(f->v[path[i]].held & bit(lock)))
      return i;
  return -1;
}

/* Notes for the place the lock was taken. */
static void note_acquire(const hd__check_ctx *cx, hd__function *fn, hd__finding *fd,
                         const hd__node *an, const hd__lock *l, int lock) {
  if (an->ev == HD__EV_ACQUIRE) {
    if (an->via)
      hd__finding_note(fd, an->loc,
                       hd__strf("lock '%s' acquired here (%s succeeded)", l->display, an->via));
    else
      hd__finding_note(fd, an->loc,
                       hd__strf("lock '%s' acquired here%s", l->display,
                                an->mode == HD__MODE_SHARED ? " (shared)" : ""));
    return;
  }
  int cl;
  const char *callee = shown_name(cx, an->callee, &cl);
  if (an->ev == HD__EV_AWAIT)
    hd__finding_note(
        fd, an->loc,
        hd__strf("lock '%s' acquired by the awaited '%.*s', which completes holding it", l->display,
                 cl, callee));
  else
    hd__finding_note(fd, an->loc,
                     hd__strf("lock '%s' acquired in call to '%.*s', which returns holding it",
                              l->display, cl, callee));
  const hd__summary *cs = hd__summary_of_node(cx->sums, an);
  for (int i = 0; cs && i < cs->nacquires; i++)
    if (hd__lockflow_callee_lock(cx->prog, fn, an, cs->acquires[i].id, cs->acquires[i].family) ==
        lock)
      hd__finding_note(fd, cs->acquires[i].loc, hd__strf("'%.*s' takes the lock here", cl, callee));
}

/* The most branch decisions a witness lists (the last ones before the
 * await are kept). */
#define MAX_STEPS 32

/* The witness path (state indices, entry first) step by step, in path
 * order: each branch taken ("condition is true") and the acquire notes
 * where the lock was taken (on leaving path[ai]), then the await notes. */
static void add_flow(hd__function *fn, hd__finding *fd, const hd__lflow *f, const int *path,
                     int npath, int ai, int acquire_notes) {
  int steps[MAX_STEPS], n = 0; /* positions on path entered through a
                                  branch, or -1 for the acquisition; newest
                                  first */
  for (int i = npath - 1; i > 0 && n < MAX_STEPS; i--) {
    const hd__node *p = &fn->nodes[f->v[path[i - 1]].node];
    if (p->ev == HD__EV_BRANCH && p->nsucc == 2)
      steps[n++] = i;
    if (i - 1 == ai && n < MAX_STEPS)
      steps[n++] = -1;
  }
  bool acquired = false;
  for (int i = n - 1; i >= 0; i--) {
    if (steps[i] < 0) {
      for (int k = 0; k < acquire_notes && k < fd->nnotes; k++)
        hd__finding_step(fd, fd->notes[k].loc, hd__strf("%s", fd->notes[k].msg));
      acquired = true;
      continue;
    }
    const hd__lstate *st = &f->v[path[steps[i]]];
    const hd__node *p = &fn->nodes[f->v[path[steps[i] - 1]].node];
    hd__finding_step(fd, p->loc,
                     hd__strf("condition is %s", p->succ[0] == st->node ? "true" : "false"));
  }
  for (int k = acquired ? acquire_notes : 0; k < fd->nnotes; k++)
    hd__finding_step(fd, fd->notes[k].loc, hd__strf("%s", fd->notes[k].msg));
}

/* Reports the lock held at the last state of path (the witness, state
 * indices from the entry). */
static int report(const hd__check_ctx *cx, int rule, hd__function *fn, const hd__lflow *f,
                  const int *path, int npath, int lock, const hd__summary *callee_sum,
                  hd__findings *out) {
  const hd__node *n = &fn->nodes[f->v[path[npath - 1]].node];
  const hd__lock *l = &fn->locks[lock];
  const char *mode = "";
  int ai = acquiring_step(f, path, npath, lock);
  const hd__node *an = ai >= 0 ? &fn->nodes[f->v[path[ai]].node] : NULL;
  if (an && an->ev == HD__EV_ACQUIRE && an->mode == HD__MODE_SHARED)
    mode = ", shared";
  char *msg;
  char fam[64];
  family_name(l, fam, sizeof fam);
  int cl;
  const char *callee = shown_name(cx, n->callee, &cl);
  if (callee_sum)
    msg = hd__strf("lock '%s' (%s%s) is held across a call to '%.*s', which may await", l->display,
                   fam, mode, cl, callee);
  else
    msg = hd__strf("lock '%s' (%s%s) is held across an await", l->display, fam, mode);
  hd__finding *fd = hd__findings_add(out, rule, n->loc, msg);
  if (!fd)
    return HD_ENOMEM;
  if (an)
    note_acquire(cx, fn, fd, an, l, lock);
  int acquire_notes = fd->nnotes;
  if (callee_sum) {
    hd__finding_note(fd, n->loc,
                     hd__strf("call to '%.*s' while '%s' is held", cl, callee, l->display));
    hd__finding_note(fd, callee_sum->await_loc, hd__strf("'%.*s' may suspend here", cl, callee));
  } else {
    hd__finding_note(fd, n->loc, hd__strf("await while '%s' is held", l->display));
    const hd__summary *child = hd__summary_of_node(cx->sums, n);
    if (child && child->may_await) {
      int len;
      const char *name = shown_name(cx, n->child_name, &len);
      hd__finding_note(fd, child->await_loc,
                       hd__strf("the awaited '%.*s' may suspend here", len, name));
    }
  }
  add_flow(fn, fd, f, path, npath, ai, acquire_notes);
  return 0;
}

static int check_function(const hd__check_ctx *cx, int rule, hd__function *fn, hd__findings *out) {
  hd__lflow f;
  int rc = hd__lockflow_run(cx->prog, fn, cx->sums, &f);
  if (rc < 0)
    return rc;
  reported *done = NULL;
  int ndone = 0;
  for (int q = 0; rc == 0 && q < f.n; q++) {
    const hd__node *n = &fn->nodes[f.v[q].node];
    const hd__summary *cs = NULL;
    if (n->ev == HD__EV_CALL) {
      cs = hd__summary_of_node(cx->sums, n);
      if (!cs || !cs->may_await)
        continue;
    } else if (n->ev != HD__EV_AWAIT) {
      continue;
    }
    for (int i = 0; rc == 0 && i < fn->nlocks && i < 64; i++) {
      const hd__lock *l = &fn->locks[i];
      if (!(f.v[q].held & bit(i)) || !l->family || l->family->kind == HD__LOCK_ASYNC)
        continue;
      bool seen = false;
      for (int d = 0; d < ndone; d++)
        seen |= done[d].node == f.v[q].node && done[d].lock == i;
      if (seen)
        continue;
      reported *g = realloc(done, sizeof *g * (size_t)(ndone + 1));
      if (!g) {
        rc = HD_ENOMEM;
        break;
      }
      done = g;
      done[ndone++] = (reported){f.v[q].node, i};
      hd__fsolver *z3 = hd__fsolver_thread();
      int *path = NULL, npath = 0;
      hd__fverdict v = z3 ? hd__witness_search(z3, cx->prog, fn, cx->sums, &f, f.v[q].node, bit(i),
                                               &path, &npath)
                          : HD__FUNKNOWN;
      if (v == HD__INFEASIBLE)
        continue; /* no run gets here holding it (feasibility/witness.h) */
      /* the feasible witness; undecided (UNKNOWN): the exploration's own */
      if (!path)
        path = parent_chain(&f, q, &npath);
      rc = path ? report(cx, rule, fn, &f, path, npath, i, cs, out) : HD_ENOMEM;
      free(path);
    }
  }
  free(done);
  hd__lflow_free(&f);
  return rc;
}

int hd__check_lock_across_await(const hd__check_ctx *cx, int rule, hd__findings *out) {
  for (int i = 0; i < hd__program_count(cx->prog); i++) {
    int rc = check_function(cx, rule, hd__program_at(cx->prog, i), out);
    if (rc < 0)
      return rc;
  }
  return 0;
}
