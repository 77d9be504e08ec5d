/* A handler needs the result of another async function and drives it with
 * hd_block_on on the same runtime instead of awaiting it (tokio panics with
 * "Cannot start a runtime from within a runtime"). Bad: from a runtime thread
 * hd_block_on returns HD_EINVAL at best; on a worker it would block the
 * thread that should run the child. */
#include "heddle/heddle.h"

HD_ASYNC_FN(fetch_quota, int, int user; hd_sleep io;);
HD_ASYNC(fetch_quota, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_sleep_init(&f->io, 3));
  HD_RETURN(f, 100 + f->user);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(handle, int, hd_runtime *rt; int user; fetch_quota q; hd_yield y;);
HD_ASYNC(handle, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_yield_init(&f->y));
  HD_ASYNC_INIT(&f->q, fetch_quota);
  f->q.user = f->user;
  if (hd_block_on(f->rt, &f->q.hd) != 0) /* expect: block-on-in-async */
    HD_RETURN(f, -1);
  HD_RETURN(f, f->q.out);
}
HD_ASYNC_END(f)

int main(void) {
  static handle h;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  HD_ASYNC_INIT(&h, handle);
  h.rt = rt;
  h.user = 7;
  hd_block_on(rt, &h.hd);
  hd_runtime_free(rt);
  return 0;
}
