/* The fix of bad_lock_per_task: the mutex lives next to the data it guards
 * and every task locks that one mutex around the update, between awaits.
 * Good: one lock in every lockset (Arc<std::sync::Mutex<_>> with the guard
 * dropped before the next .await). */
#include <pthread.h>

#include "heddle/heddle.h"

typedef struct progress {
  pthread_mutex_t mu;
  long total;
} progress;

HD_ASYNC_FN(download, int, progress *p; long got; hd_sleep net;);
HD_ASYNC(download, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_sleep_init(&f->net, 3));
  f->got = 4096;
  pthread_mutex_lock(&f->p->mu);
  f->p->total += f->got;
  pthread_mutex_unlock(&f->p->mu);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(fetch_all, int, progress *p; int i; hd_join_handle *h[4]; hd_join j;);
HD_ASYNC(fetch_all, f, cx, NULL) {
  for (f->i = 0; f->i < 4; f->i++) {
    download d;
    HD_ASYNC_INIT(&d, download);
    d.p = f->p;
    f->h[f->i] = hd_spawn(&d.hd);
  }
  for (f->i = 0; f->i < 4; f->i++) {
    HD_AWAIT(f, cx, hd_join_init(&f->j, f->h[f->i]));
    hd_join_handle_drop(f->h[f->i]);
  }
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static progress p = {.mu = PTHREAD_MUTEX_INITIALIZER};
  static fetch_all fa;
  hd_runtime *rt = hd_runtime_new_multi_thread(4);
  HD_ASYNC_INIT(&fa, fetch_all);
  fa.p = &p;
  hd_block_on(rt, &fa.hd);
  hd_runtime_free(rt);
  return 0;
}
