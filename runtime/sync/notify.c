/* hd_notify (see heddle/sync.h).
 *
 * Under n->lock: `permit` is set only while the queue is empty (notify_one
 * with nobody queued); `gen` counts notify_waiters calls, and a notified
 * future remembers the value it saw when it was created, so a call made
 * after its creation completes it even if it had not been polled yet.
 */
#include "sync/waitq.h"

void hd_notify_init(hd_notify *n) {
  pthread_mutex_init(&n->lock, NULL);
  n->permit = false;
  n->gen = 0;
  n->queue.head = n->queue.tail = NULL;
}

void hd_notify_destroy(hd_notify *n) {
  pthread_mutex_destroy(&n->lock);
}

/* Under the lock: hands one notification to the head waiter, or stores the
 * permit. Returns the waker to fire after unlocking. */
static hd_waker notify_one_locked(hd_notify *n) {
  hd_waker wk = {0};
  hd__waiter *w = hd__waitq_pop(&n->queue);
  if (!w) {
    n->permit = true;
    return wk;
  }
  w->state = HD__WAIT_GRANTED;
  w->by_one = true;
  wk = w->waker;
  w->waker = (hd_waker){0};
  return wk;
}

void hd_notify_notify_one(hd_notify *n) {
  pthread_mutex_lock(&n->lock);
  hd_waker wk = notify_one_locked(n);
  pthread_mutex_unlock(&n->lock);
  hd_waker_wake(&wk);
}

void hd_notify_notify_waiters(hd_notify *n) {
  hd__wake_batch b = {.n = 0};
  pthread_mutex_lock(&n->lock);
  unsigned gen = ++n->gen;
  for (;;) {
    /* Waiters queued while the lock was released below saw the new
     * generation: they wait for the next call, so stop at them. */
    hd__waiter *w;
    while (!hd__wake_batch_full(&b) && (w = n->queue.head) && w->gen != gen) {
      hd__waitq_pop(&n->queue);
      w->state = HD__WAIT_GRANTED;
      w->by_one = false;
      hd__wake_batch_take(&b, &w->waker);
    }
    bool more = n->queue.head && n->queue.head->gen != gen;
    pthread_mutex_unlock(&n->lock);
    hd__wake_batch_fire(&b);
    if (!more)
      return;
    pthread_mutex_lock(&n->lock);
  }
}

static hd_poll notified_poll(hd_future *self, hd_context *cx) {
  hd_notify_notified *f = (hd_notify_notified *)self;
  hd_notify *n = f->notify;
  if (!n) {
    f->out = HD_EINVAL;
    return HD_READY;
  }
  hd_waker old = {0};
  hd_poll r = HD_PENDING;
  pthread_mutex_lock(&n->lock);
  switch (f->w.state) {
  case HD__WAIT_IDLE:
    if (n->gen != f->w.gen) {
      r = HD_READY;
    } else if (n->permit) {
      n->permit = false;
      r = HD_READY;
    } else {
      old = hd__waker_swap(&f->w.waker, cx);
      hd__waitq_push(&n->queue, &f->w);
    }
    break;
  case HD__WAIT_QUEUED:
    old = hd__waker_swap(&f->w.waker, cx);
    break;
  default: /* GRANTED */
    r = HD_READY;
    break;
  }
  if (r == HD_READY)
    f->w.state = HD__WAIT_DONE;
  pthread_mutex_unlock(&n->lock);
  hd_waker_drop(&old);
  f->out = 0;
  return r;
}

static void notified_drop(hd_future *self) {
  hd_notify_notified *f = (hd_notify_notified *)self;
  hd_notify *n = f->notify;
  if (!n)
    return;
  hd_waker pass = {0};
  pthread_mutex_lock(&n->lock);
  hd_waker old = f->w.waker;
  f->w.waker = (hd_waker){0};
  if (f->w.state == HD__WAIT_QUEUED)
    hd__waitq_remove(&n->queue, &f->w);
  else if (f->w.state == HD__WAIT_GRANTED && f->w.by_one)
    pass = notify_one_locked(n); /* received but never observed: pass it on */
  f->w.state = HD__WAIT_DONE;
  pthread_mutex_unlock(&n->lock);
  hd_waker_wake(&pass);
  hd_waker_drop(&old);
}

static const hd_future_vtable notified_vtable = {"hd_notify_notified", notified_poll, notified_drop,
                                                 sizeof(hd_notify_notified)};

hd_future *hd_notify_notified_init(hd_notify_notified *f, hd_notify *n) {
  memset(f, 0, sizeof *f);
  hd_future_init(&f->hd, &notified_vtable);
  f->notify = n;
  if (n) {
    pthread_mutex_lock(&n->lock);
    f->w.gen = n->gen;
    pthread_mutex_unlock(&n->lock);
  }
  return &f->hd;
}
