/* Lock wrappers: registry_lock() returns with the registry mutex held
 * (through a lock_or_die() wrapper, two calls deep) and the caller awaits
 * the service probe before calling registry_unlock(). Bad: the held lock is
 * a callee effect, visible only through the helpers' summaries. */
#include <pthread.h>
#include <stdlib.h>

#include "heddle/heddle.h"

typedef struct registry {
  pthread_mutex_t mu;
  int services;
  int healthy;
} registry;

static void lock_or_die(pthread_mutex_t *m) {
  if (pthread_mutex_lock(m) != 0)
    abort();
}

static void registry_lock(registry *r) {
  lock_or_die(&r->mu);
}

static void registry_unlock(registry *r) {
  pthread_mutex_unlock(&r->mu);
}

HD_ASYNC_FN(register_service, int, registry *reg; hd_join_handle *probe; hd_join j;);
HD_ASYNC(register_service, f, cx, NULL) {
  registry_lock(f->reg);
  f->reg->services++;
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->probe)); /* expect: lock-across-await */
  if (f->j.err == 0)
    f->reg->healthy++;
  registry_unlock(f->reg);
  hd_join_handle_drop(f->probe);
  HD_RETURN(f, f->j.err);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(health_probe, int, hd_yield y;);
HD_ASYNC(health_probe, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_yield_init(&f->y));
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static registry reg = {PTHREAD_MUTEX_INITIALIZER, 0, 0};
  static health_probe probe;
  static register_service task;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  HD_ASYNC_INIT(&probe, health_probe);
  HD_ASYNC_INIT(&task, register_service);
  task.reg = &reg;
  task.probe = hd_spawn_on(rt, &probe.hd);
  hd_block_on(rt, &task.hd);
  hd_runtime_free(rt);
  return 0;
}
