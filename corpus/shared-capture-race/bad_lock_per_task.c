/* Each download task creates its own pthread mutex in its frame and locks it
 * around the update of the shared progress total: every task holds a lock,
 * but never the same one. Bad: the lockset intersection is empty, so the
 * writes to `total` still race. */
#include <pthread.h>

#include "heddle/heddle.h"

typedef struct progress {
  long total;
} progress;

HD_ASYNC_FN(download, int, progress *p; pthread_mutex_t mu; long got; hd_sleep net;);
HD_ASYNC(download, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_sleep_init(&f->net, 3));
  f->got = 4096;
  pthread_mutex_lock(&f->mu);
  f->p->total += f->got; /* expect: shared-capture-race */
  pthread_mutex_unlock(&f->mu);
  pthread_mutex_destroy(&f->mu);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(fetch_all, int, progress *p; int i; hd_join_handle *h[4]; hd_join j;);
HD_ASYNC(fetch_all, f, cx, NULL) {
  for (f->i = 0; f->i < 4; f->i++) {
    download d;
    HD_ASYNC_INIT(&d, download);
    pthread_mutex_init(&d.mu, NULL);
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
  static progress p;
  static fetch_all fa;
  hd_runtime *rt = hd_runtime_new_multi_thread(4);
  HD_ASYNC_INIT(&fa, fetch_all);
  fa.p = &p;
  hd_block_on(rt, &fa.hd);
  hd_runtime_free(rt);
  return 0;
}
