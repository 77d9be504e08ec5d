/* A routing table behind a pthread rwlock: the request handler takes the
 * read lock to look up the backend and keeps it while awaiting the backend
 * call. Bad: a read lock is still a blocking lock; a writer (the route
 * reloader) blocks its worker, and readers queued behind it block theirs. */
#include <pthread.h>

#include "heddle/heddle.h"

typedef struct routes {
  pthread_rwlock_t lk;
  int backend_of[256];
} routes;

HD_ASYNC_FN(route_request, int, routes *r; unsigned char host; int backend; hd_yield call;);
HD_ASYNC(route_request, f, cx, NULL) {
  pthread_rwlock_rdlock(&f->r->lk);
  f->backend = f->r->backend_of[f->host];
  if (f->backend < 0) {
    pthread_rwlock_unlock(&f->r->lk);
    HD_RETURN(f, HD_EINVAL);
  }
  HD_AWAIT(f, cx, hd_yield_init(&f->call)); /* expect: lock-across-await */
  pthread_rwlock_unlock(&f->r->lk);
  HD_RETURN(f, f->backend);
}
HD_ASYNC_END(f)

int main(void) {
  static routes r = {.lk = PTHREAD_RWLOCK_INITIALIZER};
  static route_request task;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&task, route_request);
  task.r = &r;
  task.host = 3;
  hd_block_on(rt, &task.hd);
  hd_runtime_free(rt);
  return 0;
}
