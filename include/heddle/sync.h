/* heddle/sync.h - async mutex, rwlock, semaphore and notify.
 *
 * Every primitive here is thread-safe: its futures may be polled on any
 * worker of the multi-thread executor and its release/notify calls may come
 * from any thread. Each primitive keeps one pthread mutex (the "internal
 * lock") that guards its counters and its FIFO queue of waiting futures; it
 * is held only for a few instructions and never while a waker is called or
 * dropped (wakes are taken out of the queue under the lock and fired after
 * it is released, so a wake that drops the last reference of a task whose
 * future touches the same primitive cannot deadlock).
 *
 * Waiting futures are queued intrusively: a lock future contains its queue
 * node (hd__waiter), so it must stay put once polled (as every future).
 * A waiter's state machine (field `state`, read and written only under the
 * internal lock of the primitive it waits on):
 *
 *     IDLE --poll, must wait--> QUEUED --release/notify--> GRANTED --poll--> DONE
 *       |                         |                           |
 *       |                         +--close--> CLOSED --poll--> DONE (error)
 *       +--poll, available at once--> DONE
 *
 * Dropping a future in QUEUED unlinks it (it loses its place, nothing
 * else); dropping it in GRANTED gives back what it was handed (the next
 * waiter gets it), so a cancelled lock future never leaks the lock.
 *
 * Hand-off: release grants the lock/permits to the head of the queue
 * directly (the counter never shows them free), so a newcomer cannot barge
 * ahead of a woken waiter: acquisition order is exactly FIFO.
 *
 * Guards (hd_mutex_guard, hd_rwlock_guard, hd_semaphore_permit) are plain
 * structs a frame embeds. A lock future writes the guard when it completes;
 * releasing a guard is idempotent (it clears itself), so an async
 * function's drop hook can release every guard field unconditionally:
 *
 *     static void worker_drop(hd_future *self) {
 *       hd_mutex_guard_release(&((worker *)self)->guard);   // no-op if not held
 *     }
 *
 * That is what makes dropping (cancelling) a task that holds a lock unlock it.
 */
#ifndef HEDDLE_SYNC_H
#define HEDDLE_SYNC_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>

#include "heddle/future.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- internal: queue nodes (do not touch the fields) ------------------ */

enum hd__wait_state {
  HD__WAIT_IDLE = 0, /* not queued yet (or never polled) */
  HD__WAIT_QUEUED,   /* linked in the primitive's queue */
  HD__WAIT_GRANTED,  /* handed what it waited for; not yet observed */
  HD__WAIT_CLOSED,   /* unlinked because the primitive was closed */
  HD__WAIT_DONE      /* completed (observed by its poll) */
};

typedef struct hd__waiter {
  struct hd__waiter *prev, *next;
  hd_waker waker; /* a clone of the waiting task's waker */
  size_t need;    /* permits wanted (semaphores) */
  unsigned gen;   /* notify_waiters generation seen at creation */
  int state;      /* enum hd__wait_state */
  bool by_one;    /* notify: granted by notify_one (passed on when dropped) */
} hd__waiter;

typedef struct hd__waitq {
  hd__waiter *head, *tail;
} hd__waitq;

/* A FIFO semaphore: the core of mutex, rwlock and semaphore. */
typedef struct hd__sem {
  pthread_mutex_t lock;
  size_t permits; /* free permits (granted ones are already subtracted) */
  bool closed;
  hd__waitq queue;
} hd__sem;

/* clang-format off */
#define HD__SEM_INITIALIZER(n) {PTHREAD_MUTEX_INITIALIZER, (n), false, {NULL, NULL}}
/* clang-format on */

/* ---- hd_mutex ----------------------------------------------------------- */

/* An async mutex: FIFO-fair, with hand-off. Its guard may be held across
 * awaits. Initialise with hd_mutex_init or HD_MUTEX_INITIALIZER. */
typedef struct HD_SYNC hd_mutex {
  hd__sem sem;
} hd_mutex;

#define HD_MUTEX_INITIALIZER                                                                       \
  { HD__SEM_INITIALIZER(1) }

