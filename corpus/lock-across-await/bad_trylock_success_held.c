/* An opportunistic cache refresh: if the refresh mutex is free
 * (pthread_mutex_trylock returns 0) the task refreshes and awaits the
 * fetcher task while still holding it. Bad: the success branch of a trylock
 * holds the lock exactly like pthread_mutex_lock does. */
#include <pthread.h>

#include "heddle/heddle.h"

typedef struct config_cache {
  pthread_mutex_t refresh_mu;
  int generation;
  int value;
} config_cache;

HD_ASYNC_FN(fetch_config, int, hd_yield y;);
HD_ASYNC(fetch_config, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_yield_init(&f->y));
  HD_RETURN(f, 42);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(maybe_refresh, int, config_cache *c; fetch_config fetch; hd_join_handle *h;
            hd_join j;);
HD_ASYNC(maybe_refresh, f, cx, NULL) {
  if (pthread_mutex_trylock(&f->c->refresh_mu) == 0) {
    HD_ASYNC_INIT(&f->fetch, fetch_config);
    f->h = hd_spawn(&f->fetch.hd);
    HD_AWAIT(f, cx, hd_join_init(&f->j, f->h)); /* expect: lock-across-await */
    if (f->j.err == 0) {
      f->c->value = ((fetch_config *)f->j.task)->out;
      f->c->generation++;
    }
    hd_join_handle_drop(f->h);
    pthread_mutex_unlock(&f->c->refresh_mu);
  }
  HD_RETURN(f, f->c->generation);
}
HD_ASYNC_END(f)

int main(void) {
  static config_cache cache = {PTHREAD_MUTEX_INITIALIZER, 0, 0};
  static maybe_refresh task;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&task, maybe_refresh);
  task.c = &cache;
  hd_block_on(rt, &task.hd);
  hd_runtime_free(rt);
  return 0;
}
