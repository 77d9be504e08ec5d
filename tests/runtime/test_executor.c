/* Executors: block_on, spawn/join, abort, detach, spawn_local,
 * spawn_blocking, shutdown cancellation, multi-thread stress, misuse. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sched.h>

#include <cmocka.h>

#include "heddle/combinators.h"
#include "heddle/runtime.h"

typedef hd_runtime *(*runtime_ctor)(void);
static hd_runtime *new_current(void) { return hd_runtime_new_current_thread(); }
static hd_runtime *new_multi(void) { return hd_runtime_new_multi_thread(4); }

/* ---- a gate: pending until opened from anywhere ----------------------- */

typedef struct gate {
  pthread_mutex_t lock;
  bool open;
  hd_waker waker;
} gate;

typedef struct gate_wait {
  hd_future hd;
  gate *g;
  int *dropped;
} gate_wait;

static hd_poll gate_wait_poll(hd_future *self, hd_context *cx) {
  gate_wait *w = (gate_wait *)self;
  pthread_mutex_lock(&w->g->lock);
  bool open = w->g->open;
  if (!open)
    hd_waker_register(&w->g->waker, cx);
  pthread_mutex_unlock(&w->g->lock);
  return open ? HD_READY : HD_PENDING;
}
/* Cancelled: withdraw the registration (the waker holds the task). */
static void gate_wait_drop(hd_future *self) {
  gate_wait *w = (gate_wait *)self;
  pthread_mutex_lock(&w->g->lock);
  hd_waker_drop(&w->g->waker);
  pthread_mutex_unlock(&w->g->lock);
  if (w->dropped)
    ++*w->dropped;
}
static const hd_future_vtable gate_wait_vtable = {"gate_wait", gate_wait_poll, gate_wait_drop,
                                                  sizeof(gate_wait)};
static hd_future *gate_wait_init(gate_wait *w, gate *g, int *dropped) {
  hd_future_init(&w->hd, &gate_wait_vtable);
  w->g = g;
  w->dropped = dropped;
  return &w->hd;
}
static bool gate_has_waiter(gate *g) {
  pthread_mutex_lock(&g->lock);
  bool has = g->waker.vtable != NULL;
  pthread_mutex_unlock(&g->lock);
  return has;
}
static void gate_open(gate *g) {
  pthread_mutex_lock(&g->lock);
  g->open = true;
  hd_waker w = g->waker;
  g->waker = (hd_waker){0};
  pthread_mutex_unlock(&g->lock);
  hd_waker_wake(&w);
}

/* ---- async functions under test ----------------------------------------- */

HD_ASYNC_FN(add_after_yields, int, int a; int b; int yields; int i; hd_yield y;);
HD_ASYNC(add_after_yields, f, cx, NULL) {
  for (f->i = 0; f->i < f->yields; f->i++)
    HD_AWAIT(f, cx, hd_yield_init(&f->y));
  HD_RETURN(f, f->a + f->b);
}
HD_ASYNC_END(f)
static hd_future *add_after_yields_init(add_after_yields *f, int a, int b, int yields) {
  HD_ASYNC_INIT(f, add_after_yields);
  f->a = a;
  f->b = b;
  f->yields = yields;
  return &f->hd;
}

/* Spawns n adders, joins them all, sums their outputs. */
HD_ASYNC_FN(spawn_many, long, int n; int i; hd_join_handle **handles; hd_join j;);
HD_ASYNC(spawn_many, f, cx, NULL) {
  for (f->i = 0; f->i < f->n; f->i++) {
    add_after_yields child;
    add_after_yields_init(&child, f->i, 1, f->i % 3);
    f->handles[f->i] = hd_spawn(&child.hd);
    assert_non_null(f->handles[f->i]);
  }
  for (f->i = 0; f->i < f->n; f->i++) {
    HD_AWAIT(f, cx, hd_join_init(&f->j, f->handles[f->i]));
    assert_int_equal(f->j.err, 0);
    f->out += ((add_after_yields *)f->j.task)->out;
    hd_join_handle_drop(f->handles[f->i]);
  }
}
HD_ASYNC_END(f)
static hd_future *spawn_many_init(spawn_many *f, int n, hd_join_handle **handles) {
  HD_ASYNC_INIT(f, spawn_many);
  f->n = n;
  f->handles = handles;
  return &f->hd;
}

