/* A scanner that walks a shared index under its mutex and breaks out of the
 * loop as soon as it finds a stale entry, meaning to refresh it; the break
 * skips the unlock at the bottom of the body. Bad: the mutex is held at the
 * refresh await after the loop. */
#include <pthread.h>

#include "heddle/heddle.h"

typedef struct index_table {
  pthread_mutex_t mu;
  int stamp[16];
  int now;
} index_table;

HD_ASYNC_FN(find_stale, int, index_table *t; int slot; int found; hd_yield y;);
HD_ASYNC(find_stale, f, cx, NULL) {
  f->found = -1;
  for (f->slot = 0; f->slot < 16; f->slot++) {
    pthread_mutex_lock(&f->t->mu);
    if (f->t->stamp[f->slot] + 60 < f->t->now) {
      f->found = f->slot;
      break;
    }
    pthread_mutex_unlock(&f->t->mu);
  }
  if (f->found < 0)
    HD_RETURN(f, -1);
  HD_AWAIT(f, cx, hd_yield_init(&f->y)); /* expect: lock-across-await */
  f->t->stamp[f->found] = f->t->now;
  pthread_mutex_unlock(&f->t->mu);
  HD_RETURN(f, f->found);
}
HD_ASYNC_END(f)

int main(void) {
  static index_table t = {.mu = PTHREAD_MUTEX_INITIALIZER, .now = 100};
  static find_stale task;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&task, find_stale);
  task.t = &t;
  hd_block_on(rt, &task.hd);
  hd_runtime_free(rt);
  return 0;
}
