/* hd_mutex: try_lock, FIFO hand-off, no barging, cancellation of queued and
 * granted lock futures, guard release by a frame's drop hook, and
 * multi-thread exclusion under both executors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "heddle/combinators.h"
#include "heddle/runtime.h"
#include "heddle/sync.h"
#include "sync_testing.h"

static void test_mutex_try_lock_and_release(void **state) {
  hd_mutex m = HD_MUTEX_INITIALIZER;
  hd_mutex_guard g = {0}, g2 = {0};
  assert_int_equal(hd_mutex_try_lock(&m, &g), 0);
  assert_true(hd_mutex_guard_held(&g));
  assert_int_equal(hd_mutex_try_lock(&m, &g2), HD_EEMPTY);
  assert_false(hd_mutex_guard_held(&g2));
  hd_mutex_guard_release(&g);
  assert_false(hd_mutex_guard_held(&g));
  hd_mutex_guard_release(&g); /* idempotent: must not unlock twice */
  assert_int_equal(hd_mutex_try_lock(&m, &g2), 0);
  assert_int_equal(hd_mutex_try_lock(&m, &g), HD_EEMPTY); /* still exactly one owner */
  hd_mutex_guard_release(&g2);
  assert_int_equal(hd_mutex_try_lock(NULL, &g), HD_EINVAL);
  assert_int_equal(hd_mutex_try_lock(&m, NULL), HD_EINVAL);
  hd_mutex_destroy(&m);
}

static void test_mutex_lock_uncontended_is_ready_at_once(void **state) {
  hd_mutex m;
  hd_mutex_init(&m);
  test_task t;
  test_task_init(&t);
  hd_mutex_guard g = {0};
  hd_mutex_lock l;
  assert_int_equal(test_poll(hd_mutex_lock_init(&l, &m, &g), &t), HD_READY);
  assert_int_equal(l.out, 0);
  assert_ptr_equal(g.mutex, &m);
  assert_int_equal(t.clones, 0); /* no waker stored when it did not wait */
  hd_mutex_guard_release(&g);
  hd_mutex_destroy(&m);
}

static void test_mutex_fifo_handoff_order(void **state) {
  hd_mutex m = HD_MUTEX_INITIALIZER;
  hd_mutex_guard owner = {0}, g[3] = {{0}};
  hd_mutex_lock l[3];
  test_task t[3];
  assert_int_equal(hd_mutex_try_lock(&m, &owner), 0);
  for (int i = 0; i < 3; i++) {
    test_task_init(&t[i]);
    assert_int_equal(test_poll(hd_mutex_lock_init(&l[i], &m, &g[i]), &t[i]), HD_PENDING);
    assert_int_equal(t[i].clones, 1);
  }
  /* Re-polling a queued future keeps its place and does not re-clone. */
  assert_int_equal(test_poll(&l[0].hd, &t[0]), HD_PENDING);
  assert_int_equal(t[0].clones, 1);

  hd_mutex_guard_release(&owner);
  assert_int_equal(t[0].wakes, 1); /* exactly the head is woken */
  assert_int_equal(t[1].wakes + t[2].wakes, 0);
  /* Hand-off: the mutex now belongs to l[0]; nobody can barge in. */
  hd_mutex_guard thief = {0};
  assert_int_equal(hd_mutex_try_lock(&m, &thief), HD_EEMPTY);
  for (int i = 0; i < 3; i++) {
    assert_int_equal(test_poll(&l[i].hd, &t[i]), HD_READY);
    assert_ptr_equal(g[i].mutex, &m);
    if (i < 2)
      assert_int_equal(test_poll(&l[i + 1].hd, &t[i + 1]), HD_PENDING); /* still waiting */
    hd_mutex_guard_release(&g[i]);
    if (i < 2)
      assert_int_equal(t[i + 1].wakes, 1);
  }
  for (int i = 0; i < 3; i++) {
    assert_int_equal(t[i].wakes, 1); /* one wake each, no spurious ones */
    assert_int_equal(t[i].clones, 0);
  }
  assert_int_equal(hd_mutex_try_lock(&m, &thief), 0);
  hd_mutex_guard_release(&thief);
}

