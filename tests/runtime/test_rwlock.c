/* hd_rwlock: shared readers, exclusive writers, FIFO write preference,
 * batch admission of readers, cancellation, and multi-thread exclusion. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "heddle/runtime.h"
#include "heddle/sync.h"
#include "sync_testing.h"

static void test_rwlock_readers_share_writer_excludes(void **state) {
  hd_rwlock rw = HD_RWLOCK_INITIALIZER;
  hd_rwlock_guard r1 = {0}, r2 = {0}, w = {0};
  assert_int_equal(hd_rwlock_try_read(&rw, &r1), 0);
  assert_int_equal(hd_rwlock_try_read(&rw, &r2), 0);
  assert_false(r1.write);
  assert_int_equal(hd_rwlock_try_write(&rw, &w), HD_EEMPTY);
  hd_rwlock_guard_release(&r1);
  assert_int_equal(hd_rwlock_try_write(&rw, &w), HD_EEMPTY);
  hd_rwlock_guard_release(&r2);
  hd_rwlock_guard_release(&r2); /* idempotent */
  assert_int_equal(hd_rwlock_try_write(&rw, &w), 0);
  assert_true(w.write);
  assert_int_equal(hd_rwlock_try_read(&rw, &r1), HD_EEMPTY);
  hd_rwlock_guard_release(&w);
  assert_int_equal(hd_rwlock_try_read(&rw, &r1), 0);
  hd_rwlock_guard_release(&r1);
  assert_int_equal(hd_rwlock_try_read(NULL, &r1), HD_EINVAL);
  hd_rwlock_destroy(&rw);
}

/* Queue after a reader holds it: W1, R2, R3, W4, R5. */
static void test_rwlock_fifo_write_preferring(void **state) {
  hd_rwlock rw;
  hd_rwlock_init(&rw);
  hd_rwlock_guard held = {0}, g[5] = {{0}};
  hd_rwlock_lock l[5];
  test_task t[5];
  bool write[5] = {true, false, false, true, false};
  assert_int_equal(hd_rwlock_try_read(&rw, &held), 0);
  for (int i = 0; i < 5; i++) {
    test_task_init(&t[i]);
    hd_future *f =
        write[i] ? hd_rwlock_write_init(&l[i], &rw, &g[i]) : hd_rwlock_read_init(&l[i], &rw, &g[i]);
    assert_int_equal(test_poll(f, &t[i]), HD_PENDING);
  }
  /* A new reader may not pass the queued writer, even though only readers
   * hold the lock: write preference. */
  hd_rwlock_guard late = {0};
  assert_int_equal(hd_rwlock_try_read(&rw, &late), HD_EEMPTY);

  hd_rwlock_guard_release(&held);
  assert_int_equal(t[0].wakes, 1); /* W1 only */
  assert_int_equal(t[1].wakes + t[2].wakes + t[3].wakes + t[4].wakes, 0);
  assert_int_equal(test_poll(&l[0].hd, &t[0]), HD_READY);
  assert_true(g[0].write);
  hd_rwlock_guard_release(&g[0]);
  /* R2 and R3 are admitted together; W4 and R5 keep waiting. */
  assert_int_equal(t[1].wakes, 1);
  assert_int_equal(t[2].wakes, 1);
  assert_int_equal(t[3].wakes + t[4].wakes, 0);
  assert_int_equal(test_poll(&l[1].hd, &t[1]), HD_READY);
  assert_int_equal(test_poll(&l[2].hd, &t[2]), HD_READY);
  hd_rwlock_guard_release(&g[1]);
  assert_int_equal(t[3].wakes, 0); /* one reader still in */
  hd_rwlock_guard_release(&g[2]);
  assert_int_equal(t[3].wakes, 1);
  assert_int_equal(t[4].wakes, 0);
  assert_int_equal(test_poll(&l[3].hd, &t[3]), HD_READY);
  hd_rwlock_guard_release(&g[3]);
  assert_int_equal(t[4].wakes, 1);
  assert_int_equal(test_poll(&l[4].hd, &t[4]), HD_READY);
  assert_false(g[4].write);
  hd_rwlock_guard_release(&g[4]);
  for (int i = 0; i < 5; i++)
    assert_int_equal(t[i].clones, 0);
  hd_rwlock_destroy(&rw);
}

