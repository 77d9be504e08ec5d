/* A queue consumer, on its shutdown branch, drains what is left by driving a
 * drain future to completion with hd_block_on on the same runtime ("finish
 * the drain synchronously before returning"). Bad: a task on the runtime
 * blocks its own worker to run more tasks; only the shutdown path does it,
 * which is why it slips through testing. */
#include "heddle/heddle.h"

HD_ASYNC_FN(drain, int, hd_mpsc_receiver *rx; int msg; hd_mpsc_recv rc;);
HD_ASYNC(drain, f, cx, NULL) {
  while (hd_mpsc_receiver_len(f->rx) > 0) {
    HD_AWAIT(f, cx, hd_mpsc_recv_init(&f->rc, f->rx, &f->msg));
    f->out++;
  }
}
HD_ASYNC_END(f)

HD_ASYNC_FN(consumer, int, hd_runtime *rt; hd_mpsc_receiver *rx; hd_notify *stop; int msg;
            drain d; hd_mpsc_recv rc; hd_notify_notified quit; hd_select sel;);
HD_ASYNC(consumer, f, cx, NULL) {
  for (;;) {
    hd_mpsc_recv_init(&f->rc, f->rx, &f->msg);
    hd_notify_notified_init(&f->quit, f->stop);
    HD_AWAIT(f, cx, HD_SELECT(&f->sel, &f->rc.hd, &f->quit.hd));
    if (f->sel.winner == 1) {
      HD_ASYNC_INIT(&f->d, drain);
      f->d.rx = f->rx;
      hd_block_on(f->rt, &f->d.hd); /* expect: block-on-in-async */
      HD_RETURN(f, f->d.out);
    }
    if (f->rc.out != 0)
      HD_RETURN(f, 0);
  }
}
HD_ASYNC_END(f)

int main(void) {
  static hd_mpsc_sender tx;
  static hd_mpsc_receiver rx;
  static hd_notify stop = HD_NOTIFY_INITIALIZER;
  static consumer c;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  if (hd_mpsc_unbounded(sizeof(int), &tx, &rx) != 0)
    return 1;
  hd_notify_notify_one(&stop);
  HD_ASYNC_INIT(&c, consumer);
  c.rt = rt;
  c.rx = &rx;
  c.stop = &stop;
  hd_block_on(rt, &c.hd);
  hd_mpsc_sender_drop(&tx);
  hd_mpsc_receiver_drop(&rx);
  hd_runtime_free(rt);
  return 0;
}
