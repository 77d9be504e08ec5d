/* An audit task is created and handed to hd_spawn; the parent drops the
 * join handle (detached, like dropping tokio's JoinHandle) and carries on.
 * Good: spawning is a use; the executor polls the future. */
#include "heddle/heddle.h"

HD_ASYNC_FN(audit, int, int user; hd_sleep io;);
HD_ASYNC(audit, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_sleep_init(&f->io, 2));
  HD_RETURN(f, f->user);
}
HD_ASYNC_END(f)

static hd_future *audit_init(audit *f, int user) {
  HD_ASYNC_INIT(f, audit);
  f->user = user;
  return &f->hd;
}

HD_ASYNC_FN(login, int, int user; hd_yield y;);
HD_ASYNC(login, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_yield_init(&f->y));
  {
    audit a;
    hd_join_handle *h = hd_spawn(audit_init(&a, f->user));
    hd_join_handle_drop(h);
  }
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static login l;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  HD_ASYNC_INIT(&l, login);
  l.user = 3;
  hd_block_on(rt, &l.hd);
  hd_runtime_free(rt);
  return 0;
}
