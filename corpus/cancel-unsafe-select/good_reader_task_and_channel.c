/* The reader-task pattern: a spawned task owns the stream and does the
 * read_exact calls with nothing racing them, forwarding whole records over
 * an mpsc channel; the main loop selects on recv and a tick (the actor shape
 * tokio's docs recommend). Good: the select's branches are recv and a tick,
 * both cancel-safe; read_exact is awaited directly, never cancelled. */
#include <stdint.h>

#include "heddle/heddle.h"

typedef struct record {
  uint8_t bytes[16];
} record;

HD_ASYNC_FN(reader, int, hd_stream *s; hd_mpsc_sender tx; record rec; hd_read_exact rx;
            hd_mpsc_send send;);
static void reader_drop(hd_future *self) { hd_mpsc_sender_drop(&((reader *)self)->tx); }
HD_ASYNC(reader, f, cx, reader_drop) {
  for (;;) {
    HD_AWAIT(f, cx, hd_read_exact_init(&f->rx, f->s, f->rec.bytes, sizeof f->rec.bytes));
    if (f->rx.out != 0)
      break;
    HD_AWAIT(f, cx, hd_mpsc_send_init(&f->send, &f->tx, &f->rec));
    if (f->send.out != 0)
      break;
  }
  hd_mpsc_sender_drop(&f->tx);
  HD_RETURN(f, f->rx.out);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(consumer, long, hd_stream *s; hd_mpsc_receiver rx; hd_interval iv; record rec;
            hd_join_handle *h; hd_mpsc_recv rc; hd_interval_tick tick; hd_select sel; hd_join j;);
HD_ASYNC(consumer, f, cx, NULL) {
  {
    reader r;
    HD_ASYNC_INIT(&r, reader);
    r.s = f->s;
    if (hd_mpsc_bounded(sizeof(record), 16, &r.tx, &f->rx) != 0)
      HD_RETURN(f, HD_ENOMEM);
    f->h = hd_spawn(&r.hd);
  }
  hd_interval_init(&f->iv, 500);
  for (;;) {
    hd_mpsc_recv_init(&f->rc, &f->rx, &f->rec);
    hd_interval_tick_init(&f->tick, &f->iv);
    HD_AWAIT(f, cx, HD_SELECT(&f->sel, &f->rc.hd, &f->tick.hd));
    if (f->sel.winner == 0 && f->rc.out != 0)
      break;
    if (f->sel.winner == 0)
      f->out++;
  }
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->h));
  hd_join_handle_drop(f->h);
  hd_mpsc_receiver_drop(&f->rx);
}
HD_ASYNC_END(f)

int main(void) {
  static hd_stream a, b;
  static consumer c;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  if (hd_socketpair(&a, &b) != 0)
    return 1;
  hd_stream_close(&b);
  HD_ASYNC_INIT(&c, consumer);
  c.s = &a;
  hd_block_on(rt, &c.hd);
  hd_stream_close(&a);
  hd_runtime_free(rt);
  return 0;
}
