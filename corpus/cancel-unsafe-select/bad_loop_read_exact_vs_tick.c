/* A telemetry client loops on select(read_exact(header), interval tick),
 * re-creating read_exact each iteration: the classic tokio bug ("select! in
 * a loop with read_exact loses data", the cancel-safety section of the
 * select! docs). Bad, error (re-created in a loop): when the tick wins, the
 * header bytes already read are dropped with the future and the stream is
 * out of step. */
#include <stdint.h>

#include "heddle/heddle.h"

HD_ASYNC_FN(telemetry, int, hd_stream *s; hd_interval iv; uint8_t hdr[8]; long ticks;
            long frames; hd_read_exact rx; hd_interval_tick tick; hd_select sel;);
HD_ASYNC(telemetry, f, cx, NULL) {
  hd_interval_init(&f->iv, 1000);
  for (;;) {
    hd_read_exact_init(&f->rx, f->s, f->hdr, sizeof f->hdr);
    hd_interval_tick_init(&f->tick, &f->iv);
    HD_AWAIT(f, cx, HD_SELECT(&f->sel, &f->rx.hd, &f->tick.hd)); /* expect: cancel-unsafe-select */
    if (f->sel.winner == 1) {
      f->ticks++;
      continue;
    }
    if (f->rx.out != 0)
      HD_RETURN(f, f->rx.out);
    f->frames++;
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
