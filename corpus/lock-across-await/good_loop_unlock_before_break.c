/* A producer that waits for room in a bounded buffer: an endless loop locks
 * the buffer, and when there is room it pushes, unlocks and breaks;
 * otherwise it unlocks and yields. Good: the only exit of `for (;;)` is the
 * break after the unlock, and the yield follows an unlock too. */
#include <pthread.h>

#include "heddle/heddle.h"

typedef struct ring {
  pthread_mutex_t mu;
  int slots[8];
  unsigned head, tail;
} ring;

HD_ASYNC_FN(push_when_room, int, ring *r; int value; hd_yield y;);
HD_ASYNC(push_when_room, f, cx, NULL) {
  for (;;) {
    pthread_mutex_lock(&f->r->mu);
    if (f->r->tail - f->r->head < 8) {
      f->r->slots[f->r->tail++ % 8] = f->value;
      pthread_mutex_unlock(&f->r->mu);
      break;
    }
    pthread_mutex_unlock(&f->r->mu);
    HD_AWAIT(f, cx, hd_yield_init(&f->y));
  }
  HD_AWAIT(f, cx, hd_yield_init(&f->y)); /* give the consumer a turn */
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static ring r = {.mu = PTHREAD_MUTEX_INITIALIZER};
  static push_when_room task;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&task, push_when_room);
  task.r = &r;
  task.value = 5;
  hd_block_on(rt, &task.hd);
  hd_runtime_free(rt);
  return 0;
}
