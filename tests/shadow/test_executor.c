/* The modelled executor: spawn/join across workers, yield, abort, and a
 * lost wake-up (check-then-register) found by every strategy while its fix
 * explores clean. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "heddle/runtime.h"
#include "models.h"

/* ---- a task that adds to the counter, yielding in between ---- */

HD_ASYNC_FN(adder, int, int times; int i; hd_yield y;);
HD_ASYNC(adder, f, cx, NULL) {
  for (f->i = 0; f->i < f->times; f->i++) {
    atomic_fetch_add(&model_counter, 1);
    HD_AWAIT(f, cx, hd_yield_init(&f->y));
  }
  HD_RETURN(f, f->times);
}
HD_ASYNC_END(f)

static hd_future *adder_init(adder *f, int times) {
  HD_ASYNC_INIT(f, adder);
  f->times = times;
  return &f->hd;
}

/* The root: spawn two adders, join both, check the sum. */
HD_ASYNC_FN(spawner, int, hd_join_handle *h[2]; int k; hd_join j;);
HD_ASYNC(spawner, f, cx, NULL) {
  for (f->k = 0; f->k < 2; f->k++) {
    adder a;
    f->h[f->k] = hd_spawn(adder_init(&a, f->k + 1));
  }
  for (f->k = 0; f->k < 2; f->k++) {
    HD_AWAIT(f, cx, hd_join_init(&f->j, f->h[f->k]));
    HD_SHADOW_CHECK(f->j.err == 0 && ((adder *)f->j.task)->out == f->k + 1);
    hd_join_handle_drop(f->h[f->k]);
  }
  HD_SHADOW_CHECK(atomic_load(&model_counter) == 3);
  HD_SHADOW_CHECK(hd_runtime_current() != NULL);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

static unsigned workers;

static void body_spawner(void) {
  atomic_store(&model_counter, 0);
  hd_runtime *rt = workers ? hd_runtime_new_multi_thread(workers) : hd_runtime_new_current_thread();
  spawner s;
  HD_ASYNC_INIT(&s, spawner);
  HD_SHADOW_CHECK(hd_block_on(rt, &s.hd) == 0);
  hd_runtime_free(rt);
}

static void test_executor_spawn_join(void **state) {
  hd_shadow_options o = model_options();
  hd_shadow_stats st;
  workers = 0;
  assert_int_equal(hd_shadow_run(&o, body_spawner, &st), 0);
  assert_int_equal(st.executions, 1); /* current-thread: one order */
  workers = 2;
  o.preemptions = 2;
  assert_int_equal(hd_shadow_run(&o, body_spawner, &st), 0);
  assert_true(st.executions > 1);
  assert_true(st.finished);
}

/* ---- a lost wake-up: a flag future that checks before it registers ---- */

static atomic_int flag, registered;
static hd_waker slot;
static int fixed;

typedef struct flag_wait {
  hd_future hd;
} flag_wait;

static hd_poll flag_wait_poll(hd_future *self, hd_context *cx) {
  if (fixed) {
    /* register first, then check: a set in between sees the waker */
    if (!atomic_load(&registered)) {
      slot = hd_waker_clone(cx->waker);
      atomic_store(&registered, 1);
    }
    return atomic_load(&flag) ? HD_READY : HD_PENDING;
  }
  if (atomic_load(&flag))
    return HD_READY;
  if (!atomic_load(&registered)) {
    slot = hd_waker_clone(cx->waker);
    atomic_store(&registered, 1);
  }
  return HD_PENDING;
}
static const hd_future_vtable flag_wait_vtable = {"flag_wait", flag_wait_poll, NULL,
                                                  sizeof(flag_wait)};

HD_ASYNC_FN(waiter, int, flag_wait w;);
HD_ASYNC(waiter, f, cx, NULL) {
  hd_future_init(&f->w.hd, &flag_wait_vtable);
  HD_AWAIT(f, cx, &f->w.hd);
  HD_RETURN(f, 1);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(setter, int, int unused;);
HD_ASYNC(setter, f, cx, NULL) {
  atomic_store(&flag, 1);
  if (atomic_load(&registered))
    hd_waker_wake_by_ref(&slot);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(pair, int, hd_join_handle *w; hd_join_handle * s; hd_join j;);
HD_ASYNC(pair, f, cx, NULL) {
  waiter w;
  setter s;
  HD_ASYNC_INIT(&w, waiter);
  HD_ASYNC_INIT(&s, setter);
  f->w = hd_spawn(&w.hd);
  f->s = hd_spawn(&s.hd);
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->w));
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->s));
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

