/* A subscriber list is locked once before the fan-out loop and unlocked
 * after it, and the loop awaits each delivery ("hold the list while we
 * iterate it"). Bad: the mutex is held at the await on every iteration,
 * from the entry edge and around the back edge alike. */
#include <pthread.h>

#include "heddle/heddle.h"

typedef struct subscribers {
  pthread_mutex_t mu;
  int ids[16];
  int count;
} subscribers;

HD_ASYNC_FN(publish, int, subscribers *subs; int i; hd_yield deliver;);
HD_ASYNC(publish, f, cx, NULL) {
  pthread_mutex_lock(&f->subs->mu);
  for (f->i = 0; f->i < f->subs->count; f->i++)
    HD_AWAIT(f, cx, hd_yield_init(&f->deliver)); /* expect: lock-across-await */
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