static void test_mutex_dropped_queued_lock_leaves_the_queue(void **state) {
  hd_mutex m = HD_MUTEX_INITIALIZER;
  hd_mutex_guard owner = {0}, g1 = {0}, g2 = {0};
  hd_mutex_lock l1, l2;
  test_task t1, t2;
  test_task_init(&t1);
  test_task_init(&t2);
  assert_int_equal(hd_mutex_try_lock(&m, &owner), 0);
  assert_int_equal(test_poll(hd_mutex_lock_init(&l1, &m, &g1), &t1), HD_PENDING);
  assert_int_equal(test_poll(hd_mutex_lock_init(&l2, &m, &g2), &t2), HD_PENDING);
  hd_future_drop(&l1.hd);         /* cancelled while queued */
  assert_int_equal(t1.clones, 0); /* its stored waker was released */
  hd_mutex_guard_release(&owner);
  assert_int_equal(t1.wakes, 0);
  assert_int_equal(t2.wakes, 1); /* the next in line got it */
  assert_int_equal(test_poll(&l2.hd, &t2), HD_READY);
  assert_false(hd_mutex_guard_held(&g1));
  hd_mutex_guard_release(&g2);
  assert_int_equal(hd_mutex_try_lock(&m, &owner), 0);
  hd_mutex_guard_release(&owner);
}

static void test_mutex_dropped_granted_lock_passes_it_on(void **state) {
  hd_mutex m = HD_MUTEX_INITIALIZER;
  hd_mutex_guard owner = {0}, g1 = {0}, g2 = {0};
  hd_mutex_lock l1, l2;
  test_task t1, t2;
  test_task_init(&t1);
  test_task_init(&t2);
  assert_int_equal(hd_mutex_try_lock(&m, &owner), 0);
  assert_int_equal(test_poll(hd_mutex_lock_init(&l1, &m, &g1), &t1), HD_PENDING);
  assert_int_equal(test_poll(hd_mutex_lock_init(&l2, &m, &g2), &t2), HD_PENDING);
  hd_mutex_guard_release(&owner); /* handed to l1, which never observes it */
  assert_int_equal(t1.wakes, 1);
  hd_future_drop(&l1.hd);
  assert_false(hd_mutex_guard_held(&g1));
  assert_int_equal(t2.wakes, 1); /* passed on, not leaked */
  assert_int_equal(test_poll(&l2.hd, &t2), HD_READY);
  hd_mutex_guard_release(&g2);
  /* and with nobody behind it, a dropped grant unlocks */
  assert_int_equal(hd_mutex_try_lock(&m, &owner), 0);
  assert_int_equal(test_poll(hd_mutex_lock_init(&l1, &m, &g1), &t1), HD_PENDING);
  hd_mutex_guard_release(&owner);
  hd_future_drop(&l1.hd);
  assert_int_equal(hd_mutex_try_lock(&m, &owner), 0);
  hd_mutex_guard_release(&owner);
  assert_int_equal(t1.clones + t2.clones, 0);
}

static void test_mutex_null_arguments_complete_with_einval(void **state) {
  test_task t;
  test_task_init(&t);
  hd_mutex_lock l;
  assert_int_equal(test_poll(hd_mutex_lock_init(&l, NULL, NULL), &t), HD_READY);
  assert_int_equal(l.out, HD_EINVAL);
  assert_int_equal(t.wakes, 0);
  hd_mutex_guard_release(NULL);
}

/* An async function that holds the guard across an await; its drop hook
 * releases the guard, so cancelling it while it holds the lock unlocks. */
HD_ASYNC_FN(
    hold_across, int, hd_mutex *m; hd_notify * go; hd_mutex_guard guard; union {
      hd_mutex_lock lock;
      hd_notify_notified wait;
    } c;);
static void hold_across_drop(hd_future *self) {
  hd_mutex_guard_release(&((hold_across *)self)->guard);
}
HD_ASYNC(hold_across, f, cx, hold_across_drop) {
  HD_AWAIT(f, cx, hd_mutex_lock_init(&f->c.lock, f->m, &f->guard));
  HD_AWAIT(f, cx, hd_notify_notified_init(&f->c.wait, f->go));
  hd_mutex_guard_release(&f->guard);
  HD_RETURN(f, 1);
}
HD_ASYNC_END(f)
static hd_future *hold_across_init(hold_across *f, hd_mutex *m, hd_notify *go) {
  HD_ASYNC_INIT(f, hold_across);
  f->m = m;
  f->go = go;
  return &f->hd;
}

