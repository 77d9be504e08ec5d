/* Time: sleep, timeout, interval, under every executor, and by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "heddle/combinators.h"
#include "heddle/runtime.h"
#include "heddle/time.h"
#include "io_harness.h"
#include "reactor.h"

/* ---- sleep ----------------------------------------------------------------- */

HD_ASYNC_FN(nap, int, uint64_t ms; uint64_t start; uint64_t slept; hd_sleep s;);
HD_ASYNC(nap, f, cx, NULL) {
  f->start = hd_time_now_ms();
  HD_AWAIT(f, cx, hd_sleep_init(&f->s, f->ms));
  f->slept = hd_time_now_ms() - f->start;
  HD_RETURN(f, f->s.out);
}
HD_ASYNC_END(f)
static hd_future *nap_init(nap *f, uint64_t ms) {
  HD_ASYNC_INIT(f, nap);
  f->ms = ms;
  return &f->hd;
}

static void check_sleep_waits(hd_runtime *rt) {
  nap f;
  nap_init(&f, 20);
  assert_int_equal(hd_block_on(rt, &f.hd), 0);
  assert_int_equal(f.out, 0);
  assert_true(f.slept >= 20);
  nap_init(&f, 0); /* zero: ready at once */
  assert_int_equal(hd_block_on(rt, &f.hd), 0);
  assert_int_equal(f.out, 0);
}
static void test_time_sleep_waits(void **state) {
  harness_each_runtime(check_sleep_waits);
}

/* Spawned sleepers record the order in which they wake and when. */
typedef struct wake_log {
  atomic_int next;
  int order[8];
  uint64_t start;
  uint64_t woke[8];
} wake_log;

HD_ASYNC_FN(sleeper, int, int id; wake_log * log; hd_sleep s;);
HD_ASYNC(sleeper, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_sleep_init(&f->s, (uint64_t)f->id * 15));
  f->log->woke[f->id] = hd_time_now_ms();
  f->log->order[atomic_fetch_add(&f->log->next, 1)] = f->id;
}
HD_ASYNC_END(f)

HD_ASYNC_FN(spawn_sleepers, int, wake_log *log; int i; hd_join_handle * h[4]; hd_join j;);
HD_ASYNC(spawn_sleepers, f, cx, NULL) {
  static const int ids[4] = {3, 1, 4, 2};
  for (f->i = 0; f->i < 4; f->i++) {
    sleeper s;
    HD_ASYNC_INIT(&s, sleeper);
    s.id = ids[f->i];
    s.log = f->log;
    f->h[f->i] = hd_spawn(&s.hd);
    assert_non_null(f->h[f->i]);
  }
  for (f->i = 0; f->i < 4; f->i++) {
    HD_AWAIT(f, cx, hd_join_init(&f->j, f->h[f->i]));
    assert_int_equal(f->j.err, 0);
    hd_join_handle_drop(f->h[f->i]);
  }
}
HD_ASYNC_END(f)

static void check_sleepers_wake_in_deadline_order(hd_runtime *rt) {
  wake_log log = {0};
  log.start = hd_time_now_ms();
  spawn_sleepers f;
  HD_ASYNC_INIT(&f, spawn_sleepers);
  f.log = &log;
  assert_int_equal(hd_block_on(rt, &f.hd), 0);
  assert_int_equal(atomic_load(&log.next), 4);
  for (int id = 1; id <= 4; id++)
    assert_true(log.woke[id] >= log.start + (uint64_t)id * 15); /* never early */
  /* On one thread the wake order is the deadline order. (With several
   * workers, timers that expire in the same turn run in parallel.) */
  if (hd_runtime_workers(rt) == 1)
    for (int i = 0; i < 4; i++)
      assert_int_equal(log.order[i], i + 1);
}
static void test_time_sleepers_wake_in_deadline_order(void **state) {
  harness_each_runtime(check_sleepers_wake_in_deadline_order);
}

static void test_time_sleep_outside_runtime(void **state) {
  hd_sleep s;
  hd_waker w = hd_waker_noop();
  hd_context cx = {&w};
  hd_sleep_init(&s, 10);
  assert_int_equal(hd_future_poll(&s.hd, &cx), HD_READY);
  assert_int_equal(s.out, HD_ENORUNTIME);
}

/* By hand on a private reactor: a pending sleep is queued; dropping it
 * unqueues the timer and releases the waker. */
static void test_time_dropped_sleep_leaves_the_heap(void **state) {
  hd__reactor *r = hd__reactor_new();
  hd__reactor_set_current(r);
  hd_sleep s;
  hd_waker w = hd_waker_noop();
  hd_context cx = {&w};
  hd_sleep_init(&s, 100000);
  assert_int_equal(hd_future_poll(&s.hd, &cx), HD_PENDING);
  assert_int_not_equal(s.timer.heap_index, SIZE_MAX);
  assert_false(hd_waker_is_empty(&s.timer.waker));
  hd_future_drop(&s.hd);
  assert_int_equal(s.timer.heap_index, SIZE_MAX);
  assert_true(hd_waker_is_empty(&s.timer.waker));
  assert_int_equal(hd__reactor_turn(r, 0), 0); /* nothing left to fire */
  hd__reactor_set_current(NULL);
  hd__reactor_free(r);
}

