/* The histogram fixed: the spinlock guards only the bucket update and a
 * trylock-based snapshot; the report await happens after the unlock.
 * Good: the spinlock is never held at an await (a failed
 * pthread_spin_trylock holds nothing). */
#include <pthread.h>
#include <stdbool.h>

#include "heddle/heddle.h"

typedef struct histogram {
  pthread_spinlock_t spin;
  unsigned long buckets[16];
} histogram;

HD_ASYNC_FN(record_latency, int, histogram *h; unsigned us; bool report; hd_yield y;);
HD_ASYNC(record_latency, f, cx, NULL) {
  while (pthread_spin_trylock(&f->h->spin) != 0)
    HD_AWAIT(f, cx, hd_yield_init(&f->y));
  f->h->buckets[f->us < 16 ? f->us : 15]++;
  f->report = f->h->buckets[15] % 1000 == 1;
  pthread_spin_unlock(&f->h->spin);
  if (f->report)
    HD_AWAIT(f, cx, hd_yield_init(&f->y));
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static histogram h;
  static record_latency task;
  hd_runtime *rt = hd_runtime_new_current_thread();
  pthread_spin_init(&h.spin, PTHREAD_PROCESS_PRIVATE);
  HD_ASYNC_INIT(&task, record_latency);
  task.h = &h;
  task.us = 20;
  hd_block_on(rt, &task.hd);
  hd_runtime_free(rt);
  pthread_spin_destroy(&h.spin);
  return 0;
}
