/* corpus: needs-feasibility
 * Correlated branches on a frame field: a logger takes the sink mutex only
 * when `f->sync_log` is set and releases it under the same test; nothing on
 * the path writes f->sync_log (the calls in between take other pointers).
 * Good: the lock-and-skip-unlock path is infeasible, which only Z3 sees. */
#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include "heddle/heddle.h"

typedef struct log_sink {
  pthread_mutex_t mu;
  char last[256];
  long lines;
} log_sink;

HD_ASYNC_FN(log_and_forward, int, log_sink *sink; bool sync_log; const char *msg; hd_yield fwd;);
HD_ASYNC(log_and_forward, f, cx, NULL) {
  if (f->sync_log)
    pthread_mutex_lock(&f->sink->mu);
  strncpy(f->sink->last, f->msg, sizeof f->sink->last - 1);
  f->sink->lines++;
  if (f->sync_log)
    pthread_mutex_unlock(&f->sink->mu);
  HD_AWAIT(f, cx, hd_yield_init(&f->fwd));
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static log_sink sink = {.mu = PTHREAD_MUTEX_INITIALIZER};
  static log_and_forward task;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&task, log_and_forward);
  task.sink = &sink;
  task.sync_log = true;
  task.msg = "request done\n";
  hd_block_on(rt, &task.hd);
  hd_runtime_free(rt);
  return 0;
}
