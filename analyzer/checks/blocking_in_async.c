/* checks/blocking_in_async.c - rule blocking-in-async.
 *
 * A call of a pack `blocking` function (rules/posix.yaml's libc list,
 * HD_BLOCKING annotations) in async code, or of a sync helper whose summary
 * says it reaches one: reported at the call in the async function, with
 * the chain of calls down to the blocking function as notes (see
 * async_code.h). hd_block_on has role block_on and is left to
 * block-on-in-async. pthread_mutex_lock is a lock, not a blocking call:
 * holding it across an await is lock-across-await's business. */
#include "checks/async_code.h"

static char *message(int cl, const char *callee, int ll, const char *last, int fl, const char *fn) {
  if (!last)
    return hd__strf("'%.*s' blocks the worker thread in async function '%.*s'", cl, callee, fl, fn);
  return hd__strf("'%.*s' may block the worker thread (it calls '%.*s')", cl, callee, ll, last);
}

int hd__check_blocking_in_async(const hd__check_ctx *cx, int rule, hd__findings *out) {
  static const hd__async_rule r = {HD__ROLE_BLOCKING, message};
  return hd__async_calls_check(cx, rule, &r, out);
}
