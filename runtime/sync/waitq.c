/* Intrusive FIFO queues of waiters and deferred wakes (see waitq.h). */
#include "sync/waitq.h"

void hd__waitq_push(hd__waitq *q, hd__waiter *w) {
  w->next = NULL;
  w->prev = q->tail;
  if (q->tail)
    q->tail->next = w;
  else
    q->head = w;
  q->tail = w;
  w->state = HD__WAIT_QUEUED;
}

void hd__waitq_remove(hd__waitq *q, hd__waiter *w) {
  if (w->prev)
    w->prev->next = w->next;
  else
    q->head = w->next;
  if (w->next)
    w->next->prev = w->prev;
  else
    q->tail = w->prev;
  w->prev = w->next = NULL;
}

hd__waiter *hd__waitq_pop(hd__waitq *q) {
  hd__waiter *w = q->head;
  if (w)
    hd__waitq_remove(q, w);
  return w;
}

hd_waker hd__waker_swap(hd_waker *slot, const hd_context *cx) {
  hd_waker old = {0};
  if (hd_waker_will_wake(slot, cx->waker))
    return old;
  old = *slot;
  *slot = hd_waker_clone(cx->waker);
  return old;
}

void hd__wake_batch_take(hd__wake_batch *b, hd_waker *w) {
  b->w[b->n++] = *w;
  *w = (hd_waker){0};
}

void hd__wake_batch_fire(hd__wake_batch *b) {
  for (int i = 0; i < b->n; i++)
    hd_waker_wake(&b->w[i]);
  b->n = 0;
}
