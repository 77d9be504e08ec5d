/* The fan-out fixed with the unlock/await/relock idiom: the list is locked
 * before the loop, each iteration copies one id, unlocks, awaits the
 * delivery and locks again before the loop test; the final unlock follows
 * the loop. Good: the lock is held at the loop head but released at every
 * await. */
#include <pthread.h>

#include "heddle/heddle.h"

typedef struct subscribers {
  pthread_mutex_t mu;
  int ids[16];
  int count;
} subscribers;

HD_ASYNC_FN(publish, int, subscribers *subs; int i; int id; hd_yield deliver;);
HD_ASYNC(publish, f, cx, NULL) {
  pthread_mutex_lock(&f->subs->mu);
  for (f->i = 0; f->i < f->subs->count; f->i++) {
    f->id = f->subs->ids[f->i];
    pthread_mutex_unlock(&f->subs->mu);
    HD_AWAIT(f, cx, hd_yield_init(&f->deliver));
    pthread_mutex_lock(&f->subs->mu);
  }
  pthread_mutex_unlock(&f->subs->mu);
  HD_RETURN(f, f->i);
}
HD_ASYNC_END(f)

int main(void) {
  static subscribers subs = {.mu = PTHREAD_MUTEX_INITIALIZER, .ids = {1, 2, 3}, .count = 3};
  static publish task;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&task, publish);
  task.subs = &subs;
  hd_block_on(rt, &task.hd);
  hd_runtime_free(rt);
  return task.out != 3;
}
