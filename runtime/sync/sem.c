/* The FIFO semaphore behind hd_mutex, hd_rwlock and hd_semaphore.
 *
 * Invariant (under s->lock): if the queue is not empty, its head needs more
 * permits than are free. Every change that frees permits or removes the
 * head re-establishes it by granting from the head (hand-off): granted
 * permits are subtracted at once and the waiter is marked GRANTED, so no
 * newcomer can take them first.
 */
#include "sync/waitq.h"

void hd__sem_init(hd__sem *s, size_t permits) {
  pthread_mutex_init(&s->lock, NULL);
  s->permits = permits;
  s->closed = false;
  s->queue.head = s->queue.tail = NULL;
}

void hd__sem_destroy(hd__sem *s) {
  pthread_mutex_destroy(&s->lock);
}

int hd__sem_try(hd__sem *s, size_t n) {
  int r;
  pthread_mutex_lock(&s->lock);
  if (s->closed)
    r = HD_ECLOSED;
  else if (!s->queue.head && s->permits >= n) {
    s->permits -= n;
    r = 0;
  } else
    r = HD_EEMPTY;
  pthread_mutex_unlock(&s->lock);
  return r;
}

/* Called locked; returns unlocked. Grants free permits to the head waiters
 * while they fit, firing their wakers outside the lock in batches. */
static void grant_and_unlock(hd__sem *s) {
  hd__wake_batch b = {.n = 0};
  for (;;) {
    hd__waiter *w;
    while (!hd__wake_batch_full(&b) && (w = s->queue.head) && w->need <= s->permits) {
      hd__waitq_pop(&s->queue);
      s->permits -= w->need;
      w->state = HD__WAIT_GRANTED;
      hd__wake_batch_take(&b, &w->waker);
    }
    bool more = hd__wake_batch_full(&b);
    pthread_mutex_unlock(&s->lock);
    hd__wake_batch_fire(&b);
    if (!more)
      return;
    pthread_mutex_lock(&s->lock);
  }
}

hd_poll hd__sem_poll(hd__sem *s, hd__waiter *w, size_t n, hd_context *cx, int *err) {
  hd_waker old = {0};
  hd_poll r = HD_PENDING;
  pthread_mutex_lock(&s->lock);
  switch (w->state) {
  case HD__WAIT_IDLE:
    if (s->closed) {
      *err = HD_ECLOSED;
      r = HD_READY;
    } else if (!s->queue.head && s->permits >= n) {
      s->permits -= n;
      *err = 0;
      r = HD_READY;
    } else {
      w->need = n;
      old = hd__waker_swap(&w->waker, cx);
      hd__waitq_push(&s->queue, w);
    }
    break;
  case HD__WAIT_QUEUED:
    old = hd__waker_swap(&w->waker, cx);
    break;
  case HD__WAIT_GRANTED:
    *err = 0;
    r = HD_READY;
    break;
  default: /* CLOSED */
    *err = HD_ECLOSED;
    r = HD_READY;
    break;
  }
  if (r == HD_READY)
    w->state = HD__WAIT_DONE;
  pthread_mutex_unlock(&s->lock);
  hd_waker_drop(&old);
  return r;
}

void hd__sem_cancel(hd__sem *s, hd__waiter *w) {
  pthread_mutex_lock(&s->lock);
  int state = w->state;
  hd_waker old = w->waker;
  w->waker = (hd_waker){0};
  w->state = HD__WAIT_DONE;
  if (state == HD__WAIT_QUEUED) {
    bool was_head = s->queue.head == w;
    hd__waitq_remove(&s->queue, w);
    /* A large request at the head may have been holding back others. */
    if (was_head) {
      grant_and_unlock(s);
      hd_waker_drop(&old);
      return;
    }
  } else if (state == HD__WAIT_GRANTED) {
    s->permits += w->need; /* handed over but never observed: pass it on */
    grant_and_unlock(s);
    hd_waker_drop(&old);
    return;
  }
  pthread_mutex_unlock(&s->lock);
  hd_waker_drop(&old);
}

void hd__sem_release(hd__sem *s, size_t n) {
  pthread_mutex_lock(&s->lock);
  s->permits += n;
  grant_and_unlock(s);
}

void hd__sem_close(hd__sem *s) {
  hd__wake_batch b = {.n = 0};
  pthread_mutex_lock(&s->lock);
  s->closed = true;
  for (;;) {
    hd__waiter *w;
    while (!hd__wake_batch_full(&b) && (w = hd__waitq_pop(&s->queue))) {
      w->state = HD__WAIT_CLOSED;
      hd__wake_batch_take(&b, &w->waker);
    }
    bool more = s->queue.head != NULL;
    pthread_mutex_unlock(&s->lock);
    hd__wake_batch_fire(&b);
    if (!more)
      return;
    pthread_mutex_lock(&s->lock);
  }
}

size_t hd__sem_available(hd__sem *s) {
  pthread_mutex_lock(&s->lock);
  size_t n = s->permits;
  pthread_mutex_unlock(&s->lock);
  return n;
}

bool hd__sem_is_closed(hd__sem *s) {
  pthread_mutex_lock(&s->lock);
  bool c = s->closed;
  pthread_mutex_unlock(&s->lock);
  return c;
}
