/* checks/async_code.c - calls that must not be reached from async code
 * (see async_code.h). */
#include "checks/async_code.h"

#include <stdlib.h>
#include <string.h>

#include "heddle/error.h"

/* Chains longer than this are cut (recursion through sync helpers). */
#define MAX_CHAIN 32

const char *hd__async_shown(const hd__check_ctx *cx, const char *key, int *len) {
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

bool hd__async_fn(const hd__check_ctx *cx, const hd__function *fn) {
  const hd__summary *s = hd__summary_of(cx->sums, fn->key);
  if (s && s->may_await)
    return true;
  for (int i = 0; i < fn->nnodes; i++)
    if (fn->nodes[i].ev == HD__EV_AWAIT)
      return true;
  const char *suffix = hd__model_poll_suffix(cx->model);
  size_t n = strlen(fn->name), sl = suffix ? strlen(suffix) : 0;
  return sl && n > sl && strcmp(fn->name + n - sl, suffix) == 0;
}

static const hd__reach *reach_of(const hd__summary *s, hd__role role) {
  if (!s)
    return NULL;
  return role == HD__ROLE_BLOCK_ON ? &s->blocks_on : &s->blocks;
}

/* Reports call node n of async function fn (a sync callee reaching the
 * role, or a direct call of a function with it). */
static int report(const hd__check_ctx *cx, int rule, const hd__async_rule *r,
                  const hd__function *fn, const hd__node *n, bool direct, hd__findings *out) {
  int fl, cl;
  const char *fname = hd__async_shown(cx, fn->key, &fl);
  const char *callee = hd__async_shown(cx, n->callee, &cl);
  if (direct)
    return hd__findings_add(out, rule, n->loc, r->message(cl, callee, 0, NULL, fl, fname))
               ? 0
               : HD_ENOMEM;
  /* the chain: each helper's first call on the way down */
  hd__note chain[MAX_CHAIN];
  int nchain = 0;
  const char *via = n->callee, *last = NULL;
  while (nchain < MAX_CHAIN) {
    const hd__reach *rc = reach_of(hd__summary_of(cx->sums, via), r->role);
    if (!rc || !rc->yes)
      break;
    chain[nchain++] = (hd__note){rc->loc, (char *)rc->via};
    if (rc->direct) {
      last = rc->via;
      break;
    }
    via = rc->via;
  }
  int ll;
  const char *lname = hd__async_shown(cx, last, &ll);
  hd__finding *fd =
      hd__findings_add(out, rule, n->loc, r->message(cl, callee, ll, lname, fl, fname));
  if (!fd)
    return HD_ENOMEM;
  /* the codeFlow: the call in the async function, then the chain */
  hd__finding_step(fd, n->loc,
                   hd__strf("'%.*s' called in async function '%.*s'", cl, callee, fl, fname));
  for (int i = 0; i < nchain; i++) {
    int len;
    const char *name = hd__async_shown(cx, chain[i].msg, &len);
    hd__finding_note(fd, chain[i].loc, hd__strf("'%.*s' called here", len, name));
    hd__finding_step(fd, chain[i].loc, hd__strf("'%.*s' called here", len, name));
  }
  return 0;
}

static int check_function(const hd__check_ctx *cx, int rule, const hd__async_rule *r,
                          const hd__function *fn, hd__findings *out) {
  if (!hd__async_fn(cx, fn))
    return 0;
  bool *reach = hd__runtime_reach(fn);
  if (!reach)
    return HD_ENOMEM;
  int rc = 0;
  for (int i = 0; rc == 0 && i < fn->nnodes; i++) {
    const hd__node *n = &fn->nodes[i];
    if (!reach[i] || n->ev != HD__EV_CALL)
      continue;
    if (n->api && n->api->role == r->role) {
      rc = report(cx, rule, r, fn, n, true, out);
      continue;
    }
    const hd__summary *cs = hd__summary_of(cx->sums, n->callee);
    const hd__reach *cr = reach_of(cs, r->role);
    if (cr && cr->yes && !cs->may_await)
      rc = report(cx, rule, r, fn, n, false, out);
  }
  free(reach);
  return rc;
}

int hd__async_calls_check(const hd__check_ctx *cx, int rule, const hd__async_rule *r,
                          hd__findings *out) {
  for (int i = 0; i < hd__program_count(cx->prog); i++) {
    int rc = check_function(cx, rule, r, hd__program_at(cx->prog, i), out);
    if (rc < 0)
      return rc;
  }
  return 0;
}
