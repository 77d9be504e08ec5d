/* The fixed queue consumer: each iteration pops a job under the mutex,
 * unlocks, and only then awaits the job. Good: the lock is taken and released
 * within one iteration before the await, and the loop exit path unlocks too. */
#include <pthread.h>

#include "heddle/heddle.h"

typedef struct work_queue {
  pthread_mutex_t mu;
  hd_join_handle *jobs[32];
  int head, tail;
} work_queue;

HD_ASYNC_FN(consumer, int, work_queue *q; int done; hd_join_handle *job; hd_join j;);
HD_ASYNC(consumer, f, cx, NULL) {
  for (;;) {
    pthread_mutex_lock(&f->q->mu);
    if (f->q->head == f->q->tail) {
      pthread_mutex_unlock(&f->q->mu);
      break;
    }
    f->job = f->q->jobs[f->q->head++ % 32];
    pthread_mutex_unlock(&f->q->mu);
    HD_AWAIT(f, cx, hd_join_init(&f->j, f->job));
    hd_join_handle_drop(f->job);
    f->done++;
  }
  HD_RETURN(f, f->done);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(job, int, hd_yield y;);
HD_ASYNC(job, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_yield_init(&f->y));
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static work_queue q = {.mu = PTHREAD_MUTEX_INITIALIZER};
  static job jobs[4];
  static consumer task;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  for (int i = 0; i < 4; i++) {
    HD_ASYNC_INIT(&jobs[i], job);
    q.jobs[q.tail++] = hd_spawn_on(rt, &jobs[i].hd);
  }
  HD_ASYNC_INIT(&task, consumer);
  task.q = &q;
  hd_block_on(rt, &task.hd);
  hd_runtime_free(rt);
  return task.out != 4;
}
