/* What both executors share: setup, thread-locals, spawn entry points. */
#include <stdlib.h>

#include "runtime_impl.h"

#define BLOCKING_THREADS_MAX 64

static _Thread_local hd_runtime *current_runtime;
static _Thread_local int current_worker = -1;

int hd__runtime_init_common(hd_runtime *rt, const hd__executor_ops *ops) {
  rt->ops = ops;
  rt->reactor = hd__reactor_new();
  rt->blocking = hd__blocking_pool_new(BLOCKING_THREADS_MAX);
  pthread_mutex_init(&rt->live_lock, NULL);
  if (!rt->reactor || !rt->blocking) {
    hd__runtime_free_common(rt);
    return HD_ENOMEM;
  }
  return 0;
}

void hd__runtime_free_common(hd_runtime *rt) {
  if (rt->blocking)
    hd__blocking_pool_free(rt->blocking);
  rt->blocking = NULL;
  hd__task_cancel_all(rt);
  if (rt->reactor)
    hd__reactor_free(rt->reactor);
  rt->reactor = NULL;
  pthread_mutex_destroy(&rt->live_lock);
}

void hd__runtime_enter(hd_runtime *rt, int worker) {
  current_runtime = rt;
  current_worker = worker;
  hd__reactor_set_current(rt->reactor);
}

void hd__runtime_leave(void) {
  current_runtime = NULL;
  current_worker = -1;
  hd__reactor_set_current(NULL);
}

int hd__runtime_current_worker(void) { return current_worker; }
hd_runtime *hd_runtime_current(void) { return current_runtime; }

void hd_runtime_free(hd_runtime *rt) {
  if (rt)
    rt->ops->free(rt);
}

unsigned hd_runtime_workers(const hd_runtime *rt) { return rt ? rt->ops->workers(rt) : 0; }

int hd_block_on(hd_runtime *rt, hd_future *future) {
  if (!rt || !future || current_runtime)
    return HD_EINVAL;
  return rt->ops->block_on(rt, future);
}

hd_join_handle *hd_spawn_on(hd_runtime *rt, hd_future *future) {
  return (hd_join_handle *)hd__task_spawn(rt, future, -1);
}

hd_join_handle *hd_spawn(hd_future *future) { return hd_spawn_on(current_runtime, future); }

hd_join_handle *hd_spawn_local(hd_future *future) {
  if (!current_runtime || current_worker < 0)
    return NULL;
  return (hd_join_handle *)hd__task_spawn(current_runtime, future, current_worker);
}

hd_join_handle *hd_spawn_blocking(void *(*fn)(void *arg), void *arg) {
  if (!current_runtime || !fn)
    return NULL;
  return (hd_join_handle *)hd__task_spawn_blocking(current_runtime, fn, arg);
}
