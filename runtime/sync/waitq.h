/* runtime/sync/waitq.h - queues of waiting futures and deferred wakes
 * (private to runtime/sync).
 *
 * Every function here is called with the owning primitive's internal lock
 * held, except hd__wake_batch_fire, which must be called after releasing it:
 * wakers are moved out of the queue under the lock and fired (or dropped)
 * outside it.
 */
#ifndef HEDDLE_RUNTIME_SYNC_WAITQ_H
#define HEDDLE_RUNTIME_SYNC_WAITQ_H

#include "heddle/sync.h"

/* Appends w (state set to QUEUED). */
void hd__waitq_push(hd__waitq *q, hd__waiter *w);
/* Unlinks and returns the head, or NULL. The state is left to the caller. */
hd__waiter *hd__waitq_pop(hd__waitq *q);
/* Unlinks w, which must be in q. */
void hd__waitq_remove(hd__waitq *q, hd__waiter *w);

/* Stores a clone of cx's waker in *slot unless it already wakes the same
 * task. Returns the displaced waker (maybe empty), to be dropped after the
 * lock is released. */
hd_waker hd__waker_swap(hd_waker *slot, const hd_context *cx);

/* Wakers collected under a lock, fired after it. Fixed size: a caller that
 * fills it releases the lock, fires, and takes the lock again. */
#define HD__WAKE_BATCH 16
typedef struct hd__wake_batch {
  hd_waker w[HD__WAKE_BATCH];
  int n;
} hd__wake_batch;

static inline bool hd__wake_batch_full(const hd__wake_batch *b) {
  return b->n == HD__WAKE_BATCH;
}
/* Moves *w (emptying it) into the batch, which must not be full. */
void hd__wake_batch_take(hd__wake_batch *b, hd_waker *w);
/* Wakes and empties the batch (no lock held). */
void hd__wake_batch_fire(hd__wake_batch *b);

/* The FIFO semaphore core (heddle/sync.h hd__sem). */
void hd__sem_init(hd__sem *s, size_t permits);
void hd__sem_destroy(hd__sem *s);
/* Takes n permits now: 0, HD_EEMPTY (not enough, or someone is queued),
 * HD_ECLOSED. */
int hd__sem_try(hd__sem *s, size_t n);
/* The poll step of an acquire future for n permits: HD_READY with *err 0
 * (the permits are the caller's) or HD_ECLOSED, or HD_PENDING (queued). */
hd_poll hd__sem_poll(hd__sem *s, hd__waiter *w, size_t n, hd_context *cx, int *err);
/* The drop step of an unfinished acquire future: leaves the queue, or gives
 * back permits it was granted but had not observed. */
void hd__sem_cancel(hd__sem *s, hd__waiter *w);
/* Adds n permits and grants them to queued waiters in order. */
void hd__sem_release(hd__sem *s, size_t n);
void hd__sem_close(hd__sem *s);
size_t hd__sem_available(hd__sem *s);
bool hd__sem_is_closed(hd__sem *s);

#endif
