/* corpus: needs-feasibility
 * A cache front: when the cache is enabled the handler locks it, computes
 * the key, and the `if (enabled) { ...; unlock; return }` guard answers from
 * the cache and returns early; only the disabled path goes on to await the
 * origin. Good: the await is reachable only when the lock was never taken;
 * without feasibility the lock-then-skip-the-guard path looks like a hold. */
#include <pthread.h>
#include <stdbool.h>

#include "heddle/heddle.h"

typedef struct cache {
  pthread_mutex_t mu;
  bool enabled;
  long slots[128];
} cache;

HD_ASYNC_FN(lookup, long, cache *c; unsigned key; hd_yield origin;);
HD_ASYNC(lookup, f, cx, NULL) {
  {
    bool enabled = f->c->enabled;
    if (enabled)
      pthread_mutex_lock(&f->c->mu);
    f->key = f->key * 2654435761u % 128;
    if (enabled) {
      long v = f->c->slots[f->key];
      pthread_mutex_unlock(&f->c->mu);
      HD_RETURN(f, v);
    }
  }
  HD_AWAIT(f, cx, hd_yield_init(&f->origin));
  HD_RETURN(f, (long)f->key);
}
HD_ASYNC_END(f)

int main(void) {
  static cache c = {.mu = PTHREAD_MUTEX_INITIALIZER, .enabled = false};
  static lookup task;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&task, lookup);
  task.c = &c;
  task.key = 17;
  hd_block_on(rt, &task.hd);
  hd_runtime_free(rt);
  return 0;
}
