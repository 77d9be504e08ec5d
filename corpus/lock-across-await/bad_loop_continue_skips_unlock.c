/* A ticker loop: every tick it locks the outbox and flushes it; when the
 * outbox is empty it `continue`s, skipping the unlock (a classic
 * early-continue bug). Bad: the mutex then travels around the back edge and
 * is held at the tick await at the top of the next iteration. */
#include <pthread.h>

#include "heddle/heddle.h"

typedef struct outbox {
  pthread_mutex_t mu;
  int pending;
  long sent;
} outbox;

HD_ASYNC_FN(flusher, int, outbox *o; int ticks; hd_sleep tick;);
HD_ASYNC(flusher, f, cx, NULL) {
  while (f->ticks-- > 0) {
    HD_AWAIT(f, cx, hd_sleep_init(&f->tick, 100)); /* expect: lock-across-await */
    pthread_mutex_lock(&f->o->mu);
    if (f->o->pending == 0)
      continue;
    f->o->sent += f->o->pending;
    f->o->pending = 0;
    pthread_mutex_unlock(&f->o->mu);
  }
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static outbox o = {PTHREAD_MUTEX_INITIALIZER, 3, 0};
  static flusher task;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&task, flusher);
  task.o = &o;
  task.ticks = 10;
  hd_block_on(rt, &task.hd);
  hd_runtime_free(rt);
  return 0;
}