/* Proof of holding a mutex. `mutex` is NULL when not held. */
typedef struct hd_mutex_guard {
  hd_mutex *mutex;
} hd_mutex_guard;

void hd_mutex_init(hd_mutex *m);
/* m must be unlocked with no future waiting on it. */
void hd_mutex_destroy(hd_mutex *m);

/* Locks now if the mutex is free and nobody is queued (no barging).
 * Returns 0 and fills *guard, or HD_EEMPTY when it would have to wait,
 * HD_EINVAL on NULL arguments. */
int hd_mutex_try_lock(hd_mutex *m, hd_mutex_guard *guard) HD_ASYNC_LOCK;

/* Unlocks (hands the mutex to the first queued lock future, if any) and
 * clears the guard. Idempotent: a guard that is not held is left alone. */
void hd_mutex_guard_release(hd_mutex_guard *guard);
bool hd_mutex_guard_held(const hd_mutex_guard *guard);

/* The lock future. Completes (output: *guard filled, `out` 0) once this
 * future is the owner. Cancel-safe in tokio's sense: dropping it before it
 * completes loses only its place in the queue; if the mutex had already
 * been handed to it, the drop passes it on to the next waiter, so the lock
 * is never leaked. Dropping the frame that holds the guard does NOT unlock
 * by itself: the frame's drop hook must call hd_mutex_guard_release. */
typedef struct HD_CANCEL_SAFE HD_ASYNC_LOCK hd_mutex_lock {
  hd_future hd;
  int out;
  hd_mutex *mutex;
  hd_mutex_guard *guard;
  hd__waiter w;
} hd_mutex_lock;

/* `guard` must outlive the future (put it in the awaiting frame); it is
 * written only on completion. */
hd_future *hd_mutex_lock_init(hd_mutex_lock *l, hd_mutex *m,
                              hd_mutex_guard *guard) HD_CANCEL_SAFE HD_ASYNC_LOCK;

/* ---- hd_rwlock ---------------------------------------------------------- */

/* An async reader-writer lock: one FIFO queue of readers and writers, so a
 * queued writer blocks readers that come after it (write-preferring, no
 * writer starvation); consecutive readers at the head are admitted
 * together. At most HD_RWLOCK_MAX_READERS concurrent readers. */
#define HD_RWLOCK_MAX_READERS ((size_t)1 << 30)

typedef struct HD_SYNC hd_rwlock {
  hd__sem sem;
} hd_rwlock;

#define HD_RWLOCK_INITIALIZER                                                                      \
  { HD__SEM_INITIALIZER(HD_RWLOCK_MAX_READERS) }

/* `lock` is NULL when not held; `write` tells which mode is held. */
typedef struct hd_rwlock_guard {
  hd_rwlock *lock;
  bool write;
} hd_rwlock_guard;

void hd_rwlock_init(hd_rwlock *rw);
void hd_rwlock_destroy(hd_rwlock *rw);
/* 0 and *guard filled, HD_EEMPTY if it would wait, HD_EINVAL. */
int hd_rwlock_try_read(hd_rwlock *rw, hd_rwlock_guard *guard) HD_ASYNC_LOCK;
int hd_rwlock_try_write(hd_rwlock *rw, hd_rwlock_guard *guard) HD_ASYNC_LOCK;
/* Releases the held mode; idempotent. */
void hd_rwlock_guard_release(hd_rwlock_guard *guard);

/* Read or write lock future; same cancel-safety as hd_mutex_lock. */
typedef struct HD_CANCEL_SAFE HD_ASYNC_LOCK hd_rwlock_lock {
  hd_future hd;
  int out;
  hd_rwlock *lock;
  hd_rwlock_guard *guard;
  hd__waiter w;
} hd_rwlock_lock;

hd_future *hd_rwlock_read_init(hd_rwlock_lock *l, hd_rwlock *rw,
                               hd_rwlock_guard *guard) HD_CANCEL_SAFE HD_ASYNC_LOCK;
hd_future *hd_rwlock_write_init(hd_rwlock_lock *l, hd_rwlock *rw,
                                hd_rwlock_guard *guard) HD_CANCEL_SAFE HD_ASYNC_LOCK;

