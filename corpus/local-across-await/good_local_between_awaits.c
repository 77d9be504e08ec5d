/* A statistics task computes an average into a local and uses it before the
 * next await, each time round the loop: the local is written and read
 * between the same two awaits. Good: plain C locals are fine between awaits
 * (DESIGN §1); nothing is read across a suspension. */
#include <stdio.h>

#include "heddle/heddle.h"

HD_ASYNC_FN(stats_task, int, const long *samples; int n; int round; long ema; hd_sleep tick;);
HD_ASYNC(stats_task, f, cx, NULL) {
  for (f->round = 0; f->round < 3; f->round++) {
    HD_AWAIT(f, cx, hd_sleep_init(&f->tick, 10));
    long sum = 0;
    for (int k = 0; k < f->n; k++)
      sum += f->samples[k];
    long avg = f->n ? sum / f->n : 0;
    f->ema = (f->ema * 3 + avg) / 4;
    printf("round %d avg %ld ema %ld\n", f->round, avg, f->ema);
  }
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static const long samples[] = {3, 5, 8};
  static stats_task t;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&t, stats_task);
  t.samples = samples;
  t.n = 3;
  hd_block_on(rt, &t.hd);
  hd_runtime_free(rt);
  return 0;
}
