/* The other fix of bad_loop_read_exact_vs_tick: the read_exact future is
 * created once, outside the select, and each select polls it through a
 * borrowing wrapper whose drop leaves it alone (tokio::pin!(fut) and
 * `&mut fut` as the branch). Good: losing the select drops only the wrapper;
 * the same read_exact keeps its progress and is re-created only after it
 * completes. */
#include <stdint.h>

#include "heddle/heddle.h"

/* Polls a future it does not own; dropping it does not drop the inner one. */
typedef struct HD_CANCEL_SAFE borrowed {
  hd_future hd;
  hd_future *inner;
} borrowed;

static hd_poll borrowed_poll(hd_future *self, hd_context *cx) {
  return hd_future_poll(((borrowed *)self)->inner, cx);
}
static const hd_future_vtable borrowed_vtable = {"borrowed", borrowed_poll, NULL,
                                                 sizeof(borrowed)};
static hd_future *borrowed_init(borrowed *b, hd_future *inner) HD_CANCEL_SAFE;
static hd_future *borrowed_init(borrowed *b, hd_future *inner) {
  hd_future_init(&b->hd, &borrowed_vtable);
  b->inner = inner;
  return &b->hd;
}

HD_ASYNC_FN(telemetry, int, hd_stream *s; hd_interval iv; uint8_t hdr[8]; long ticks;
            long frames; hd_read_exact rx; borrowed by_ref; hd_interval_tick tick;
            hd_select sel;);
static void telemetry_drop(hd_future *self) {
  hd_future_drop(&((telemetry *)self)->rx.hd); /* the owner cancels it, once */
}
HD_ASYNC(telemetry, f, cx, telemetry_drop) {
  hd_interval_init(&f->iv, 1000);
  hd_read_exact_init(&f->rx, f->s, f->hdr, sizeof f->hdr);
  for (;;) {
    borrowed_init(&f->by_ref, &f->rx.hd);
    hd_interval_tick_init(&f->tick, &f->iv);
    HD_AWAIT(f, cx, HD_SELECT(&f->sel, &f->by_ref.hd, &f->tick.hd));
    if (f->sel.winner == 1) {
      f->ticks++;
      continue;
    }
    if (f->rx.out != 0)
      HD_RETURN(f, f->rx.out);
    f->frames++;
    hd_read_exact_init(&f->rx, f->s, f->hdr, sizeof f->hdr); /* the next header */
  }
}
HD_ASYNC_END(f)

int main(void) {
  static hd_stream a, b;
  static telemetry t;
  hd_runtime *rt = hd_runtime_new_current_thread();
  if (hd_socketpair(&a, &b) != 0)
    return 1;
  hd_stream_close(&b);
  HD_ASYNC_INIT(&t, telemetry);
  t.s = &a;
  hd_block_on(rt, &t.hd);
  hd_stream_close(&a);
  hd_runtime_free(rt);
  return 0;
}
