/* A prober creates a warm-up delay before its loop and awaits it on the
 * first pass (i == 0), awaiting interval ticks on the later passes; the loop
 * has constant bounds, so it always runs. Good: the warm-up
 * future initialised before the loop is awaited inside it. */
#include "heddle/heddle.h"

#define PROBES 5

HD_ASYNC_FN(prober, int, int i; hd_interval iv; hd_sleep warmup; hd_interval_tick tick;);
HD_ASYNC(prober, f, cx, NULL) {
  hd_interval_init(&f->iv, 100);
  hd_sleep_init(&f->warmup, 200);
  for (f->i = 0; f->i < PROBES; f->i++) {
    if (f->i == 0)
      HD_AWAIT(f, cx, &f->warmup.hd);
    else
      HD_AWAIT(f, cx, hd_interval_tick_init(&f->tick, &f->iv));
    f->out++;
  }
}
HD_ASYNC_END(f)

int main(void) {
  static prober p;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&p, prober);
  hd_block_on(rt, &p.hd);
  hd_runtime_free(rt);
  return p.out != PROBES;
}
