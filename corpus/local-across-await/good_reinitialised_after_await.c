/* A polling client recomputes its local `deadline` from the clock after
 * every await before using it, instead of carrying the old value across.
 * Good: the local is written before the await and written again after it
 * before any read, so no stale value is read. */
#include <stdint.h>

#include "heddle/heddle.h"

HD_ASYNC_FN(poll_status, int, uint64_t budget_ms; uint64_t start; int polls; hd_sleep gap;);
HD_ASYNC(poll_status, f, cx, NULL) {
  f->start = hd_time_now_ms();
  uint64_t deadline = f->start + f->budget_ms;
  if (hd_time_now_ms() >= deadline)
    HD_RETURN(f, HD_ETIMEDOUT);
  for (;;) {
    HD_AWAIT(f, cx, hd_sleep_init(&f->gap, 20));
    f->polls++;
    deadline = f->start + f->budget_ms;
    if (hd_time_now_ms() >= deadline)
      HD_RETURN(f, f->polls);
  }
}
HD_ASYNC_END(f)

int main(void) {
  static poll_status p;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&p, poll_status);
  p.budget_ms = 100;
  hd_block_on(rt, &p.hd);
  hd_runtime_free(rt);
  return 0;
}