static void check_block_on(runtime_ctor ctor) {
  hd_runtime *rt = ctor();
  assert_non_null(rt);
  add_after_yields f;
  assert_int_equal(hd_block_on(rt, add_after_yields_init(&f, 40, 2, 5)), 0);
  assert_int_equal(f.out, 42);
  hd_runtime_free(rt);
}
static void test_executor_block_on_current(void **state) { check_block_on(new_current); }
static void test_executor_block_on_multi(void **state) { check_block_on(new_multi); }

static void check_spawn_join(runtime_ctor ctor, int n) {
  hd_runtime *rt = ctor();
  hd_join_handle **handles = calloc((size_t)n, sizeof *handles);
  spawn_many f;
  assert_int_equal(hd_block_on(rt, spawn_many_init(&f, n, handles)), 0);
  /* sum over i of (i + 1) */
  assert_int_equal(f.out, (long)n * (n + 1) / 2);
  free(handles);
  hd_runtime_free(rt);
}
static void test_executor_spawn_join_current(void **state) { check_spawn_join(new_current, 1000); }
static void test_executor_spawn_join_multi(void **state) { check_spawn_join(new_multi, 1000); }
/* >= 10^5 tasks through the work-stealing executor: every output arrives. */
static void test_executor_stress_100k_multi(void **state) { check_spawn_join(new_multi, 100000); }
static void test_executor_stress_100k_current(void **state) {
  check_spawn_join(new_current, 100000);
}

/* ---- abort and cancellation ------------------------------------------- */

static atomic_int wait_gate_finished;

HD_ASYNC_FN(wait_gate, int, gate *g; int *dropped; int *hook; gate_wait w;);
static void wait_gate_drop(hd_future *self) { ++*((wait_gate *)self)->hook; }
HD_ASYNC(wait_gate, f, cx, wait_gate_drop) {
  HD_AWAIT(f, cx, gate_wait_init(&f->w, f->g, f->dropped));
  atomic_fetch_add(&wait_gate_finished, 1);
  HD_RETURN(f, 7);
}
HD_ASYNC_END(f)
static hd_future *wait_gate_init(wait_gate *f, gate *g, int *dropped, int *hook) {
  HD_ASYNC_INIT(f, wait_gate);
  f->g = g;
  f->dropped = dropped;
  f->hook = hook;
  return &f->hd;
}

/* Spawns a task blocked on a gate, lets it start, aborts it, joins. */
HD_ASYNC_FN(abort_running, int, gate *g; int *dropped; int *hook; hd_join_handle *h; hd_yield y;
            hd_join j;);
HD_ASYNC(abort_running, f, cx, NULL) {
  {
    wait_gate child;
    f->h = hd_spawn(wait_gate_init(&child, f->g, f->dropped, f->hook));
  }
  while (!gate_has_waiter(f->g)) /* until the task has parked on the gate */
    HD_AWAIT(f, cx, hd_yield_init(&f->y));
  hd_join_handle_abort(f->h);
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->h));
  hd_join_handle_drop(f->h);
  HD_RETURN(f, f->j.err);
}
HD_ASYNC_END(f)

static void check_abort_running(runtime_ctor ctor) {
  hd_runtime *rt = ctor();
  gate g = {PTHREAD_MUTEX_INITIALIZER, false, {0}};
  int dropped = 0, hook = 0;
  abort_running f;
  HD_ASYNC_INIT(&f, abort_running);
  f.g = &g;
  f.dropped = &dropped;
  f.hook = &hook;
  assert_int_equal(hd_block_on(rt, &f.hd), 0);
  assert_int_equal(f.out, HD_ECANCELED);
  assert_int_equal(dropped, 1); /* the awaited leaf was dropped */
  assert_int_equal(hook, 1);    /* then the task frame's hook ran */
  hd_runtime_free(rt);
}
static void test_executor_abort_running_current(void **state) { check_abort_running(new_current); }
static void test_executor_abort_running_multi(void **state) { check_abort_running(new_multi); }