/* ---- hd_semaphore ------------------------------------------------------- */

/* A counting semaphore, FIFO: a large request at the head of the queue
 * holds back smaller ones behind it. It can be closed: queued and future
 * acquisitions then fail with HD_ECLOSED. */
typedef struct HD_SYNC hd_semaphore {
  hd__sem sem;
} hd_semaphore;

#define HD_SEMAPHORE_INITIALIZER(permits)                                                          \
  { HD__SEM_INITIALIZER(permits) }

/* Permits held. `sem` is NULL when nothing is held. */
typedef struct hd_semaphore_permit {
  hd_semaphore *sem;
  size_t n;
} hd_semaphore_permit;

void hd_semaphore_init(hd_semaphore *s, size_t permits);
void hd_semaphore_destroy(hd_semaphore *s);
/* Adds n permits (waking queued acquirers in order). */
void hd_semaphore_release(hd_semaphore *s, size_t n);
size_t hd_semaphore_available(hd_semaphore *s);
/* Fails every queued and later acquisition with HD_ECLOSED. Permits already
 * held stay valid and may still be released. */
void hd_semaphore_close(hd_semaphore *s);
bool hd_semaphore_is_closed(hd_semaphore *s);
/* Takes n permits now: 0 (and *permit filled), HD_EEMPTY if it would wait
 * (not enough permits or someone queued), HD_ECLOSED, HD_EINVAL. */
int hd_semaphore_try_acquire(hd_semaphore *s, size_t n, hd_semaphore_permit *permit) HD_ASYNC_LOCK;
/* Gives the permits back; idempotent. */
void hd_semaphore_permit_release(hd_semaphore_permit *permit);
/* Clears the permit without giving the permits back (they are consumed). */
void hd_semaphore_permit_forget(hd_semaphore_permit *permit);

/* Acquires n permits. Output `out`: 0 (and *permit filled) or HD_ECLOSED.
 * Cancel-safe like hd_mutex_lock: a drop loses the queue position only;
 * permits already handed to it are given back. */
typedef struct HD_CANCEL_SAFE HD_ASYNC_LOCK hd_semaphore_acquire {
  hd_future hd;
  int out;
  hd_semaphore *sem;
  hd_semaphore_permit *permit;
  hd__waiter w;
} hd_semaphore_acquire;

hd_future *hd_semaphore_acquire_init(hd_semaphore_acquire *a, hd_semaphore *s, size_t n,
                                     hd_semaphore_permit *permit) HD_CANCEL_SAFE HD_ASYNC_LOCK;

/* ---- hd_notify ---------------------------------------------------------- */

/* Wakes tasks without data (tokio::sync::Notify).
 * notify_one wakes the first queued hd_notify_notified future or, if none
 * is queued, stores one permit (at most one) that the next notified future
 * consumes at once. notify_waiters wakes every notified future created
 * before the call (polled yet or not) and stores no permit. */
typedef struct HD_SYNC hd_notify {
  pthread_mutex_t lock;
  bool permit;
  unsigned gen; /* count of notify_waiters calls */
  hd__waitq queue;
} hd_notify;

/* clang-format off */
#define HD_NOTIFY_INITIALIZER {PTHREAD_MUTEX_INITIALIZER, false, 0, {NULL, NULL}}
/* clang-format on */

void hd_notify_init(hd_notify *n);
void hd_notify_destroy(hd_notify *n);
void hd_notify_notify_one(hd_notify *n);
void hd_notify_notify_waiters(hd_notify *n);

/* Completes when notified. Cancel-safe: dropping it loses nothing; a
 * notify_one it had received but not yet observed is passed on to the next
 * waiter (or stored back as the permit). */
typedef struct HD_CANCEL_SAFE hd_notify_notified {
  hd_future hd;
  int out;
  hd_notify *notify;
  hd__waiter w;
} hd_notify_notified;

hd_future *hd_notify_notified_init(hd_notify_notified *f, hd_notify *n) HD_CANCEL_SAFE;

#ifdef __cplusplus
}
#endif
#endif