static void test_rwlock_dropped_queued_writer_admits_readers_behind(void **state) {
  hd_rwlock rw = HD_RWLOCK_INITIALIZER;
  hd_rwlock_guard held = {0}, gw = {0}, gr = {0};
  hd_rwlock_lock lw, lr;
  test_task tw, tr;
  test_task_init(&tw);
  test_task_init(&tr);
  assert_int_equal(hd_rwlock_try_read(&rw, &held), 0);
  assert_int_equal(test_poll(hd_rwlock_write_init(&lw, &rw, &gw), &tw), HD_PENDING);
  assert_int_equal(test_poll(hd_rwlock_read_init(&lr, &rw, &gr), &tr), HD_PENDING);
  hd_future_drop(&lw.hd);        /* the writer gives up */
  assert_int_equal(tr.wakes, 1); /* the reader behind it joins the reader inside */
  assert_int_equal(test_poll(&lr.hd, &tr), HD_READY);
  hd_rwlock_guard_release(&gr);
  hd_rwlock_guard_release(&held);
  assert_int_equal(tw.clones + tr.clones, 0);
  assert_int_equal(hd_rwlock_try_write(&rw, &gw), 0);
  hd_rwlock_guard_release(&gw);
}

static void test_rwlock_dropped_granted_writer_passes_on(void **state) {
  hd_rwlock rw = HD_RWLOCK_INITIALIZER;
  hd_rwlock_guard held = {0}, gw = {0}, g1 = {0}, g2 = {0};
  hd_rwlock_lock lw, l1, l2;
  test_task tw, t1, t2;
  test_task_init(&tw);
  test_task_init(&t1);
  test_task_init(&t2);
  assert_int_equal(hd_rwlock_try_write(&rw, &held), 0);
  assert_int_equal(test_poll(hd_rwlock_write_init(&lw, &rw, &gw), &tw), HD_PENDING);
  assert_int_equal(test_poll(hd_rwlock_read_init(&l1, &rw, &g1), &t1), HD_PENDING);
  assert_int_equal(test_poll(hd_rwlock_read_init(&l2, &rw, &g2), &t2), HD_PENDING);
  hd_rwlock_guard_release(&held);
  assert_int_equal(tw.wakes, 1);
  hd_future_drop(&lw.hd); /* granted but never observed */
  assert_int_equal(t1.wakes, 1);
  assert_int_equal(t2.wakes, 1);
  assert_int_equal(test_poll(&l1.hd, &t1), HD_READY);
  assert_int_equal(test_poll(&l2.hd, &t2), HD_READY);
  hd_rwlock_guard_release(&g1);
  hd_rwlock_guard_release(&g2);
  assert_int_equal(hd_rwlock_try_write(&rw, &held), 0);
  hd_rwlock_guard_release(&held);
}

static void test_rwlock_writer_release_admits_many_readers(void **state) {
  enum { N = 40 }; /* more than one wake batch */
  hd_rwlock rw = HD_RWLOCK_INITIALIZER;
  hd_rwlock_guard w = {0}, g[N], w2 = {0};
  hd_rwlock_lock l[N], lw2;
  test_task t, tw2;
  test_task_init(&t);
  test_task_init(&tw2);
  assert_int_equal(hd_rwlock_try_write(&rw, &w), 0);
  for (int i = 0; i < N; i++) {
    g[i] = (hd_rwlock_guard){0};
    assert_int_equal(test_poll(hd_rwlock_read_init(&l[i], &rw, &g[i]), &t), HD_PENDING);
  }
  assert_int_equal(test_poll(hd_rwlock_write_init(&lw2, &rw, &w2), &tw2), HD_PENDING);
  hd_rwlock_guard_release(&w);
  assert_int_equal(t.wakes, N); /* every reader, across several batches */
  assert_int_equal(tw2.wakes, 0);
  for (int i = 0; i < N; i++) {
    assert_int_equal(test_poll(&l[i].hd, &t), HD_READY);
    hd_rwlock_guard_release(&g[i]);
  }
  assert_int_equal(tw2.wakes, 1);
  assert_int_equal(test_poll(&lw2.hd, &tw2), HD_READY);
  hd_rwlock_guard_release(&w2);
  assert_int_equal(t.clones + tw2.clones, 0);
}

