/* Smoke case: the mutex is released before the await. */
#include <pthread.h>

#include "heddle/future.h"

static pthread_mutex_t m = PTHREAD_MUTEX_INITIALIZER;

HD_ASYNC_FN(child, int, int n;);
HD_ASYNC(child, f, cx, NULL) {
  HD_RETURN(f, 1);
} HD_ASYNC_END(f)

hd_future *child_init(child *f);
hd_future *child_init(child *f) {
  HD_ASYNC_INIT(f, child);
  return &f->hd;
}

HD_ASYNC_FN(task, int, int count; child c;);
HD_ASYNC(task, f, cx, NULL) {
  pthread_mutex_lock(&m);
  f->count++;
  pthread_mutex_unlock(&m);
  HD_AWAIT(f, cx, child_init(&f->c));
  HD_RETURN(f, f->count);
} HD_ASYNC_END(f)
