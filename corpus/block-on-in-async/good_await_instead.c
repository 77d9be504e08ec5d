/* The fix of bad_block_on_inside_async: the handler awaits the child async
 * function; hd_block_on stays in main, the one place that starts the
 * runtime. Good: block_on is reached only from sync code. */
#include "heddle/heddle.h"

HD_ASYNC_FN(fetch_quota, int, int user; hd_sleep io;);
HD_ASYNC(fetch_quota, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_sleep_init(&f->io, 3));
  HD_RETURN(f, 100 + f->user);
}
HD_ASYNC_END(f)

static hd_future *fetch_quota_init(fetch_quota *f, int user) {
  HD_ASYNC_INIT(f, fetch_quota);
  f->user = user;
  return &f->hd;
}

HD_ASYNC_FN(handle, int, int user; fetch_quota q; hd_yield y;);
HD_ASYNC(handle, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_yield_init(&f->y));
  HD_AWAIT(f, cx, fetch_quota_init(&f->q, f->user));
  HD_RETURN(f, f->q.out);
}
HD_ASYNC_END(f)

int main(void) {
  static handle h;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  HD_ASYNC_INIT(&h, handle);
  h.user = 7;
  hd_block_on(rt, &h.hd);
  hd_runtime_free(rt);
  return h.out != 107;
}
