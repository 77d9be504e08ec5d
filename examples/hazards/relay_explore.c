/* relay_explore: the relay's handle_frame (relay.c) under the shadow
 * runtime. Two sensor sessions on the multi-thread executor each count a
 * frame under the statistics' pthread mutex and then await the
 * acknowledgement while still holding it (relay.c line 55). `heddle
 * explore` finds the schedules where this goes wrong and prints each with a
 * replayable schedule:
 *  - unlock-wrong-thread: the session suspends on one worker and resumes on
 *    the other, which unlocks a mutex it does not hold;
 *  - deadlock: the other session blocks its worker on the mutex while the
 *    holder waits for that worker.
 * The acknowledgement write is modelled by a yield, the smallest await
 * that suspends and reschedules the task. Built with -DRELAY_FIXED, the
 * session releases the mutex before the await and exploring finds nothing.
 */
#include <pthread.h>

#include "heddle/heddle.h"
#include "heddle/shadow.h"

typedef struct stats {
  pthread_mutex_t mu;
  long frames;
} stats;

static stats st;

HD_ASYNC_FN(handle_frame, int, stats *st; hd_yield ack;);
HD_ASYNC(handle_frame, f, cx, NULL) {
  pthread_mutex_lock(&f->st->mu);
  f->st->frames++;
#ifdef RELAY_FIXED
  pthread_mutex_unlock(&f->st->mu);
  HD_AWAIT(f, cx, hd_yield_init(&f->ack));
#else
  HD_AWAIT(f, cx, hd_yield_init(&f->ack));
  pthread_mutex_unlock(&f->st->mu);
#endif
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(two_sessions, int, hd_join_handle *a; hd_join_handle *b; hd_join j;);
HD_ASYNC(two_sessions, f, cx, NULL) {
  {
    handle_frame h;
    HD_ASYNC_INIT(&h, handle_frame);
    h.st = &st;
    f->a = hd_spawn(&h.hd);
    HD_ASYNC_INIT(&h, handle_frame);
    h.st = &st;
    f->b = hd_spawn(&h.hd);
  }
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->a));
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->b));
  hd_join_handle_drop(f->a);
  hd_join_handle_drop(f->b);
}
HD_ASYNC_END(f)

void hd_shadow_test(void) {
  pthread_mutex_init(&st.mu, NULL);
  st.frames = 0;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  two_sessions t;
  HD_ASYNC_INIT(&t, two_sessions);
  hd_block_on(rt, &t.hd);
  hd_runtime_free(rt);
  HD_SHADOW_CHECK(st.frames == 2);
}
