/* The blocking pool (see blocking_pool.h). */
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>

#include "blocking_pool.h"
#include "heddle/error.h"
#include "task.h"

#define MAX_THREADS_LIMIT 512

struct hd__blocking_pool {
  pthread_mutex_t lock;
  pthread_cond_t work;
  hd__task *head, *tail; /* queued tasks, linked through ->next */
  unsigned threads, idle, max_threads;
  pthread_t tids[MAX_THREADS_LIMIT];
  bool stop;
};

static void *pool_thread(void *arg) {
  hd__blocking_pool *p = arg;
  pthread_mutex_lock(&p->lock);
  for (;;) {
    while (!p->head && !p->stop) {
      p->idle++;
      pthread_cond_wait(&p->work, &p->lock);
      p->idle--;
    }
    if (!p->head)
      break;
    hd__task *t = p->head;
    p->head = t->next;
    if (!p->head)
      p->tail = NULL;
    pthread_mutex_unlock(&p->lock);
    hd__task_finish_blocking(t, t->blocking_fn(t->blocking_arg));
    pthread_mutex_lock(&p->lock);
  }
  pthread_mutex_unlock(&p->lock);
  return NULL;
}

hd__blocking_pool *hd__blocking_pool_new(unsigned max_threads) {
  hd__blocking_pool *p = calloc(1, sizeof *p);
  if (!p)
    return NULL;
  pthread_mutex_init(&p->lock, NULL);
  pthread_cond_init(&p->work, NULL);
  p->max_threads = max_threads && max_threads < MAX_THREADS_LIMIT ? max_threads : MAX_THREADS_LIMIT;
  return p;
}

int hd__blocking_pool_submit(hd__blocking_pool *p, hd__task *t) {
  pthread_mutex_lock(&p->lock);
  int err = 0;
  if (p->idle == 0 && p->threads < p->max_threads) {
    if (pthread_create(&p->tids[p->threads], NULL, pool_thread, p) == 0)
      p->threads++;
    else if (p->threads == 0)
      err = HD_ENOMEM;
  }
  if (!err) {
    t->next = NULL;
    if (p->tail)
      p->tail->next = t;
    else
      p->head = t;
    p->tail = t;
    pthread_cond_signal(&p->work);
  }
  pthread_mutex_unlock(&p->lock);
  return err;
}

void hd__blocking_pool_free(hd__blocking_pool *p) {
  if (!p)
    return;
  pthread_mutex_lock(&p->lock);
  p->stop = true;
  pthread_cond_broadcast(&p->work);
  pthread_mutex_unlock(&p->lock);
  for (unsigned i = 0; i < p->threads; i++)
    pthread_join(p->tids[i], NULL);
  pthread_cond_destroy(&p->work);
  pthread_mutex_destroy(&p->lock);
  free(p);
}
