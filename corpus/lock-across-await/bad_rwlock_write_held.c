/* The route reloader: it takes the write lock, clears the table, then
 * awaits two steps of fetching the new configuration before publishing and
 * unlocking. Bad: the write lock is held at both awaits (two findings), so
 * every request handler blocks its worker for the whole reload. */
#include <pthread.h>

#include "heddle/heddle.h"

typedef struct routes {
  pthread_rwlock_t lk;
  int backend_of[256];
  unsigned generation;
} routes;

HD_ASYNC_FN(reload_routes, int, routes *r; int i; hd_yield fetch;);
HD_ASYNC(reload_routes, f, cx, NULL) {
  pthread_rwlock_wrlock(&f->r->lk);
  for (f->i = 0; f->i < 256; f->i++)
    f->r->backend_of[f->i] = -1;
  HD_AWAIT(f, cx, hd_yield_init(&f->fetch)); /* expect: lock-across-await */
  f->r->backend_of[3] = 1;
  HD_AWAIT(f, cx, hd_yield_init(&f->fetch)); /* expect: lock-across-await */
  f->r->generation++;
  pthread_rwlock_unlock(&f->r->lk);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static routes r = {.lk = PTHREAD_RWLOCK_INITIALIZER};
  static reload_routes task;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&task, reload_routes);
  task.r = &r;
  hd_block_on(rt, &task.hd);
  hd_runtime_free(rt);
  return 0;
}