/* A detached task still runs to completion; shutdown cancels the rest. */
static void test_executor_detach_and_shutdown_cancel(void **state) {
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  gate open_gate = {PTHREAD_MUTEX_INITIALIZER, false, {0}};
  gate never = {PTHREAD_MUTEX_INITIALIZER, false, {0}};
  int dropped = 0, hook = 0, dropped2 = 0, hook2 = 0;
  wait_gate a, b;
  hd_join_handle *ha = hd_spawn_on(rt, wait_gate_init(&a, &open_gate, &dropped, &hook));
  hd_join_handle *hb = hd_spawn_on(rt, wait_gate_init(&b, &never, &dropped2, &hook2));
  assert_non_null(ha);
  assert_non_null(hb);
  atomic_store(&wait_gate_finished, 0);
  hd_join_handle_drop(ha); /* detach */
  gate_open(&open_gate);
  /* The detached task completes; the other one parks on its gate. */
  while (atomic_load(&wait_gate_finished) == 0 || !gate_has_waiter(&never))
    sched_yield();
  assert_true(gate_has_waiter(&never));
  hd_runtime_free(rt); /* b is still waiting: cancelled */
  assert_int_equal(dropped, 0);
  assert_int_equal(hook, 0);
  assert_int_equal(dropped2, 1);
  assert_int_equal(hook2, 1);
  assert_true(hd_join_handle_is_finished(hb));
  hd_join_handle_drop(hb);
}

/* ---- spawn_local stays on its worker ------------------------------------ */

