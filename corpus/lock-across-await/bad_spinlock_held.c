/* A lock-free-ish counter set guarded by a pthread spinlock (chosen "because
 * the critical section is tiny"), then the critical section grows an await
 * to report the sample. Bad: a spinlock held across an await makes every
 * other thread that wants it burn CPU until this task is resumed. */
#include <pthread.h>

#include "heddle/heddle.h"

typedef struct histogram {
  pthread_spinlock_t spin;
  unsigned long buckets[16];
} histogram;

HD_ASYNC_FN(record_latency, int, histogram *h; unsigned us; hd_yield report;);
HD_ASYNC(record_latency, f, cx, NULL) {
  pthread_spin_lock(&f->h->spin);
  f->h->buckets[f->us < 16 ? f->us : 15]++;
  if (f->h->buckets[15] % 1000 == 1)
    HD_AWAIT(f, cx, hd_yield_init(&f->report)); /* expect: lock-across-await */
  pthread_spin_unlock(&f->h->spin);
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
