/* The compaction fixed: the try-lock's result sits in a local; on failure
 * (rc != 0) the task awaits a back-off with nothing held and retries, on
 * success it halves the segment count and unlocks before the step await.
 * Good: the analyzer follows the try's result through the local, so the
 * failure branch's await is not a hold. */
#include <pthread.h>

#include "heddle/heddle.h"

typedef struct segment_log {
  pthread_mutex_t compact_mu;
  int segments;
} segment_log;

HD_ASYNC_FN(try_compact, int, segment_log *log; int tries; hd_yield step;);
HD_ASYNC(try_compact, f, cx, NULL) {
  for (f->tries = 0; f->tries < 3; f->tries++) {
    int rc = pthread_mutex_trylock(&f->log->compact_mu);
    if (rc == 0) {
      f->log->segments /= 2;
      pthread_mutex_unlock(&f->log->compact_mu);
      HD_AWAIT(f, cx, hd_yield_init(&f->step));
      HD_RETURN(f, 0);
    }
    HD_AWAIT(f, cx, hd_yield_init(&f->step)); /* busy: back off */
  }
  HD_RETURN(f, HD_EEMPTY);
}
HD_ASYNC_END(f)

int main(void) {
  static segment_log log = {PTHREAD_MUTEX_INITIALIZER, 8};
  static try_compact task;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&task, try_compact);
  task.log = &log;
  hd_block_on(rt, &task.hd);
  hd_runtime_free(rt);
  return task.out;
}