static void test_mutex_dropping_owner_frame_unlocks(void **state) {
  hd_mutex m = HD_MUTEX_INITIALIZER;
  hd_notify go = HD_NOTIFY_INITIALIZER;
  hold_across a, b;
  test_task ta, tb;
  test_task_init(&ta);
  test_task_init(&tb);
  assert_int_equal(test_poll(hold_across_init(&a, &m, &go), &ta), HD_PENDING);
  assert_true(hd_mutex_guard_held(&a.guard)); /* holds it across the await */
  assert_int_equal(test_poll(hold_across_init(&b, &m, &go), &tb), HD_PENDING);
  assert_false(hd_mutex_guard_held(&b.guard));
  hd_future_drop(&a.hd); /* cancel the owner */
  assert_false(hd_mutex_guard_held(&a.guard));
  assert_int_equal(tb.wakes, 1);
  assert_int_equal(test_poll(&b.hd, &tb), HD_PENDING); /* now waits on go, holding m */
  assert_true(hd_mutex_guard_held(&b.guard));
  hd_notify_notify_one(&go);
  assert_int_equal(test_poll(&b.hd, &tb), HD_READY);
  assert_false(hd_mutex_guard_held(&b.guard));
  assert_int_equal(ta.clones + tb.clones, 0);
  hd_mutex_guard g = {0};
  assert_int_equal(hd_mutex_try_lock(&m, &g), 0);
  hd_mutex_guard_release(&g);
}

static void test_mutex_requeued_poll_updates_the_waker(void **state) {
  hd_mutex m = HD_MUTEX_INITIALIZER;
  hd_mutex_guard owner = {0}, g = {0};
  hd_mutex_lock l;
  test_task first, second; /* the same task polled by another worker's waker */
  test_task_init(&first);
  test_task_init(&second);
  assert_int_equal(hd_mutex_try_lock(&m, &owner), 0);
  assert_int_equal(test_poll(hd_mutex_lock_init(&l, &m, &g), &first), HD_PENDING);
  assert_int_equal(test_poll(&l.hd, &second), HD_PENDING);
  assert_int_equal(first.clones, 0); /* the stale waker was released */
  assert_int_equal(second.clones, 1);
  hd_mutex_guard_release(&owner);
  assert_int_equal(first.wakes, 0);
  assert_int_equal(second.wakes, 1); /* the latest waker is the one woken */
  assert_int_equal(test_poll(&l.hd, &second), HD_READY);
  hd_mutex_guard_release(&g);
}

/* ---- on the executors ---------------------------------------------------- */

#define STRESS_TASKS 8
#define STRESS_ITERS 10000

/* Increments a plain int under the mutex, yielding while holding it every
 * few rounds so that other tasks queue up behind the guard. */
HD_ASYNC_FN(
    incr_task, int, hd_mutex *m; long *counter; int i; long v; hd_mutex_guard guard; union {
      hd_mutex_lock lock;
      hd_yield y;
    } c;);
