/* Routing and reloading done right: the handler copies the backend id under
 * the read lock and unlocks before awaiting the call; the reloader builds the
 * new table while unlocked (awaiting the fetch) and takes the write lock only
 * to swap it in. Good: neither the read nor the write lock is held at an
 * await, and a failed tryrdlock (non-zero) holds nothing either. */
#include <pthread.h>
#include <string.h>

#include "heddle/heddle.h"

typedef struct routes {
  pthread_rwlock_t lk;
  int backend_of[256];
  unsigned generation;
} routes;

HD_ASYNC_FN(route_request, int, routes *r; unsigned char host; int backend; hd_yield call;);
HD_ASYNC(route_request, f, cx, NULL) {
  while (pthread_rwlock_tryrdlock(&f->r->lk) != 0)
    HD_AWAIT(f, cx, hd_yield_init(&f->call)); /* a reload is running */
  f->backend = f->r->backend_of[f->host];
  pthread_rwlock_unlock(&f->r->lk);
  if (f->backend < 0)
    HD_RETURN(f, HD_EINVAL);
  HD_AWAIT(f, cx, hd_yield_init(&f->call));
  HD_RETURN(f, f->backend);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(reload_routes, int, routes *r; int next[256]; int i; hd_yield fetch;);
HD_ASYNC(reload_routes, f, cx, NULL) {
  for (f->i = 0; f->i < 256; f->i++)
    f->next[f->i] = -1;
  HD_AWAIT(f, cx, hd_yield_init(&f->fetch));
  f->next[3] = 1;
  pthread_rwlock_wrlock(&f->r->lk);
  memcpy(f->r->backend_of, f->next, sizeof f->next);
  f->r->generation++;
  pthread_rwlock_unlock(&f->r->lk);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static routes r = {.lk = PTHREAD_RWLOCK_INITIALIZER};
  static reload_routes reload;
  static route_request req;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&reload, reload_routes);
  reload.r = &r;
  hd_block_on(rt, &reload.hd);
  HD_ASYNC_INIT(&req, route_request);
  req.r = &r;
  req.host = 3;
  hd_block_on(rt, &req.hd);
  hd_runtime_free(rt);
  return req.out != 1;
}
