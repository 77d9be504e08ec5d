/* The async spin on a trylock (what a hand-rolled "async lock" over a
 * pthread mutex looks like): while trylock fails the task yields; once it
 * succeeds it appends to the journal and unlocks before the next await.
 * Good: every await is reached on a path where the trylock failed or after
 * the unlock. */
#include <pthread.h>

#include "heddle/heddle.h"

typedef struct journal {
  pthread_mutex_t mu;
  int entries[64];
  int len;
} journal;

HD_ASYNC_FN(journal_append, int, journal *j; int entry; hd_yield y;);
HD_ASYNC(journal_append, f, cx, NULL) {
  while (pthread_mutex_trylock(&f->j->mu) != 0)
    HD_AWAIT(f, cx, hd_yield_init(&f->y));
  if (f->j->len < 64)
    f->j->entries[f->j->len++] = f->entry;
  pthread_mutex_unlock(&f->j->mu);
  HD_AWAIT(f, cx, hd_yield_init(&f->y)); /* let the flusher run */
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static journal j = {.mu = PTHREAD_MUTEX_INITIALIZER};
  static journal_append task;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&task, journal_append);
  task.j = &j;
  task.entry = 7;
  hd_block_on(rt, &task.hd);
  hd_runtime_free(rt);
  return 0;
}
