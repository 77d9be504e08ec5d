/* A benchmark harness task deliberately burns a fixed 1 ms with usleep to
 * calibrate the timer against a blocked worker; the author suppresses the
 * finding with a reason on the line before. Good: `// heddle:
 * ignore[blocking-in-async] reason` silences it (SARIF lists it as
 * suppressed). */
#include <unistd.h>

#include "heddle/heddle.h"

HD_ASYNC_FN(calibrate, int, uint64_t t0; hd_yield y;);
HD_ASYNC(calibrate, f, cx, NULL) {
  f->t0 = hd_time_now_ms();
  // heddle: ignore[blocking-in-async] measuring a deliberately blocked worker
  usleep(1000);
  HD_AWAIT(f, cx, hd_yield_init(&f->y));
  HD_RETURN(f, (int)(hd_time_now_ms() - f->t0));
}
HD_ASYNC_END(f)

int main(void) {
  static calibrate c;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&c, calibrate);
  hd_block_on(rt, &c.hd);
  hd_runtime_free(rt);
  return 0;
}
