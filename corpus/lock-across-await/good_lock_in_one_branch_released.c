/* The same "lock only when shared" handler done right: the branch that
 * takes the metrics mutex also releases it before the upstream await, and
 * the decrement after the await takes it again. Good: whichever branch runs,
 * nothing is held at the await. */
#include <pthread.h>
#include <stdbool.h>

#include "heddle/heddle.h"

typedef struct metrics {
  pthread_mutex_t mu;
  bool shared;
  long in_flight;
} metrics;

HD_ASYNC_FN(proxy_request, int, metrics *m; hd_join_handle *upstream; hd_join j;);
HD_ASYNC(proxy_request, f, cx, NULL) {
  if (f->m->shared) {
    pthread_mutex_lock(&f->m->mu);
    f->m->in_flight++;
    pthread_mutex_unlock(&f->m->mu);
  } else {
    f->m->in_flight++;
  }
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->upstream));
  if (f->m->shared) {
    pthread_mutex_lock(&f->m->mu);
    f->m->in_flight--;
    pthread_mutex_unlock(&f->m->mu);
  } else {
    f->m->in_flight--;
  }
  hd_join_handle_drop(f->upstream);
  HD_RETURN(f, f->j.err);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(upstream_call, int, hd_yield y;);
HD_ASYNC(upstream_call, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_yield_init(&f->y));
  HD_RETURN(f, 200);
}
HD_ASYNC_END(f)

int main(void) {
  static metrics m = {PTHREAD_MUTEX_INITIALIZER, true, 0};
  static upstream_call up;
  static proxy_request task;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  HD_ASYNC_INIT(&up, upstream_call);
  HD_ASYNC_INIT(&task, proxy_request);
  task.m = &m;
  task.upstream = hd_spawn_on(rt, &up.hd);
  hd_block_on(rt, &task.hd);
  hd_runtime_free(rt);
  return task.out != 0;
}