/* ---- on the executors ---------------------------------------------------- */

#define TASKS 8
#define ITERS 5000

/* Writers bump two counters that readers check are equal; a yield inside
 * the critical section lets others try to get in. */
typedef struct shared {
  hd_rwlock rw;
  long a, b;
  int torn; /* reads that saw a != b; under the read lock */
} shared;

HD_ASYNC_FN(
    rw_task, int, shared *s; int id; int i; hd_rwlock_guard guard; union {
      hd_rwlock_lock lock;
      hd_yield y;
    } c;);
static void rw_task_drop(hd_future *self) {
  hd_rwlock_guard_release(&((rw_task *)self)->guard);
}
HD_ASYNC(rw_task, f, cx, rw_task_drop) {
  for (f->i = 0; f->i < ITERS; f->i++) {
    if ((f->i + f->id) % 4 == 0) {
      HD_AWAIT(f, cx, hd_rwlock_write_init(&f->c.lock, &f->s->rw, &f->guard));
      f->s->a++;
      HD_AWAIT(f, cx, hd_yield_init(&f->c.y));
      f->s->b++;
    } else {
      HD_AWAIT(f, cx, hd_rwlock_read_init(&f->c.lock, &f->s->rw, &f->guard));
      long a = f->s->a;
      if (a != f->s->b)
        __atomic_fetch_add(&f->s->torn, 1, __ATOMIC_RELAXED);
    }
    hd_rwlock_guard_release(&f->guard);
  }
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(rw_main, int, shared *s; int i; hd_join_handle * h[TASKS]; hd_join j;);
HD_ASYNC(rw_main, f, cx, NULL) {
  for (f->i = 0; f->i < TASKS; f->i++) {
    rw_task t;
    HD_ASYNC_INIT(&t, rw_task);
    t.s = f->s;
    t.id = f->i;
    f->h[f->i] = hd_spawn(&t.hd);
  }
  for (f->i = 0; f->i < TASKS; f->i++) {
    HD_AWAIT(f, cx, hd_join_init(&f->j, f->h[f->i]));
    hd_join_handle_drop(f->h[f->i]);
  }
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

static void check_rw(hd_runtime *rt) {
  assert_non_null(rt);
  shared s = {HD_RWLOCK_INITIALIZER, 0, 0, 0};
  rw_main f;
  HD_ASYNC_INIT(&f, rw_main);
  f.s = &s;
  assert_int_equal(hd_block_on(rt, &f.hd), 0);
  assert_int_equal(s.torn, 0);
  assert_int_equal(s.a, (long)TASKS * ITERS / 4);
  assert_int_equal(s.b, s.a);
  hd_runtime_free(rt);
}

static void test_rwlock_stress_multi_thread(void **state) {
  check_rw(hd_runtime_new_multi_thread(4));
}
static void test_rwlock_stress_current_thread(void **state) {
  check_rw(hd_runtime_new_current_thread());
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rwlock_readers_share_writer_excludes),
      cmocka_unit_test(test_rwlock_fifo_write_preferring),
      cmocka_unit_test(test_rwlock_dropped_queued_writer_admits_readers_behind),
      cmocka_unit_test(test_rwlock_dropped_granted_writer_passes_on),
      cmocka_unit_test(test_rwlock_writer_release_admits_many_readers),
      cmocka_unit_test(test_rwlock_stress_multi_thread),
      cmocka_unit_test(test_rwlock_stress_current_thread),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
