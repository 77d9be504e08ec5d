/* A task hands a computation to a thread pool of the application and waits
 * for the answer on a pthread condition variable (instead of a oneshot
 * channel). Bad: pthread_cond_wait parks the executor's worker thread until
 * the pool signals; the mutex is released inside the same step, so this is
 * not lock-across-await, only blocking. */
#include <pthread.h>
#include <stdbool.h>

#include "heddle/heddle.h"

typedef struct slot {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  bool ready;
  long value;
} slot;

static void *pool_worker(void *arg) {
  slot *s = arg;
  pthread_mutex_lock(&s->mu);
  s->value = 42;
  s->ready = true;
  pthread_cond_signal(&s->cv);
  pthread_mutex_unlock(&s->mu);
  return NULL;
}

HD_ASYNC_FN(compute, long, slot *s; pthread_t th; hd_yield y;);
HD_ASYNC(compute, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_yield_init(&f->y));
  if (pthread_create(&f->th, NULL, pool_worker, f->s) != 0)
    HD_RETURN(f, -1);
  pthread_detach(f->th);
  pthread_mutex_lock(&f->s->mu);
  while (!f->s->ready)
    pthread_cond_wait(&f->s->cv, &f->s->mu); /* expect: blocking-in-async */
  f->out = f->s->value;
  pthread_mutex_unlock(&f->s->mu);
}
HD_ASYNC_END(f)

int main(void) {
  static slot s = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, false, 0};
  static compute c;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  HD_ASYNC_INIT(&c, compute);
  c.s = &s;
  hd_block_on(rt, &c.hd);
  hd_runtime_free(rt);
  return c.out != 42;
}