static void incr_task_drop(hd_future *self) {
  hd_mutex_guard_release(&((incr_task *)self)->guard);
}
HD_ASYNC(incr_task, f, cx, incr_task_drop) {
  for (f->i = 0; f->i < STRESS_ITERS; f->i++) {
    HD_AWAIT(f, cx, hd_mutex_lock_init(&f->c.lock, f->m, &f->guard));
    f->v = *f->counter;
    if (f->i % 16 == 0)
      HD_AWAIT(f, cx, hd_yield_init(&f->c.y));
    *f->counter = f->v + 1;
    hd_mutex_guard_release(&f->guard);
  }
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(incr_main, int, hd_mutex *m; long *counter; int i; hd_join_handle * h[STRESS_TASKS];
            hd_join j;);
HD_ASYNC(incr_main, f, cx, NULL) {
  for (f->i = 0; f->i < STRESS_TASKS; f->i++) {
    incr_task t;
    HD_ASYNC_INIT(&t, incr_task);
    t.m = f->m;
    t.counter = f->counter;
    f->h[f->i] = hd_spawn(&t.hd);
    if (!f->h[f->i])
      HD_RETURN(f, HD_ENOMEM);
  }
  for (f->i = 0; f->i < STRESS_TASKS; f->i++) {
    HD_AWAIT(f, cx, hd_join_init(&f->j, f->h[f->i]));
    hd_join_handle_drop(f->h[f->i]);
  }
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

static void check_counter(hd_runtime *rt) {
  assert_non_null(rt);
  hd_mutex m = HD_MUTEX_INITIALIZER;
  long counter = 0;
  incr_main f;
  HD_ASYNC_INIT(&f, incr_main);
  f.m = &m;
  f.counter = &counter;
  assert_int_equal(hd_block_on(rt, &f.hd), 0);
  assert_int_equal(f.out, 0);
  assert_int_equal(counter, (long)STRESS_TASKS * STRESS_ITERS);
  hd_runtime_free(rt);
  hd_mutex_destroy(&m);
}

static void test_mutex_stress_multi_thread(void **state) {
  check_counter(hd_runtime_new_multi_thread(4));
}
static void test_mutex_stress_current_thread(void **state) {
  check_counter(hd_runtime_new_current_thread());
}

/* Tasks race each lock against a yield: whenever the yield wins, the lock
 * future is dropped, while queued or after it was handed the mutex. The
 * counter must still equal the number of locks that were won, and nothing
 * may hang. */
HD_ASYNC_FN(
    racer, int, hd_mutex *m; long *counter; long *won; int i; hd_mutex_guard guard; struct {
      hd_mutex_lock lock;
      hd_yield y;
      hd_select sel;
    } c;);
static void racer_drop(hd_future *self) {
  hd_mutex_guard_release(&((racer *)self)->guard);
}
HD_ASYNC(racer, f, cx, racer_drop) {
  for (f->i = 0; f->i < STRESS_ITERS / 4; f->i++) {
    HD_AWAIT(f, cx,
             HD_SELECT(&f->c.sel, hd_mutex_lock_init(&f->c.lock, f->m, &f->guard),
                       hd_yield_init(&f->c.y)));
    if (f->c.sel.winner == 0) {
      ++*f->counter;
      ++*f->won;
      hd_mutex_guard_release(&f->guard);
    } else if (hd_mutex_guard_held(&f->guard)) {
      HD_RETURN(f, -1); /* a dropped lock future must not leave a guard */
    }
  }
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(racer_main, int, hd_mutex *m; long *counter; long won[STRESS_TASKS]; int i; int bad;
            hd_join_handle * h[STRESS_TASKS]; hd_join j;);
HD_ASYNC(racer_main, f, cx, NULL) {
  for (f->i = 0; f->i < STRESS_TASKS; f->i++) {
    racer t;
    HD_ASYNC_INIT(&t, racer);
    t.m = f->m;
    t.counter = f->counter;
    t.won = &f->won[f->i];
    f->h[f->i] = hd_spawn(&t.hd);
  }
  for (f->i = 0; f->i < STRESS_TASKS; f->i++) {
    HD_AWAIT(f, cx, hd_join_init(&f->j, f->h[f->i]));
    if (((racer *)f->j.task)->out != 0)
      f->bad++;
    hd_join_handle_drop(f->h[f->i]);
  }
  HD_RETURN(f, f->bad);
}
HD_ASYNC_END(f)

static void test_mutex_stress_cancelled_locks_multi_thread(void **state) {
  hd_runtime *rt = hd_runtime_new_multi_thread(4);
  assert_non_null(rt);
  hd_mutex m = HD_MUTEX_INITIALIZER;
  long counter = 0;
  racer_main f;
  HD_ASYNC_INIT(&f, racer_main);
  f.m = &m;
  f.counter = &counter;
  assert_int_equal(hd_block_on(rt, &f.hd), 0);
  assert_int_equal(f.out, 0);
  long won = 0;
  for (int i = 0; i < STRESS_TASKS; i++)
    won += f.won[i];
  assert_int_equal(counter, won);
  assert_true(won > 0);
  hd_mutex_guard g = {0};
  assert_int_equal(hd_mutex_try_lock(&m, &g), 0); /* not leaked by any dropped future */
  hd_mutex_guard_release(&g);
  hd_runtime_free(rt);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_mutex_try_lock_and_release),
      cmocka_unit_test(test_mutex_lock_uncontended_is_ready_at_once),
      cmocka_unit_test(test_mutex_fifo_handoff_order),
      cmocka_unit_test(test_mutex_dropped_queued_lock_leaves_the_queue),
      cmocka_unit_test(test_mutex_dropped_granted_lock_passes_it_on),
      cmocka_unit_test(test_mutex_null_arguments_complete_with_einval),
      cmocka_unit_test(test_mutex_dropping_owner_frame_unlocks),
      cmocka_unit_test(test_mutex_requeued_poll_updates_the_waker),
      cmocka_unit_test(test_mutex_stress_multi_thread),
      cmocka_unit_test(test_mutex_stress_current_thread),
      cmocka_unit_test(test_mutex_stress_cancelled_locks_multi_thread),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
