/* The fixed twin of bad_detached_waiter.c: the root sends the reply and
 * joins the task before returning, so nothing is pending when the runtime
 * is freed. */
#include "heddle/heddle.h"
#include "heddle/shadow.h"

static hd_oneshot_sender tx;
static hd_oneshot_receiver rx;

HD_ASYNC_FN(waiter, int, int v; hd_oneshot_recv r;);
HD_ASYNC(waiter, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_oneshot_recv_init(&f->r, &rx, &f->v));
  HD_RETURN(f, f->v);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(root, int, hd_join_handle *h; hd_yield y; hd_join j; int v;);
HD_ASYNC(root, f, cx, NULL) {
  {
    waiter w;
    HD_ASYNC_INIT(&w, waiter);
    f->h = hd_spawn(&w.hd);
  }
  HD_AWAIT(f, cx, hd_yield_init(&f->y));
  f->v = 7;
  hd_oneshot_send(&tx, &f->v);
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->h));
  HD_SHADOW_CHECK(f->j.err == 0);
  hd_join_handle_drop(f->h);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

void hd_shadow_test(void) {
  hd_oneshot_channel(sizeof(int), &tx, &rx);
  hd_runtime *rt = hd_runtime_new_current_thread();
  root r;
  HD_ASYNC_INIT(&r, root);
  hd_block_on(rt, &r.hd);
  hd_runtime_free(rt);
  hd_oneshot_receiver_drop(&rx);
}
