/* checks/async_code.h - calls that must not be reached from async code.
 *
 * Shared by blocking-in-async (pack role `blocking`) and block-on-in-async
 * (role `block_on`). Async code is the body of an async function: one that
 * awaits (an HD_ASYNC poll function, or a stackful coroutine body, whose
 * summary may await) or an HD_ASYNC poll function by name (the pack's poll
 * suffix). Within it only the nodes that may run with a runtime count
 * (hd__runtime_reach: not under `hd_runtime_current() == NULL`).
 *
 * A finding is reported at each such node that calls a function with the
 * role (direct), or a sync callee whose summary reaches one (hd__reach,
 * bottom-up over the call graph); the notes follow the summaries' chain
 * down to the call of the role's function. Functions handed to
 * hd_spawn_blocking or pthread_create are passed, not called, and so are
 * never on a chain. */
#ifndef HEDDLE_ANALYZER_ASYNC_CODE_H
#define HEDDLE_ANALYZER_ASYNC_CODE_H

#include "checks/registry.h"

/* How one rule words its findings: the message for a call of `callee` in
 * async function `fn`; `last` is the role's function at the end of the
 * chain, NULL when callee is that function itself. Names are (length,
 * text) pairs; returns a malloc'd string (NULL when out of memory). */
typedef struct hd__async_rule {
  hd__role role;
  char *(*message)(int cl, const char *callee, int ll, const char *last, int fl, const char *fn);
} hd__async_rule;

/* True when fn is async code (see above). */
bool hd__async_fn(const hd__check_ctx *cx, const hd__function *fn);
/* The printable name of function key `key` (no "file:" prefix, no poll
 * suffix): *len bytes of the result. */
const char *hd__async_shown(const hd__check_ctx *cx, const char *key, int *len);
/* Runs rule `rule` as described by r over the whole program. Returns 0 or
 * HD_ENOMEM. */
int hd__async_calls_check(const hd__check_ctx *cx, int rule, const hd__async_rule *r,
                          hd__findings *out);

#endif