HD_ASYNC_FN(pinned_probe, int, int i; pthread_t first; hd_yield y;);
HD_ASYNC(pinned_probe, f, cx, NULL) {
  f->first = pthread_self();
  for (f->i = 0; f->i < 50; f->i++) {
    HD_AWAIT(f, cx, hd_yield_init(&f->y));
    if (!pthread_equal(f->first, pthread_self()))
      HD_RETURN(f, 1);
  }
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(spawn_local_parent, int, int i; int moved; hd_join_handle *h[16]; hd_join j;);
HD_ASYNC(spawn_local_parent, f, cx, NULL) {
  for (f->i = 0; f->i < 16; f->i++) {
    pinned_probe p;
    HD_ASYNC_INIT(&p, pinned_probe);
    f->h[f->i] = hd_spawn_local(&p.hd);
    assert_non_null(f->h[f->i]);
  }
  for (f->i = 0; f->i < 16; f->i++) {
    HD_AWAIT(f, cx, hd_join_init(&f->j, f->h[f->i]));
    f->moved += ((pinned_probe *)f->j.task)->out;
    hd_join_handle_drop(f->h[f->i]);
  }
  HD_RETURN(f, f->moved);
}
HD_ASYNC_END(f)

static void test_executor_spawn_local_pinned(void **state) {
  hd_runtime *rt = hd_runtime_new_multi_thread(4);
  spawn_local_parent parent;
  HD_ASYNC_INIT(&parent, spawn_local_parent);
  /* spawn_local needs a worker: run the parent as a task. */
  hd_join_handle *h = hd_spawn_on(rt, &parent.hd);
  hd_join j;
  assert_int_equal(hd_block_on(rt, hd_join_init(&j, h)), 0);
  assert_int_equal(j.err, 0);
  assert_int_equal(((spawn_local_parent *)j.task)->out, 0);
  hd_join_handle_drop(h);
  hd_runtime_free(rt);
}

/* ---- spawn_blocking --------------------------------------------------- */

static void *square(void *arg) { return (void *)((uintptr_t)arg * (uintptr_t)arg); }

HD_ASYNC_FN(blocking_parent, uintptr_t, int i; hd_join_handle *h[8]; hd_join j;);
HD_ASYNC(blocking_parent, f, cx, NULL) {
  for (f->i = 0; f->i < 8; f->i++)
    f->h[f->i] = hd_spawn_blocking(square, (void *)(uintptr_t)(f->i + 1));
  for (f->i = 0; f->i < 8; f->i++) {
    HD_AWAIT(f, cx, hd_join_init(&f->j, f->h[f->i]));
    f->out += (uintptr_t)f->j.value;
    hd_join_handle_drop(f->h[f->i]);
  }
}
HD_ASYNC_END(f)

static void check_spawn_blocking(runtime_ctor ctor) {
  hd_runtime *rt = ctor();
  blocking_parent f;
  HD_ASYNC_INIT(&f, blocking_parent);
  assert_int_equal(hd_block_on(rt, &f.hd), 0);
  assert_int_equal(f.out, 1 + 4 + 9 + 16 + 25 + 36 + 49 + 64);
  hd_runtime_free(rt);
}
static void test_executor_spawn_blocking_current(void **state) {
  check_spawn_blocking(new_current);
}
static void test_executor_spawn_blocking_multi(void **state) { check_spawn_blocking(new_multi); }

/* ---- select drops the losers, join waits for all ---------------------- */

HD_ASYNC_FN(select_case, int, gate *slow; int *slow_dropped; int fast_polls;
            struct { add_after_yields fast; gate_wait slow; hd_select sel; } c;);
HD_ASYNC(select_case, f, cx, NULL) {
  HD_AWAIT(f, cx,
           HD_SELECT(&f->c.sel, gate_wait_init(&f->c.slow, f->slow, f->slow_dropped),
                     add_after_yields_init(&f->c.fast, 1, 2, 3)));
  HD_RETURN(f, f->c.sel.winner * 100 + f->c.fast.out);
}
HD_ASYNC_END(f)

static void test_executor_select_drops_loser(void **state) {
  hd_runtime *rt = hd_runtime_new_current_thread();
  gate g = {PTHREAD_MUTEX_INITIALIZER, false, {0}};
  int dropped = 0;
  select_case f;
  HD_ASYNC_INIT(&f, select_case);
  f.slow = &g;
  f.slow_dropped = &dropped;
  assert_int_equal(hd_block_on(rt, &f.hd), 0);
  assert_int_equal(f.out, 103); /* branch 1 won with 1 + 2 */
  assert_int_equal(dropped, 1);
  hd_runtime_free(rt);
}

HD_ASYNC_FN(join_case, int, struct { add_after_yields a, b, c; hd_join_all all; } c;);
HD_ASYNC(join_case, f, cx, NULL) {
  HD_AWAIT(f, cx,
           HD_JOIN(&f->c.all, add_after_yields_init(&f->c.a, 1, 1, 4),
                   add_after_yields_init(&f->c.b, 2, 2, 0), add_after_yields_init(&f->c.c, 3, 3, 2)));
  HD_RETURN(f, f->c.a.out + f->c.b.out + f->c.c.out);
}
HD_ASYNC_END(f)

static void test_executor_join_all_waits_for_every_child(void **state) {
  hd_runtime *rt = hd_runtime_new_current_thread();
  join_case f;
  HD_ASYNC_INIT(&f, join_case);
  assert_int_equal(hd_block_on(rt, &f.hd), 0);
  assert_int_equal(f.out, 12);
  hd_runtime_free(rt);
}

/* A future borrowed into each select survives the selects it loses. */
HD_ASYNC_FN(by_ref_case, int, int rounds; add_after_yields slow;
            struct { hd_by_ref r; hd_yield y; hd_select sel; } c;);
HD_ASYNC(by_ref_case, f, cx, NULL) {
  add_after_yields_init(&f->slow, 20, 22, 5);
  for (;;) {
    f->rounds++;
    HD_AWAIT(f, cx, HD_SELECT(&f->c.sel, hd_by_ref_init(&f->c.r, &f->slow.hd), hd_yield_init(&f->c.y)));
    if (f->c.sel.winner == 0)
      break;
    assert_false(hd_future_is_done(&f->slow.hd));
    assert_true(hd_future_is_started(&f->slow.hd)); /* kept, not dropped */
  }
  HD_RETURN(f, f->slow.out);
}
HD_ASYNC_END(f)

static void test_executor_by_ref_keeps_progress_across_selects(void **state) {
  hd_runtime *rt = hd_runtime_new_current_thread();
  by_ref_case f;
  HD_ASYNC_INIT(&f, by_ref_case);
  assert_int_equal(hd_block_on(rt, &f.hd), 0);
  assert_int_equal(f.out, 42);
  assert_true(f.rounds > 1); /* it lost at least one select and went on */
  hd_runtime_free(rt);
}

/* ---- misuse ----------------------------------------------------------- */

HD_ASYNC_FN(nested_block_on, int, hd_runtime *rt;);
HD_ASYNC(nested_block_on, f, cx, NULL) {
  add_after_yields inner;
  HD_RETURN(f, hd_block_on(f->rt, add_after_yields_init(&inner, 1, 1, 0)));
}
HD_ASYNC_END(f)

static void test_executor_misuse_is_an_error(void **state) {
  add_after_yields f;
  assert_null(hd_spawn(add_after_yields_init(&f, 1, 2, 0))); /* no runtime here */
  assert_null(hd_spawn_local(add_after_yields_init(&f, 1, 2, 0)));
  assert_null(hd_spawn_blocking(square, NULL));
  assert_null(hd_spawn_on(NULL, &f.hd));
  assert_int_equal(hd_block_on(NULL, &f.hd), HD_EINVAL);
  hd_runtime *rt = hd_runtime_new_current_thread();
  assert_int_equal(hd_block_on(rt, NULL), HD_EINVAL);
  nested_block_on n;
  HD_ASYNC_INIT(&n, nested_block_on);
  n.rt = rt;
  assert_int_equal(hd_block_on(rt, &n.hd), 0);
  assert_int_equal(n.out, HD_EINVAL); /* block_on inside a runtime thread */
  /* A started future cannot be spawned (it may not move any more). */
  add_after_yields started;
  add_after_yields_init(&started, 1, 1, 2);
  hd_waker w = hd_waker_noop();
  hd_context cx = {&w};
  assert_int_equal(hd_future_poll(&started.hd, &cx), HD_PENDING);
  assert_null(hd_spawn_on(rt, &started.hd));
  hd_join j;
  assert_int_equal(hd_block_on(rt, hd_join_init(&j, NULL)), 0);
  assert_int_equal(j.err, HD_EINVAL);
  hd_runtime_free(rt);
  hd_runtime_free(NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_executor_block_on_current),
      cmocka_unit_test(test_executor_block_on_multi),
      cmocka_unit_test(test_executor_spawn_join_current),
      cmocka_unit_test(test_executor_spawn_join_multi),
      cmocka_unit_test(test_executor_stress_100k_current),
      cmocka_unit_test(test_executor_stress_100k_multi),
      cmocka_unit_test(test_executor_abort_running_current),
      cmocka_unit_test(test_executor_abort_running_multi),
      cmocka_unit_test(test_executor_detach_and_shutdown_cancel),
      cmocka_unit_test(test_executor_spawn_local_pinned),
      cmocka_unit_test(test_executor_spawn_blocking_current),
      cmocka_unit_test(test_executor_spawn_blocking_multi),
      cmocka_unit_test(test_executor_select_drops_loser),
      cmocka_unit_test(test_executor_join_all_waits_for_every_child),
      cmocka_unit_test(test_executor_by_ref_keeps_progress_across_selects),
      cmocka_unit_test(test_executor_misuse_is_an_error),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
