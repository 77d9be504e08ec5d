/* checks/future_never_awaited.c - rule future-never-awaited.
 *
 * A future constructor call (ir/ir.h: ctor_obj; `hd_sleep_init(&f->s, ..)`,
 * a user `T_init(&x, ...)`, HD_ASYNC_INIT) whose result is discarded or
 * kept only in a plain local, after which no path of the function uses the
 * future before the function ends or the same future is initialised again.
 * A use is a pointer leaving the code (hd__node.escapes: call arguments,
 * stored, assigned and returned pointers, `&x` anywhere) that denotes the
 * future, a part of it (`&x.hd`), an object containing it (a frame
 * returned or passed on, an array handed to hd_join_all), or the local
 * holding the result. Comparing that local (`if (fut == NULL)`) or reading
 * the future's output fields is not a use. Returning hands over what the
 * caller can reach: a future in global or static memory, and in a sync
 * function one behind a parameter (`setup(conn *c)` initialising c->timer
 * for its caller to await); in an async function the parameter is the
 * task's own frame, which nothing else polls.
 *
 * "Never", not "on some path": a future used on one path and dropped
 * unstarted on another (an error return) is ordinary C error handling and
 * is not reported, so no witness path needs feasibility. */
#include <stdlib.h>
#include <string.h>

#include "checks/async_code.h"
#include "checks/registry.h"
#include "heddle/error.h"
#include "ir/lockid.h"

/* x names obj, a part of it, or an object containing it. */
static bool related(const char *obj, const char *x) {
  size_t lo = strlen(obj), lx = strlen(x);
  if (lx >= lo && strncmp(obj, x, lo) == 0)
    return lx == lo || x[lo] == '.' || x[lo] == '[';
  if (lx < lo && strncmp(obj, x, lx) == 0)
    return obj[lx] == '.' || obj[lx] == '[';
  return false;
}

/* Does escaping pointer text u use the future obj (held in local)? A
 * pointer `&X` denotes X; any other pointer p denotes *p, and p itself
 * when it is an array that decayed. */
static bool is_use(const char *obj, const char *local, const char *u) {
  if (local && strcmp(u, local) == 0)
    return true;
  if (u[0] == '&')
    return related(obj, u + 1);
  if (related(obj, u))
    return true;
  char *pointee = hd__strf("(*%s)", u);
  bool yes = !pointee || related(obj, pointee); /* out of memory: do not report */
  free(pointee);
  return yes;
}

/* Length of the printable name of a function key (no "file:" prefix). */
static const char *plain_name(const char *key) {
  const char *colon = key ? strrchr(key, ':') : NULL;
  return colon ? colon + 1 : key ? key : "?";
}

/* The root of canonical pointer text p: '@' an automatic local, '$' a
 * parameter, anything else global or static memory. */
static char root_kind(const char *p) {
  if (*p == '&')
    p++;
  while (strncmp(p, "(*", 2) == 0)
    p += 2;
  return *p == '@' || *p == '$' ? *p : 'g';
}

static int check_ctor(const hd__check_ctx *cx, int rule, const hd__function *fn, int start,
                      hd__findings *out) {
  const hd__node *n = &fn->nodes[start];
  const char *obj_ptr = n->ctor_obj;
  char *obj = obj_ptr[0] == '&' ? strdup(obj_ptr + 1) : hd__strf("(*%s)", obj_ptr);
  bool *seen = calloc((size_t)fn->nnodes + 1, sizeof *seen);
  int *queue = malloc(sizeof *queue * ((size_t)fn->nnodes + 1));
  if (!obj || !seen || !queue) {
    free(obj);
    free(seen);
    free(queue);
    return HD_ENOMEM;
  }
  bool used = false;
  int ret = -1, reinit = -1, head = 0, tail = 0;
  seen[start] = true;
  queue[tail++] = start;
  while (head < tail && !used) {
    int m = queue[head++];
    const hd__node *nd = &fn->nodes[m];
    if (m != start && nd->ev == HD__EV_CALL && nd->ctor_obj == obj_ptr) {
      if (reinit < 0)
        reinit = m;
      continue; /* a new future from here on */
    }
    for (int i = 0; i < nd->nescapes && !used; i++)
      used = is_use(obj, n->ctor_local, nd->escapes[i]);
    for (int i = 0; i < nd->nsucc; i++) {
      int s = nd->succ[i];
      if (s == fn->exit && ret < 0)
        ret = m;
      if (!seen[s]) {
        seen[s] = true;
        queue[tail++] = s;
      }
    }
  }
  free(seen);
  free(queue);
  free(obj);
  char root = root_kind(obj_ptr);
  if (ret >= 0 && (root == 'g' || (root == '$' && !hd__async_fn(cx, fn))))
    used = true; /* the caller can reach it */
  if (used)
    return 0;
  char *shown = hd__lockid_pretty(obj_ptr, fn->params, fn->nparams);
  hd__finding *fd = hd__findings_add(
      out, rule, n->loc,
      hd__strf("future '%s' is initialised by '%s' but never awaited, polled, spawned, stored or "
               "returned; futures do nothing until polled",
               shown ? shown : obj_ptr, plain_name(n->callee)));
  free(shown);
  if (!fd)
    return HD_ENOMEM;
  if (ret >= 0 && fn->nodes[ret].loc.line != n->loc.line)
    hd__finding_note(fd, fn->nodes[ret].loc,
                     hd__strf("the function returns here without having used it"));
  if (reinit >= 0)
    hd__finding_note(fd, fn->nodes[reinit].loc,
                     hd__strf("initialised again here without having been used"));
  return 0;
}

int hd__check_future_never_awaited(const hd__check_ctx *cx, int rule, hd__findings *out) {
  for (int i = 0; i < hd__program_count(cx->prog); i++) {
    const hd__function *fn = hd__program_at(cx->prog, i);
    for (int k = 0; k < fn->nnodes; k++) {
      const hd__node *n = &fn->nodes[k];
      if (n->ev != HD__EV_CALL || !n->ctor_obj || !n->ctor_unused)
        continue;
      int rc = check_ctor(cx, rule, fn, k, out);
      if (rc < 0)
        return rc;
    }
  }
  return 0;
}
