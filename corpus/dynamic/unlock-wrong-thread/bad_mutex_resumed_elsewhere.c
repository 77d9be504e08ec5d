/* expect-dynamic: unlock-wrong-thread */
/* relay.c's handle_frame: a pthread mutex held across an await. The task
 * suspends on one worker and may resume on the other, which then unlocks a
 * mutex it does not hold (undefined for a default pthread mutex; an
 * error-checking one fails with EPERM and stays locked). */
#include <pthread.h>

#include "heddle/heddle.h"
#include "heddle/shadow.h"

static pthread_mutex_t stats_mu;
static long frames;

HD_ASYNC_FN(count_and_ack, int, hd_yield ack;);
HD_ASYNC(count_and_ack, f, cx, NULL) {
  pthread_mutex_lock(&stats_mu);
  frames++;
  HD_AWAIT(f, cx, hd_yield_init(&f->ack));
  pthread_mutex_unlock(&stats_mu);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(one_session, int, hd_join_handle *h; hd_join j;);
HD_ASYNC(one_session, f, cx, NULL) {
  {
    count_and_ack c;
    HD_ASYNC_INIT(&c, count_and_ack);
    f->h = hd_spawn(&c.hd);
  }
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->h));
  hd_join_handle_drop(f->h);
}
HD_ASYNC_END(f)

void hd_shadow_test(void) {
  pthread_mutex_init(&stats_mu, NULL);
  frames = 0;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  one_session t;
  HD_ASYNC_INIT(&t, one_session);
  hd_block_on(rt, &t.hd);
  hd_runtime_free(rt);
}
