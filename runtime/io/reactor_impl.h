/* runtime/io/reactor_impl.h - the reactor's fields, shared by epoll.c (fds,
 * turn, unpark) and timer_heap.c (the timer heap). Private to runtime/io.
 *
 * Everything below `lock` is guarded by it, except `events`/`fired`, which
 * only the thread inside hd__reactor_turn touches (one turn at a time), and
 * `notified`, an atomic that coalesces unparks.
 */
#ifndef HEDDLE_RUNTIME_IO_REACTOR_IMPL_H
#define HEDDLE_RUNTIME_IO_REACTOR_IMPL_H

#include <pthread.h>
#include <stdatomic.h>

#include "reactor.h"

/* A registration slot: the source and a generation bumped at each
 * deregistration, so stale epoll tokens miss. */
typedef struct hd__io_slot {
  hd__io_source *src; /* NULL when free */
  uint32_t gen;
  uint32_t next_free;
} hd__io_slot;

/* Wakers collected under the lock and woken after it is released. */
typedef struct hd__waker_list {
  hd_waker *items;
  size_t len;
  size_t cap;
} hd__waker_list;

struct hd__reactor {
  int epfd;
  int evfd;
  atomic_bool notified; /* an unpark is pending in evfd */
  pthread_mutex_t lock;
  hd__io_slot *slots;
  uint32_t nslots;
  uint32_t free_head; /* UINT32_MAX: none */
  hd__timer **heap;   /* min-heap by deadline_ms */
  size_t heap_len;
  size_t heap_cap;
  hd__waker_list fired;
  /* When a turn is blocked, the deadline its epoll timeout ends at
   * (UINT64_MAX: no timeout); 0 outside a blocking wait. A timer queued
   * with an earlier deadline unparks the turn so it recomputes. */
  uint64_t waiting_until;
};

/* Moves *w into the list (w is empty afterwards); on allocation failure
 * wakes it at once, which is early but never lost. Lock held. */
void hd__waker_list_push(hd__waker_list *l, hd_waker *w);

/* Timer heap, lock held: the earliest deadline (false when empty), and
 * popping every timer due at now_ms into `fired`. */
bool hd__timer_heap_next(const hd__reactor *r, uint64_t *deadline_ms);
void hd__timer_heap_fire(hd__reactor *r, uint64_t now_ms);
/* Unqueues every timer and drops its waker (hd__reactor_free). */
void hd__timer_heap_clear(hd__reactor *r);

#endif
