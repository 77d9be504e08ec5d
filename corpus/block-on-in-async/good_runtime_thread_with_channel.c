/* The fix of bad_two_level_helper: the metrics sink no longer flushes with
 * its own block_on; publish only queues onto an unbounded channel (never
 * waits) and an async flusher task awaits the channel. Good: the helper
 * called from async code neither blocks nor reaches hd_block_on. */
#include "heddle/heddle.h"

typedef struct sink {
  hd_mpsc_sender tx;
} sink;

static void metrics_publish(sink *s, long v) { hd_mpsc_try_send(&s->tx, &v); }

HD_ASYNC_FN(flusher, long, hd_mpsc_receiver *rx; long v; hd_mpsc_recv rc;);
HD_ASYNC(flusher, f, cx, NULL) {
  for (;;) {
    HD_AWAIT(f, cx, hd_mpsc_recv_init(&f->rc, f->rx, &f->v));
    if (f->rc.out != 0)
      HD_RETURN(f, f->out);
    f->out += f->v;
  }
}
HD_ASYNC_END(f)

HD_ASYNC_FN(collector, int, sink *s; hd_mpsc_receiver *rx; int i; hd_join_handle *h; hd_sleep tick;
            hd_join j;);
HD_ASYNC(collector, f, cx, NULL) {
  {
    flusher fl;
    HD_ASYNC_INIT(&fl, flusher);
    fl.rx = f->rx;
    f->h = hd_spawn(&fl.hd);
  }
  for (f->i = 0; f->i < 10; f->i++) {
    HD_AWAIT(f, cx, hd_sleep_init(&f->tick, 1));
    metrics_publish(f->s, 42);
  }
  hd_mpsc_sender_drop(&f->s->tx);
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->h));
  hd_join_handle_drop(f->h);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static sink s;
  static hd_mpsc_receiver rx;
  static collector c;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  if (hd_mpsc_unbounded(sizeof(long), &s.tx, &rx) != 0)
    return 1;
  HD_ASYNC_INIT(&c, collector);
  c.s = &s;
  c.rx = &rx;
  hd_block_on(rt, &c.hd);
  hd_mpsc_receiver_drop(&rx);
  hd_runtime_free(rt);
  return 0;
}