static void body_lost_wakeup(void) {
  atomic_store(&flag, 0);
  atomic_store(&registered, 0);
  slot = (hd_waker){0};
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  pair p;
  HD_ASYNC_INIT(&p, pair);
  hd_block_on(rt, &p.hd);
  hd_runtime_free(rt);
}

static void test_executor_lost_wakeup_dfs(void **state) {
  hd_shadow_options o = model_options();
  o.preemptions = 2;
  fixed = 0;
  assert_int_equal(hd_shadow_run(&o, body_lost_wakeup, NULL), 1);
  assert_int_equal(model_count_kind("lost-wakeup"), 1);
  const hd_shadow_report *r = hd_shadow_report_get(0);
  assert_non_null(strstr(r->message, "hd_join"));
  assert_non_null(strstr(r->message, "flag_wait"));
  fixed = 1;
  hd_shadow_stats st;
  assert_int_equal(hd_shadow_run(&o, body_lost_wakeup, &st), 0);
  assert_true(st.finished);
}

static void test_executor_lost_wakeup_random_pct(void **state) {
  hd_shadow_options o = model_options();
  fixed = 0;
  o.strategy = HD_SHADOW_RANDOM;
  o.seed = 3;
  o.iterations = 2000;
  assert_int_equal(hd_shadow_run(&o, body_lost_wakeup, NULL), 1);
  assert_int_equal(model_count_kind("lost-wakeup"), 1);
  o.strategy = HD_SHADOW_PCT;
  assert_int_equal(hd_shadow_run(&o, body_lost_wakeup, NULL), 1);
  assert_int_equal(model_count_kind("lost-wakeup"), 1);
}

/* ---- abort: a task that never completes is cancelled ---- */

typedef struct forever {
  hd_future hd;
} forever;
static int forever_dropped;
static hd_poll forever_poll(hd_future *self, hd_context *cx) {
  return HD_PENDING;
}
static void forever_drop(hd_future *self) {
  forever_dropped++;
}
static const hd_future_vtable forever_vtable = {"forever", forever_poll, forever_drop,
                                                sizeof(forever)};

HD_ASYNC_FN(aborter, int, hd_join_handle *h; hd_join j;);
HD_ASYNC(aborter, f, cx, NULL) {
  forever fv;
  hd_future_init(&fv.hd, &forever_vtable);
  f->h = hd_spawn(&fv.hd);
  hd_join_handle_abort(f->h);
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->h));
  HD_SHADOW_CHECK(f->j.err == HD_ECANCELED);
  HD_SHADOW_CHECK(hd_join_handle_is_finished(f->h));
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

static void body_abort(void) {
  forever_dropped = 0;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  aborter a;
  HD_ASYNC_INIT(&a, aborter);
  hd_block_on(rt, &a.hd);
  hd_runtime_free(rt);
  HD_SHADOW_CHECK(forever_dropped == 1);
}

static void test_executor_abort(void **state) {
  hd_shadow_options o = model_options();
  o.preemptions = 1;
  assert_int_equal(hd_shadow_run(&o, body_abort, NULL), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_executor_spawn_join),
      cmocka_unit_test(test_executor_lost_wakeup_dfs),
      cmocka_unit_test(test_executor_lost_wakeup_random_pct),
      cmocka_unit_test(test_executor_abort),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
