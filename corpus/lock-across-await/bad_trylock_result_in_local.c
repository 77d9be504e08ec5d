/* The try-lock's result is kept in a local and tested on the next line
 * (`int rc = pthread_mutex_trylock(&m); if (rc == 0) ...`), the way most C
 * code checks errno-style returns. Bad: on the rc == 0 branch the compaction
 * mutex is held at the await of the compaction step. */
#include <pthread.h>

#include "heddle/heddle.h"

typedef struct segment_log {
  pthread_mutex_t compact_mu;
  int segments;
} segment_log;

HD_ASYNC_FN(try_compact, int, segment_log *log; hd_yield step;);
HD_ASYNC(try_compact, f, cx, NULL) {
  {
    int rc = pthread_mutex_trylock(&f->log->compact_mu);
    if (rc != 0)
      HD_RETURN(f, HD_EEMPTY); /* another compaction is running */
  }
  HD_AWAIT(f, cx, hd_yield_init(&f->step)); /* expect: lock-across-await */
  f->log->segments /= 2;
  pthread_mutex_unlock(&f->log->compact_mu);
  HD_RETURN(f, 0);
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
