/* The fixed twin of bad_runtime_never_freed.c: the root notifies the
 * waiter and joins it, and the body frees the runtime. */
#include "heddle/heddle.h"
#include "heddle/shadow.h"

static hd_notify ready;

HD_ASYNC_FN(waiter, int, hd_notify_notified n;);
HD_ASYNC(waiter, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_notify_notified_init(&f->n, &ready));
  HD_RETURN(f, 1);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(root, int, hd_join_handle *h; hd_yield y; hd_join j;);
HD_ASYNC(root, f, cx, NULL) {
  {
    waiter w;
    HD_ASYNC_INIT(&w, waiter);
    f->h = hd_spawn(&w.hd);
  }
  HD_AWAIT(f, cx, hd_yield_init(&f->y));
  hd_notify_notify_one(&ready);
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->h));
  HD_SHADOW_CHECK(f->j.err == 0);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

void hd_shadow_test(void) {
  hd_notify_init(&ready);
  hd_runtime *rt = hd_runtime_new_current_thread();
  root r;
  HD_ASYNC_INIT(&r, root);
  hd_block_on(rt, &r.hd);
  hd_runtime_free(rt);
}
