/* heddle/time.h - sleep, interval and timeout.
 *
 * Timers are driven by the reactor of the runtime that polls them (a
 * binary min-heap keyed by deadline, millisecond resolution on
 * CLOCK_MONOTONIC). A timer future looks up the reactor on its first poll,
 * so it may be created outside a runtime (before hd_block_on) but must be
 * polled inside one; polled elsewhere it completes with HD_ENORUNTIME.
 * Deadlines are fixed when the future is initialised, not when it is first
 * polled (as tokio's Sleep).
 *
 * State of a timer future (field `timer`, an hd__timer): idle (heap_index
 * SIZE_MAX) -> queued in the heap with the waker of the last poll -> fired
 * (the reactor popped it and woke the waker) -> completed. The owner of
 * the future touches `timer` only through the reactor's functions; the
 * reactor touches it under its lock. Dropping an unfinished timer future
 * unqueues the timer and drops the stored waker: nothing else is lost.
 *
 * Cancel safety (tokio's table): hd_sleep and hd_interval_tick are
 * cancel-safe; hd_timeout is exactly as cancel-safe as its inner future
 * (the inner future is dropped when the deadline wins or the timeout is
 * dropped, so whatever the inner future loses when dropped is lost).
 */
#ifndef HEDDLE_TIME_H
#define HEDDLE_TIME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "heddle/future.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hd__reactor hd__reactor;

/* One timer, embedded in a future (internal: only runtime/io touches the
 * fields, see runtime/reactor.h). */
typedef struct hd__timer {
  uint64_t deadline_ms; /* on hd_time_now_ms's clock */
  size_t heap_index;    /* position in the heap, SIZE_MAX when not queued */
  hd_waker waker;       /* guarded by the reactor's lock while queued */
  bool fired;
} hd__timer;

/* Milliseconds on CLOCK_MONOTONIC (the clock of every deadline here). */
uint64_t hd_time_now_ms(void);

/* ---- hd_sleep ----------------------------------------------------------- */

/* Completes once ms milliseconds have passed since init. Output `out`: 0,
 * or HD_ENORUNTIME when polled outside a runtime. Cancel-safe: dropping it
 * loses nothing (the timer is unqueued). */
typedef struct HD_CANCEL_SAFE hd_sleep {
  hd_future hd;
  int out;
  hd__reactor *reactor; /* set on the first poll */
  hd__timer timer;
} hd_sleep;

hd_future *hd_sleep_init(hd_sleep *s, uint64_t ms) HD_CANCEL_SAFE;
/* Completes at deadline_ms on hd_time_now_ms's clock (at once if passed). */
hd_future *hd_sleep_until_init(hd_sleep *s, uint64_t deadline_ms) HD_CANCEL_SAFE;

/* ---- hd_interval -------------------------------------------------------- */

/* What a tick does when the task was late by one period or more. */
typedef enum hd_missed_tick {
  /* Skip (the default): the missed ticks are dropped; one tick fires now
   * and the next is the first multiple of the period (counted from the
   * start) after now. The schedule stays aligned to the start. */
  HD_MISSED_TICK_SKIP = 0,
  /* Burst: every missed tick fires, back to back, until caught up. */
  HD_MISSED_TICK_BURST,
  /* Delay: one tick fires now and the schedule restarts from now. */
  HD_MISSED_TICK_DELAY,
} hd_missed_tick;

/* A periodic schedule. The first tick completes at once (at init time),
 * then every period_ms. The interval itself is plain data owned by one
 * task; its tick futures borrow it. */
typedef struct HD_SEND hd_interval {
  uint64_t period_ms;
  uint64_t next_ms; /* deadline of the next tick */
  hd_missed_tick missed;
} hd_interval;

/* period_ms 0 is treated as 1. */
void hd_interval_init(hd_interval *iv, uint64_t period_ms);
void hd_interval_set_missed_tick(hd_interval *iv, hd_missed_tick missed);

/* Waits for the next tick of iv. Output `out`: 0 or HD_ENORUNTIME /
 * HD_EINVAL (iv NULL); `tick_ms` is the scheduled time of the tick that
 * fired. Cancel-safe: the schedule lives in the interval and advances only
 * when a tick completes, so a dropped tick future loses nothing; the next
 * tick future gets the same tick. */
typedef struct HD_CANCEL_SAFE hd_interval_tick {
  hd_future hd;
  int out;
  uint64_t tick_ms;
  hd_interval *iv;
  hd__reactor *reactor;
  hd__timer timer;
} hd_interval_tick;

hd_future *hd_interval_tick_init(hd_interval_tick *t, hd_interval *iv) HD_CANCEL_SAFE;

/* ---- hd_timeout ----------------------------------------------------------- */

/* Runs `inner` with a deadline of ms milliseconds from init. The inner
 * future belongs to the caller (usually a field next to the timeout in the
 * same frame) and must not be moved once the timeout is polled; its own
 * output stays in it.
 * Output `out`: 0 when the inner future completed first (read its output),
 * HD_ETIMEDOUT when the deadline won (the inner future has been dropped,
 * i.e. cancelled), HD_ENORUNTIME outside a runtime (inner dropped, never
 * polled), HD_EINVAL when inner is NULL.
 * The inner future is polled first, so an inner future that is ready at
 * the deadline still wins.
 * Cancel safety: exactly that of the inner future; dropping the timeout
 * drops the inner future unfinished. */
typedef struct hd_timeout {
  hd_future hd; /* hd.child is the inner future while it runs */
  int out;
  hd_future *inner;
  hd__reactor *reactor;
  hd__timer timer;
} hd_timeout;

hd_future *hd_timeout_init(hd_timeout *t, hd_future *inner, uint64_t ms) HD_CANCELS_CHILD(2);

#ifdef __cplusplus
}
#endif
#endif
