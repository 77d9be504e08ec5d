/* checks/block_on_in_async.c - rule block-on-in-async.
 *
 * hd_block_on (pack role block_on: the name in rules/heddle.yaml, or the
 * HD_BLOCK_ON annotation) called in async code, or reached through sync
 * helpers: reported at the call in the async function, with the chain down
 * to hd_block_on as notes (see async_code.h). The branch of a helper under
 * `hd_runtime_current() == NULL` (pack role runtime_current) never runs as
 * async code and does not count. */
#include "checks/async_code.h"

static char *message(int cl, const char *callee, int ll, const char *last, int fl, const char *fn) {
  if (!last)
    return hd__strf("'%.*s' runs an executor to completion inside async function '%.*s'", cl,
                    callee, fl, fn);
  return hd__strf("'%.*s' runs '%.*s', reached from async function '%.*s'", cl, callee, ll, last,
                  fl, fn);
}

int hd__check_block_on_in_async(const hd__check_ctx *cx, int rule, hd__findings *out) {
  static const hd__async_rule r = {HD__ROLE_BLOCK_ON, message};
  return hd__async_calls_check(cx, rule, &r, out);
}
