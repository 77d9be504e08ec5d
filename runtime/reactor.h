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
#include "heddle/io.h"
#include "heddle/time.h"

typedef struct hd__reactor hd__reactor;

/* hd__io_source (in heddle/io.h) and hd__timer (in heddle/time.h) are
 * defined in the public headers because streams and timer futures embed
 * them by value; only the functions below touch their fields. */

hd__reactor *hd__reactor_new(void);
/* Frees r. Timers still queued are unqueued and sources still registered
 * are detached (reactor NULL, so a later deregister is harmless); their
 * wakers are dropped. */
void hd__reactor_free(hd__reactor *r);
/* Waits up to timeout_ms (-1: until something happens) for I/O, a timer or
 * an unpark; fires what is ready, wakers called outside the lock, timers
 * in deadline order. Returns the number of wakers fired. One thread turns
 * a reactor at a time. */
int hd__reactor_turn(hd__reactor *r, int timeout_ms);
/* Interrupts a turn in progress (or makes the next one return at once). */
void hd__reactor_unpark(hd__reactor *r);

/* Registers fd in src (edge-triggered, read+write); src starts optimistic
 * (readable and writable) so the first syscall is simply tried. 0 or HD_E*
 * (HD_EBADF for a bad fd). */
int hd__io_source_register(hd__reactor *r, hd__io_source *src, int fd);
/* Removes the fd from epoll (call it before closing the fd) and wakes both
 * stored wakers, so a future still waiting on the source polls again and
 * sees the closed stream instead of hanging. Harmless on a source that is
 * not registered (reactor NULL). */
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
/* Drops the waker stored in the read (write) slot: the drop hook of a
 * future cancelled while waiting withdraws its interest, so the source no
 * longer holds a reference to its task. No-op when not registered. */
void hd__io_source_forget_read(hd__io_source *src);
void hd__io_source_forget_write(hd__io_source *src);

/* Milliseconds on CLOCK_MONOTONIC. */
uint64_t hd__now_ms(void);
void hd__timer_init(hd__timer *t, uint64_t deadline_ms);
/* True when the deadline has passed; otherwise queues t (once) and stores
 * cx's waker. Queuing a timer that is due before a blocked turn would wake
 * unparks that turn so it recomputes its timeout. */
bool hd__timer_poll(hd__reactor *r, hd__timer *t, hd_context *cx);
/* Removes t from the heap if queued and drops its waker (r NULL: no-op). */
void hd__timer_cancel(hd__reactor *r, hd__timer *t);

/* The reactor of the runtime driving the calling thread, or NULL. */
hd__reactor *hd__reactor_current(void);
/* Sets the calling thread's current reactor (NULL to unset). Every thread
 * that drives or runs tasks of a runtime calls it: the current-thread
 * executor inside hd_block_on, each multi-thread worker, the driver. */
void hd__reactor_set_current(hd__reactor *r);

#endif