/* ---- timeout ----------------------------------------------------------------- */

HD_ASYNC_FN(race, int, uint64_t inner_ms; uint64_t limit_ms; hd_timeout t; hd_sleep inner;);
HD_ASYNC(race, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_timeout_init(&f->t, hd_sleep_init(&f->inner, f->inner_ms), f->limit_ms));
  HD_RETURN(f, f->t.out);
}
HD_ASYNC_END(f)
static hd_future *race_init(race *f, uint64_t inner_ms, uint64_t limit_ms) {
  HD_ASYNC_INIT(f, race);
  f->inner_ms = inner_ms;
  f->limit_ms = limit_ms;
  return &f->hd;
}

static void check_timeout(hd_runtime *rt) {
  race f;
  /* The deadline wins: the inner future is dropped (cancelled). */
  race_init(&f, 100000, 10);
  assert_int_equal(hd_block_on(rt, &f.hd), 0);
  assert_int_equal(f.out, HD_ETIMEDOUT);
  assert_int_equal(f.inner.hd.resume, HD__RESUME_DROPPED);
  assert_int_equal(f.inner.timer.heap_index, SIZE_MAX);
  /* The inner future wins. */
  race_init(&f, 5, 100000);
  assert_int_equal(hd_block_on(rt, &f.hd), 0);
  assert_int_equal(f.out, 0);
  assert_true(hd_future_is_done(&f.inner.hd));
  assert_int_equal(f.inner.out, 0);
  assert_int_equal(f.t.timer.heap_index, SIZE_MAX);
  /* Both ready at the first poll: the inner future is polled first. */
  race_init(&f, 0, 0);
  assert_int_equal(hd_block_on(rt, &f.hd), 0);
  assert_int_equal(f.out, 0);
}
static void test_time_timeout(void **state) {
  harness_each_runtime(check_timeout);
}

static void test_time_timeout_bad_input(void **state) {
  hd_timeout t;
  hd_waker w = hd_waker_noop();
  hd_context cx = {&w};
  hd_timeout_init(&t, NULL, 10);
  assert_int_equal(hd_future_poll(&t.hd, &cx), HD_READY);
  assert_int_equal(t.out, HD_EINVAL);
  /* Outside a runtime: the inner future is dropped, never polled. */
  hd_sleep inner;
  hd_timeout_init(&t, hd_sleep_init(&inner, 10), 10);
  assert_int_equal(hd_future_poll(&t.hd, &cx), HD_READY);
  assert_int_equal(t.out, HD_ENORUNTIME);
  assert_int_equal(inner.hd.resume, HD__RESUME_DROPPED);
}

/* Dropping a pending timeout drops the inner future and its own timer. */
static void test_time_dropped_timeout_drops_inner(void **state) {
  hd__reactor *r = hd__reactor_new();
  hd__reactor_set_current(r);
  hd_timeout t;
  hd_sleep inner;
  hd_waker w = hd_waker_noop();
  hd_context cx = {&w};
  hd_timeout_init(&t, hd_sleep_init(&inner, 100000), 100000);
  assert_int_equal(hd_future_poll(&t.hd, &cx), HD_PENDING);
  assert_int_not_equal(inner.timer.heap_index, SIZE_MAX);
  hd_future_drop(&t.hd);
  assert_int_equal(inner.hd.resume, HD__RESUME_DROPPED);
  assert_int_equal(inner.timer.heap_index, SIZE_MAX);
  assert_int_equal(t.timer.heap_index, SIZE_MAX);
  hd__reactor_set_current(NULL);
  hd__reactor_free(r);
}

/* ---- interval ---------------------------------------------------------------- */

HD_ASYNC_FN(ticker, int, hd_interval *iv; int n; int i; uint64_t ticks[4]; hd_interval_tick t;);
HD_ASYNC(ticker, f, cx, NULL) {
  for (f->i = 0; f->i < f->n; f->i++) {
    HD_AWAIT(f, cx, hd_interval_tick_init(&f->t, f->iv));
    assert_int_equal(f->t.out, 0);
    f->ticks[f->i] = f->t.tick_ms;
  }
}
HD_ASYNC_END(f)
static hd_future *ticker_init(ticker *f, hd_interval *iv, int n) {
  HD_ASYNC_INIT(f, ticker);
  f->iv = iv;
  f->n = n;
  return &f->hd;
}

static void check_interval_ticks_on_schedule(hd_runtime *rt) {
  hd_interval iv;
  uint64_t start = hd_time_now_ms();
  hd_interval_init(&iv, 10);
  /* Burst keeps every tick on the grid even if this busy machine makes a
   * tick late by a whole period (skip would then move to the next point). */
  hd_interval_set_missed_tick(&iv, HD_MISSED_TICK_BURST);
  ticker f;
  ticker_init(&f, &iv, 4);
  assert_int_equal(hd_block_on(rt, &f.hd), 0);
  assert_true(f.ticks[0] >= start); /* the first tick is immediate */
  for (int i = 1; i < 4; i++)
    assert_int_equal(f.ticks[i], f.ticks[0] + 10u * (uint64_t)i);
  assert_true(hd_time_now_ms() >= f.ticks[3]);
}
static void test_time_interval_ticks_on_schedule(void **state) {
  harness_each_runtime(check_interval_ticks_on_schedule);
}

