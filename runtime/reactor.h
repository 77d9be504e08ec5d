/* runtime/reactor.h - the I/O and timer driver (private).
 *
 * One reactor per runtime: an epoll instance, an eventfd to interrupt a
 * blocked turn (unpark) and a binary min-heap of timers. Whoever drives the
 * runtime calls hd__reactor_turn when it has nothing to run: the
 * current-thread executor inside hd_block_on, the multi-thread executor on
 * a dedicated driver thread. Turning fires the wakers of ready fds and
 * expired timers; those wakers schedule tasks. Registration, timers and
 * unpark may be used from any thread (a mutex guards the heap and the
 * waker slots).
 */
#ifndef HEDDLE_RUNTIME_REACTOR_H
#define HEDDLE_RUNTIME_REACTOR_H

#include <stddef.h>
#include <stdint.h>

#include "heddle/future.h"

typedef struct hd__reactor hd__reactor;

/* Interest in one fd, embedded in the object that owns the fd (a stream).
 * The reactor stores a pointer: the source must stay put while registered. */
typedef struct hd__io_source {
  int fd;
  hd__reactor *reactor;
  hd_waker read_waker; /* guarded by the reactor's lock */
  hd_waker write_waker;
  uint32_t ready; /* sticky readiness bits (EPOLLIN/OUT/HUP/ERR) */
  /* Private to the reactor, under its lock. token names the registration
   * slot (index | generation << 32): epoll reports tokens, never pointers,
   * so an event for a source deregistered meanwhile is recognised and
   * ignored. tick counts readiness events; read_tick/write_tick remember
   * the tick seen by the last poll that returned true, so a clear after
   * an EAGAIN does not erase an event that arrived after that poll. */
  uint64_t token;
  uint32_t tick;
  uint32_t read_tick;
  uint32_t write_tick;
} hd__io_source;

/* One timer, embedded in a future (sleep, timeout). */
typedef struct hd__timer {
  uint64_t deadline_ms; /* on hd__now_ms's clock */
  size_t heap_index;    /* position in the heap, SIZE_MAX when not queued */
  hd_waker waker;
  bool fired;
} hd__timer;

hd__reactor *hd__reactor_new(void);
/* Frees r. Sources must be deregistered first; timers still queued are
 * unqueued and their wakers dropped. */
void hd__reactor_free(hd__reactor *r);
/* Waits up to timeout_ms (-1: until something happens) for I/O, a timer or
 * an unpark; fires what is ready. Returns the number of wakers fired. */
int hd__reactor_turn(hd__reactor *r, int timeout_ms);
/* Interrupts a turn in progress (or makes the next one return at once). */
void hd__reactor_unpark(hd__reactor *r);

/* Registers fd in src (edge-triggered, read+write); src starts optimistic
 * (readable and writable) so the first syscall is simply tried. 0 or HD_E*
 * (HD_EBADF for a bad fd). */
int hd__io_source_register(hd__reactor *r, hd__io_source *src, int fd);
/* Removes the fd from epoll (call it before closing the fd) and drops both
 * wakers. Harmless on a source that is not registered (reactor NULL). */
void hd__io_source_deregister(hd__io_source *src);
/* Whether the fd may be readable/writable; if not, cx's waker is stored and
 * false returned. The loop of a leaf future:
 *     while (hd__io_source_poll_read(src, cx)) {
 *       n = read(...);
 *       if (n < 0 && errno == EAGAIN) { hd__io_source_clear_read(src); continue; }
 *       return HD_READY;
 *     }
 *     return HD_PENDING;
 * A clear erases readiness only if no event arrived since the last poll
 * that returned true (then the next poll stores the waker and waits). */
bool hd__io_source_poll_read(hd__io_source *src, hd_context *cx);
bool hd__io_source_poll_write(hd__io_source *src, hd_context *cx);
void hd__io_source_clear_read(hd__io_source *src);
void hd__io_source_clear_write(hd__io_source *src);

/* Milliseconds on CLOCK_MONOTONIC. */
uint64_t hd__now_ms(void);
void hd__timer_init(hd__timer *t, uint64_t deadline_ms);
/* True when the deadline has passed; otherwise queues t (once) and stores
 * cx's waker. */
bool hd__timer_poll(hd__reactor *r, hd__timer *t, hd_context *cx);
/* Removes t from the heap if queued and drops its waker. */
void hd__timer_cancel(hd__reactor *r, hd__timer *t);

/* The reactor of the runtime driving the calling thread, or NULL. */
hd__reactor *hd__reactor_current(void);
/* Sets the calling thread's current reactor (NULL to unset). Every thread
 * that drives or runs tasks of a runtime calls it: the current-thread
 * executor inside hd_block_on, each multi-thread worker, the driver. */
void hd__reactor_set_current(hd__reactor *r);

#endif
