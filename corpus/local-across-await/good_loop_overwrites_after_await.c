/* corpus: needs-feasibility
 * A sensor reader defaults `reading` before it awaits the measurement
 * trigger, then a loop with a constant bound (it always runs) overwrites it
 * from the samples before it is reported. Good: the only path that reads
 * the pre-await value skips the loop entirely, which is infeasible. */
#include <stdio.h>

#include "heddle/heddle.h"

#define SAMPLES 4

HD_ASYNC_FN(sensor, int, const int *adc; hd_sleep trigger;);
HD_ASYNC(sensor, f, cx, NULL) {
  int reading = -1;
  if (f->adc == NULL)
    HD_RETURN(f, reading);
  HD_AWAIT(f, cx, hd_sleep_init(&f->trigger, 5));
  for (int k = 0; k < SAMPLES; k++)
    reading = k == 0 ? f->adc[0] : (f->adc[k] > f->adc[k - 1] ? f->adc[k] : f->adc[k - 1]);
  printf("reading %d\n", reading);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static const int adc[SAMPLES] = {3, 9, 4, 7};
  static sensor s;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&s, sensor);
  s.adc = adc;
  hd_block_on(rt, &s.hd);
  hd_runtime_free(rt);
  return 0;
}