/* A task that was late by 3.5 periods: one tick fires now in every mode;
 * what follows depends on the missed-tick behaviour. */
static void check_missed(hd_runtime *rt, hd_missed_tick mode) {
  hd_interval iv;
  hd_interval_init(&iv, 10);
  hd_interval_set_missed_tick(&iv, mode);
  uint64_t late = hd_time_now_ms() - 35;
  iv.next_ms = late;
  ticker f;
  ticker_init(&f, &iv, 1);
  assert_int_equal(hd_block_on(rt, &f.hd), 0);
  uint64_t now = hd_time_now_ms();
  assert_int_equal(f.ticks[0], late);
  switch (mode) {
  case HD_MISSED_TICK_BURST:
    assert_int_equal(iv.next_ms, late + 10);
    break;
  case HD_MISSED_TICK_DELAY:
    assert_true(iv.next_ms >= late + 35 + 10 && iv.next_ms <= now + 10);
    break;
  case HD_MISSED_TICK_SKIP:
    assert_true(iv.next_ms > late + 35);
    assert_int_equal((iv.next_ms - late) % 10, 0);
    break;
  }
}
static void check_interval_missed_ticks(hd_runtime *rt) {
  check_missed(rt, HD_MISSED_TICK_SKIP);
  check_missed(rt, HD_MISSED_TICK_BURST);
  check_missed(rt, HD_MISSED_TICK_DELAY);
}
static void test_time_interval_missed_ticks(void **state) {
  harness_each_runtime(check_interval_missed_ticks);
}

/* A tick future dropped while pending does not advance the schedule: the
 * next tick future gets that same tick. */
static void test_time_interval_tick_is_cancel_safe(void **state) {
  hd__reactor *r = hd__reactor_new();
  hd__reactor_set_current(r);
  hd_interval iv;
  hd_interval_init(&iv, 50);
  hd_interval_tick t;
  hd_waker w = hd_waker_noop();
  hd_context cx = {&w};
  hd_interval_tick_init(&t, &iv);
  assert_int_equal(hd_future_poll(&t.hd, &cx), HD_READY); /* immediate first tick */
  uint64_t due = iv.next_ms;
  hd_interval_tick_init(&t, &iv);
  assert_int_equal(hd_future_poll(&t.hd, &cx), HD_PENDING);
  hd_future_drop(&t.hd);
  assert_int_equal(iv.next_ms, due);
  assert_int_equal(t.timer.heap_index, SIZE_MAX);
  hd_interval_tick_init(&t, &iv);
  while (hd_future_poll(&t.hd, &cx) == HD_PENDING)
    hd__reactor_turn(r, -1);
  assert_int_equal(t.out, 0);
  assert_int_equal(t.tick_ms, due);
  hd_interval_tick_init(&t, NULL);
  assert_int_equal(hd_future_poll(&t.hd, &cx), HD_READY);
  assert_int_equal(t.out, HD_EINVAL);
  hd__reactor_set_current(NULL);
  hd__reactor_free(r);
}

/* ---- select: a sleep losing to another branch is dropped ------------------ */

HD_ASYNC_FN(two_sleeps, int, hd_select sel; hd_sleep fast; hd_sleep slow;);
HD_ASYNC(two_sleeps, f, cx, NULL) {
  HD_AWAIT(f, cx, HD_SELECT(&f->sel, hd_sleep_init(&f->slow, 100000), hd_sleep_init(&f->fast, 5)));
  HD_RETURN(f, f->sel.winner);
}
HD_ASYNC_END(f)

static void check_select_drops_losing_sleep(hd_runtime *rt) {
  two_sleeps f;
  HD_ASYNC_INIT(&f, two_sleeps);
  assert_int_equal(hd_block_on(rt, &f.hd), 0);
  assert_int_equal(f.out, 1);
  assert_int_equal(f.slow.hd.resume, HD__RESUME_DROPPED);
  assert_int_equal(f.slow.timer.heap_index, SIZE_MAX);
}
static void test_time_select_drops_losing_sleep(void **state) {
  harness_each_runtime(check_select_drops_losing_sleep);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_time_sleep_waits),
      cmocka_unit_test(test_time_sleepers_wake_in_deadline_order),
      cmocka_unit_test(test_time_sleep_outside_runtime),
      cmocka_unit_test(test_time_dropped_sleep_leaves_the_heap),
      cmocka_unit_test(test_time_timeout),
      cmocka_unit_test(test_time_timeout_bad_input),
      cmocka_unit_test(test_time_dropped_timeout_drops_inner),
      cmocka_unit_test(test_time_interval_ticks_on_schedule),
      cmocka_unit_test(test_time_interval_missed_ticks),
      cmocka_unit_test(test_time_interval_tick_is_cancel_safe),
      cmocka_unit_test(test_time_select_drops_losing_sleep),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
