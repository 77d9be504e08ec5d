/* A task that only does bookkeeping when the stats mutex is free: when
 * pthread_mutex_trylock fails (non-zero) the lock is NOT held, and the task
 * yields and tries again later. Good: the await sits on the failure branch,
 * and the success branch unlocks before the function returns. */
#include <pthread.h>

#include "heddle/heddle.h"

typedef struct stats {
  pthread_mutex_t mu;
  long requests;
  long bytes;
} stats;

HD_ASYNC_FN(record_request, int, stats *st; long bytes; int attempts; hd_yield y;);
HD_ASYNC(record_request, f, cx, NULL) {
  for (f->attempts = 0; f->attempts < 8; f->attempts++) {
    if (pthread_mutex_trylock(&f->st->mu) != 0) {
      HD_AWAIT(f, cx, hd_yield_init(&f->y));
      continue;
    }
    f->st->requests++;
    f->st->bytes += f->bytes;
    pthread_mutex_unlock(&f->st->mu);
    HD_RETURN(f, 0);
  }
  HD_RETURN(f, HD_ETIMEDOUT);
}
HD_ASYNC_END(f)

int main(void) {
  static stats st = {PTHREAD_MUTEX_INITIALIZER, 0, 0};
  static record_request task;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&task, record_request);
  task.st = &st;
  task.bytes = 512;
  hd_block_on(rt, &task.hd);
  hd_runtime_free(rt);
  return task.out != 0;
}
