/* The fix of bad_loop_read_exact_vs_tick: the client reads through the
 * buffered frame reader, whose read_frame keeps partial frames in the
 * reader, not in the future (tokio's FramedRead with StreamExt::next).
 * Good: hd_read_frame is cancel-safe, so losing the select loses nothing. */
#include "heddle/heddle.h"

HD_ASYNC_FN(telemetry, int, hd_stream *s; hd_framed_reader fr; hd_interval iv; long ticks;
            long frames; hd_read_frame rf; hd_interval_tick tick; hd_select sel;);
HD_ASYNC(telemetry, f, cx, NULL) {
  if (hd_framed_reader_init(&f->fr, f->s, 1 << 16) != 0)
    HD_RETURN(f, HD_ENOMEM);
  hd_interval_init(&f->iv, 1000);
  for (;;) {
    hd_read_frame_init(&f->rf, &f->fr);
    hd_interval_tick_init(&f->tick, &f->iv);
    HD_AWAIT(f, cx, HD_SELECT(&f->sel, &f->rf.hd, &f->tick.hd));
    if (f->sel.winner == 1) {
      f->ticks++;
      continue;
    }
    if (f->rf.out != 0)
      break;
    f->frames++;
  }
  hd_framed_reader_free(&f->fr);
  HD_RETURN(f, f->rf.out == HD_ECLOSED ? 0 : f->rf.out);
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
