/* Mixed locks: the task holds an async hd_mutex guard (fine across awaits)
 * and, inside it, also locks a pthread mutex guarding process-wide counters,
 * then awaits with both held. Bad: the async guard does not make the pthread
 * mutex safe; only the await with the pthread mutex held is a finding, the
 * earlier await with just the async guard is not. */
#include <pthread.h>

#include "heddle/heddle.h"

typedef struct service {
  hd_mutex state_mu;
  pthread_mutex_t counters_mu;
  long requests;
  int state;
} service;

HD_ASYNC_FN(handle, int, service *svc; hd_mutex_guard guard; hd_mutex_lock lk; hd_yield io;);

static void handle_drop(hd_future *self) {
  hd_mutex_guard_release(&((handle *)self)->guard);
}

HD_ASYNC(handle, f, cx, handle_drop) {
  HD_AWAIT(f, cx, hd_mutex_lock_init(&f->lk, &f->svc->state_mu, &f->guard));
  HD_AWAIT(f, cx, hd_yield_init(&f->io)); /* async guard only: fine */
  pthread_mutex_lock(&f->svc->counters_mu);
  f->svc->requests++;
  HD_AWAIT(f, cx, hd_yield_init(&f->io)); /* expect: lock-across-await */
  pthread_mutex_unlock(&f->svc->counters_mu);
  f->svc->state++;
  hd_mutex_guard_release(&f->guard);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static service svc = {HD_MUTEX_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, 0, 0};
  static handle task;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  HD_ASYNC_INIT(&task, handle);
  task.svc = &svc;
  hd_block_on(rt, &task.hd);
  hd_runtime_free(rt);
  return 0;
}
