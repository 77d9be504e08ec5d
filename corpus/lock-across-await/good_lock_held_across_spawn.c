/* A supervisor spawns one worker per pending job while holding the job
 * table's pthread mutex (so no job is spawned twice), and aborts a stale
 * worker under the same lock; it unlocks and only then awaits the workers.
 * Good: spawning, building a future and aborting a handle do not suspend;
 * only awaits count. */
#include <pthread.h>
#include <stdbool.h>

#include "heddle/heddle.h"

HD_ASYNC_FN(worker, int, int job; hd_yield y;);
HD_ASYNC(worker, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_yield_init(&f->y));
  HD_RETURN(f, f->job);
}
HD_ASYNC_END(f)

static hd_future *worker_init(worker *f, int job) {
  HD_ASYNC_INIT(f, worker);
  f->job = job;
  return &f->hd;
}

typedef struct job_table {
  pthread_mutex_t mu;
  bool started[4];
  hd_join_handle *handles[4];
  worker frames[4];
} job_table;

HD_ASYNC_FN(supervise, int, job_table *t; int i; hd_join j;);
HD_ASYNC(supervise, f, cx, NULL) {
  pthread_mutex_lock(&f->t->mu);
  for (int i = 0; i < 4; i++) {
    if (!f->t->started[i]) {
      f->t->handles[i] = hd_spawn(worker_init(&f->t->frames[i], i));
      f->t->started[i] = f->t->handles[i] != NULL;
    }
  }
  if (f->t->handles[3] != NULL)
    hd_join_handle_abort(f->t->handles[3]);
  pthread_mutex_unlock(&f->t->mu);
  for (f->i = 0; f->i < 4; f->i++) {
    if (f->t->handles[f->i] == NULL)
      continue;
    HD_AWAIT(f, cx, hd_join_init(&f->j, f->t->handles[f->i]));
    hd_join_handle_drop(f->t->handles[f->i]);
  }
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static job_table t = {.mu = PTHREAD_MUTEX_INITIALIZER};
  static supervise task;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  HD_ASYNC_INIT(&task, supervise);
  task.t = &t;
  hd_block_on(rt, &task.hd);
  hd_runtime_free(rt);
  return 0;
}
