/* expect-dynamic: task-leak */
/* A task waits for a oneshot reply that never comes (the sender is kept
 * but never used); the root neither joins nor aborts it, and the runtime is
 * freed with the task still pending: it is silently cancelled, its work
 * never done. */
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

HD_ASYNC_FN(root, int, hd_join_handle *h; hd_yield y;);
HD_ASYNC(root, f, cx, NULL) {
  {
    waiter w;
    HD_ASYNC_INIT(&w, waiter);
    f->h = hd_spawn(&w.hd);
  }
  HD_AWAIT(f, cx, hd_yield_init(&f->y));
  hd_join_handle_drop(f->h); /* detached */
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
  hd_oneshot_sender_drop(&tx);
  hd_oneshot_receiver_drop(&rx);
}
