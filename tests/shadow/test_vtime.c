/* Virtual time: hd_sleep/hd_interval/hd_timeout on the shadow's clock,
 * timers with equal deadlines fired in every order, and join/select from
 * runtime/combinators.c running on the modelled executor. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "heddle/combinators.h"
#include "heddle/runtime.h"
#include "heddle/time.h"
#include "models.h"

static char order[8];
static atomic_int norder; /* tasks on two workers append concurrently */
static unsigned seen;     /* across executions (isolate off): which orders were seen */
static uint64_t delay_a, delay_b;
static unsigned workers;

HD_ASYNC_FN(napper, int, char name; uint64_t ms; hd_sleep s;);
HD_ASYNC(napper, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_sleep_init(&f->s, f->ms));
  order[atomic_fetch_add(&norder, 1)] = f->name;
  HD_RETURN(f, f->s.out);
}
HD_ASYNC_END(f)

static hd_future *napper_init(napper *f, char name, uint64_t ms) {
  HD_ASYNC_INIT(f, napper);
  f->name = name;
  f->ms = ms;
  return &f->hd;
}

HD_ASYNC_FN(two_nappers, int, hd_join_handle *h[2]; hd_join j; int k;);
HD_ASYNC(two_nappers, f, cx, NULL) {
  napper a, b;
  f->h[0] = hd_spawn(napper_init(&a, 'A', delay_a));
  f->h[1] = hd_spawn(napper_init(&b, 'B', delay_b));
  for (f->k = 0; f->k < 2; f->k++) {
    HD_AWAIT(f, cx, hd_join_init(&f->j, f->h[f->k]));
    HD_SHADOW_CHECK(f->j.err == 0);
  }
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

static void body_nappers(void) {
  atomic_store(&norder, 0);
  memset(order, 0, sizeof order);
  hd_runtime *rt = workers ? hd_runtime_new_multi_thread(workers) : hd_runtime_new_current_thread();
  two_nappers t;
  HD_ASYNC_INIT(&t, two_nappers);
  HD_SHADOW_CHECK(hd_block_on(rt, &t.hd) == 0);
  HD_SHADOW_CHECK(atomic_load(&norder) == 2);
  uint64_t last = delay_a > delay_b ? delay_a : delay_b;
  HD_SHADOW_CHECK(hd_time_now_ms() == last);
  seen |= order[0] == 'A' ? 1u : 2u;
  hd_runtime_free(rt);
}

static hd_shadow_options options(void) {
  hd_shadow_options o = model_options();
  o.isolate = false;
  return o;
}

static void test_vtime_sleep_order(void **state) {
  hd_shadow_options o = options();
  hd_shadow_stats st;
  workers = 0;
  delay_a = 20;
  delay_b = 10;
  seen = 0;
  assert_int_equal(hd_shadow_run(&o, body_nappers, &st), 0);
  assert_int_equal(seen, 2u); /* B (10 ms) always first */
  assert_true(st.finished);
}

static void test_vtime_equal_deadlines_both_orders(void **state) {
  hd_shadow_options o = options();
  hd_shadow_stats st;
  delay_a = delay_b = 10;
  for (workers = 0; workers <= 2; workers += 2) {
    seen = 0;
    assert_int_equal(hd_shadow_run(&o, body_nappers, &st), 0);
    assert_int_equal(seen, 3u); /* A first in some execution, B first in another */
    assert_true(st.finished);
  }
}

/* timeout around a sleep, select of two sleeps, and an interval */
HD_ASYNC_FN(timing, int, hd_sleep inner; hd_timeout t; hd_sleep s1; hd_sleep s2; hd_select sel;
            hd_interval iv; hd_interval_tick tick; int k; uint64_t ticks[3];);
HD_ASYNC(timing, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_timeout_init(&f->t, hd_sleep_init(&f->inner, 50), 10));
  HD_SHADOW_CHECK(f->t.out == HD_ETIMEDOUT);
  HD_SHADOW_CHECK(hd_time_now_ms() == 10);
  HD_AWAIT(f, cx, hd_timeout_init(&f->t, hd_sleep_init(&f->inner, 5), 10));
  HD_SHADOW_CHECK(f->t.out == 0);
  HD_SHADOW_CHECK(hd_time_now_ms() == 15);
  HD_AWAIT(f, cx, HD_SELECT(&f->sel, hd_sleep_init(&f->s1, 30), hd_sleep_init(&f->s2, 20)));
  HD_SHADOW_CHECK(f->sel.winner == 1);
  HD_SHADOW_CHECK(hd_time_now_ms() == 35);
  hd_interval_init(&f->iv, 10);
  for (f->k = 0; f->k < 3; f->k++) {
    HD_AWAIT(f, cx, hd_interval_tick_init(&f->tick, &f->iv));
    f->ticks[f->k] = f->tick.tick_ms;
  }
  HD_SHADOW_CHECK(f->ticks[0] == 35 && f->ticks[1] == 45 && f->ticks[2] == 55);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

static int timing_done;

static void body_timing(void) {
  hd_runtime *rt = workers ? hd_runtime_new_multi_thread(workers) : hd_runtime_new_current_thread();
  timing t;
  HD_ASYNC_INIT(&t, timing);
  HD_SHADOW_CHECK(hd_block_on(rt, &t.hd) == 0);
  timing_done++;
  hd_runtime_free(rt);
}

static void test_vtime_timeout_select_interval(void **state) {
  hd_shadow_options o = options();
  hd_shadow_stats st;
  for (workers = 0; workers <= 2; workers += 2) {
    timing_done = 0;
    assert_int_equal(hd_shadow_run(&o, body_timing, &st), 0);
    assert_int_equal((uint64_t)timing_done, st.executions);
    assert_true(st.finished);
  }
}

/* Outside a runtime a timer completes with HD_ENORUNTIME. */
static void body_no_runtime(void) {
  hd_sleep s;
  hd_waker w = hd_waker_noop();
  hd_context cx = {&w};
  hd_sleep_init(&s, 5);
  HD_SHADOW_CHECK(hd_future_poll(&s.hd, &cx) == HD_READY && s.out == HD_ENORUNTIME);
}

static void test_vtime_no_runtime(void **state) {
  hd_shadow_options o = options();
  hd_shadow_stats st;
  assert_int_equal(hd_shadow_run(&o, body_no_runtime, &st), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_vtime_sleep_order),
      cmocka_unit_test(test_vtime_equal_deadlines_both_orders),
      cmocka_unit_test(test_vtime_timeout_select_interval),
      cmocka_unit_test(test_vtime_no_runtime),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
