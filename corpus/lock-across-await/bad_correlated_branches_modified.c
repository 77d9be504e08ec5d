/* Looks like correlated branches but is not: the lock is taken `if
 * (shared)` and `shared` is recomputed before the matching `if (shared)
 * unlock`, so with shared first true and then false the mutex stays held at
 * the await. Bad, and a guard for the feasibility stage: a condition
 * variable that is written on the path must not be treated as unchanged. */
#include <pthread.h>
#include <stdbool.h>

#include "heddle/heddle.h"

typedef struct metrics {
  pthread_mutex_t mu;
  bool shared;
  long in_flight;
  long tenants;
} metrics;

HD_ASYNC_FN(proxy_request, int, metrics *m; hd_yield upstream;);
HD_ASYNC(proxy_request, f, cx, NULL) {
  {
    bool shared = f->m->shared;
    if (shared)
      pthread_mutex_lock(&f->m->mu);
    f->m->in_flight++;
    shared = f->m->tenants > 1;
    if (shared)
      pthread_mutex_unlock(&f->m->mu);
  }
  HD_AWAIT(f, cx, hd_yield_init(&f->upstream)); /* expect: lock-across-await */
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static metrics m = {PTHREAD_MUTEX_INITIALIZER, true, 0, 1};
  static proxy_request task;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&task, proxy_request);
  task.m = &m;
  hd_block_on(rt, &task.hd);
  hd_runtime_free(rt);
  return 0;
}
