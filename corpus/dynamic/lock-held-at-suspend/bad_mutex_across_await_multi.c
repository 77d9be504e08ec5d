/* expect-dynamic: lock-held-at-suspend */
/* Two tasks on the multi-thread executor each hold a pthread mutex across
 * an await (relay.c's handle_frame): the poll returns pending with the
 * mutex locked. The task may resume on the other worker and unlock a mutex
 * that worker does not own, or the other task blocks its worker on the
 * mutex while the holder waits to be polled. */
#include <pthread.h>

#include "heddle/heddle.h"
#include "heddle/shadow.h"

static pthread_mutex_t mu;
static long frames;

HD_ASYNC_FN(count_frame, int, hd_sleep pause;);
HD_ASYNC(count_frame, f, cx, NULL) {
  pthread_mutex_lock(&mu);
  frames++;
  HD_AWAIT(f, cx, hd_sleep_init(&f->pause, 5));
  pthread_mutex_unlock(&mu);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(two_tasks, int, hd_join_handle *h[2]; int k; hd_join j;);
HD_ASYNC(two_tasks, f, cx, NULL) {
  for (f->k = 0; f->k < 2; f->k++) {
    count_frame c;
    HD_ASYNC_INIT(&c, count_frame);
    f->h[f->k] = hd_spawn(&c.hd);
  }
  for (f->k = 0; f->k < 2; f->k++)
    HD_AWAIT(f, cx, hd_join_init(&f->j, f->h[f->k]));
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

void hd_shadow_test(void) {
  pthread_mutex_init(&mu, NULL);
  frames = 0;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  two_tasks t;
  HD_ASYNC_INIT(&t, two_tasks);
  hd_block_on(rt, &t.hd);
  hd_runtime_free(rt);
}
