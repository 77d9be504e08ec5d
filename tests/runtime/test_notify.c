/* hd_notify: the stored permit, FIFO notify_one, notify_waiters (queued and
 * created-but-unpolled futures only), passing on a dropped notification,
 * and no lost wake-up between threads. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "heddle/runtime.h"
#include "heddle/sync.h"
#include "sync_testing.h"

static void test_notify_permit_is_stored_once(void **state) {
  hd_notify n;
  hd_notify_init(&n);
  test_task t;
  test_task_init(&t);
  hd_notify_notified a, b;
  hd_notify_notify_one(&n);
  hd_notify_notify_one(&n); /* permits do not accumulate */
  assert_int_equal(test_poll(hd_notify_notified_init(&a, &n), &t), HD_READY);
  assert_int_equal(test_poll(hd_notify_notified_init(&b, &n), &t), HD_PENDING);
  hd_future_drop(&b.hd);
  assert_int_equal(t.clones, 0);
  hd_notify_destroy(&n);
}

static void test_notify_one_wakes_in_fifo_order(void **state) {
  hd_notify n = HD_NOTIFY_INITIALIZER;
  test_task t[3];
  hd_notify_notified f[3];
  for (int i = 0; i < 3; i++) {
    test_task_init(&t[i]);
    assert_int_equal(test_poll(hd_notify_notified_init(&f[i], &n), &t[i]), HD_PENDING);
  }
  for (int i = 0; i < 3; i++) {
    hd_notify_notify_one(&n);
    for (int j = 0; j < 3; j++)
      assert_int_equal(t[j].wakes, j <= i ? 1 : 0);
    assert_int_equal(test_poll(&f[i].hd, &t[i]), HD_READY);
  }
  /* nobody queued: the next notify_one becomes the permit */
  hd_notify_notify_one(&n);
  hd_notify_notified late;
  assert_int_equal(test_poll(hd_notify_notified_init(&late, &n), &t[0]), HD_READY);
  for (int i = 0; i < 3; i++)
    assert_int_equal(t[i].clones, 0);
}

static void test_notify_waiters_wakes_registered_only(void **state) {
  hd_notify n = HD_NOTIFY_INITIALIZER;
  test_task t;
  test_task_init(&t);
  enum { N = 20 }; /* more than one wake batch */
  hd_notify_notified f[N], unpolled, after;
  for (int i = 0; i < N; i++)
    assert_int_equal(test_poll(hd_notify_notified_init(&f[i], &n), &t), HD_PENDING);
  hd_notify_notified_init(&unpolled, &n); /* created before the call */
  hd_notify_notify_waiters(&n);
  assert_int_equal(t.wakes, N);
  assert_int_equal(t.clones, 0);
  for (int i = 0; i < N; i++)
    assert_int_equal(test_poll(&f[i].hd, &t), HD_READY);
  assert_int_equal(test_poll(&unpolled.hd, &t), HD_READY);
  /* created after: waits (notify_waiters stores no permit) */
  assert_int_equal(test_poll(hd_notify_notified_init(&after, &n), &t), HD_PENDING);
  hd_notify_notify_one(&n);
  assert_int_equal(test_poll(&after.hd, &t), HD_READY);
}

static void test_notify_dropped_notification_is_passed_on(void **state) {
  hd_notify n = HD_NOTIFY_INITIALIZER;
  test_task t1, t2;
  test_task_init(&t1);
  test_task_init(&t2);
  hd_notify_notified a, b, c;
  assert_int_equal(test_poll(hd_notify_notified_init(&a, &n), &t1), HD_PENDING);
  assert_int_equal(test_poll(hd_notify_notified_init(&b, &n), &t2), HD_PENDING);
  hd_notify_notify_one(&n);
  assert_int_equal(t1.wakes, 1);
  hd_future_drop(&a.hd); /* received, never observed */
  assert_int_equal(t2.wakes, 1);
  assert_int_equal(test_poll(&b.hd, &t2), HD_READY);
  /* with nobody else queued, it becomes the permit again */
  assert_int_equal(test_poll(hd_notify_notified_init(&a, &n), &t1), HD_PENDING);
  hd_notify_notify_one(&n);
  hd_future_drop(&a.hd);
  assert_int_equal(test_poll(hd_notify_notified_init(&c, &n), &t1), HD_READY);
  /* a dropped queued future leaves the queue without taking anything */
  assert_int_equal(test_poll(hd_notify_notified_init(&a, &n), &t1), HD_PENDING);
  assert_int_equal(test_poll(hd_notify_notified_init(&b, &n), &t2), HD_PENDING);
  hd_future_drop(&a.hd);
  hd_notify_notify_one(&n);
  assert_int_equal(test_poll(&b.hd, &t2), HD_READY);
  assert_int_equal(t1.clones + t2.clones, 0);
}

/* ---- no lost wake-up across threads --------------------------------------- */

#define ROUNDS 2000

/* Ping-pong over two notifies between a task and a plain thread: a lost
 * wake-up would hang the block_on. */
typedef struct pingpong {
  hd_notify ping, pong;
} pingpong;

static void *pong_thread(void *arg) {
  pingpong *p = arg;
  hd_runtime *rt = hd_runtime_new_current_thread();
  for (int i = 0; i < ROUNDS; i++) {
    hd_notify_notified f;
    hd_block_on(rt, hd_notify_notified_init(&f, &p->ping));
    hd_notify_notify_one(&p->pong);
  }
  hd_runtime_free(rt);
  return NULL;
}

HD_ASYNC_FN(ping_task, int, pingpong *p; int i; hd_notify_notified wait;);
HD_ASYNC(ping_task, f, cx, NULL) {
  for (f->i = 0; f->i < ROUNDS; f->i++) {
    hd_notify_notify_one(&f->p->ping);
    HD_AWAIT(f, cx, hd_notify_notified_init(&f->wait, &f->p->pong));
  }
  HD_RETURN(f, f->i);
}
HD_ASYNC_END(f)

static void check_pingpong(hd_runtime *rt) {
  assert_non_null(rt);
  pingpong p = {HD_NOTIFY_INITIALIZER, HD_NOTIFY_INITIALIZER};
  pthread_t th;
  assert_int_equal(pthread_create(&th, NULL, pong_thread, &p), 0);
  ping_task f;
  HD_ASYNC_INIT(&f, ping_task);
  f.p = &p;
  assert_int_equal(hd_block_on(rt, &f.hd), 0);
  assert_int_equal(f.out, ROUNDS);
  pthread_join(th, NULL);
  hd_runtime_free(rt);
}

static void test_notify_no_lost_wakeup_multi_thread(void **state) {
  check_pingpong(hd_runtime_new_multi_thread(2));
}
static void test_notify_no_lost_wakeup_current_thread(void **state) {
  check_pingpong(hd_runtime_new_current_thread());
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_notify_permit_is_stored_once),
      cmocka_unit_test(test_notify_one_wakes_in_fifo_order),
      cmocka_unit_test(test_notify_waiters_wakes_registered_only),
      cmocka_unit_test(test_notify_dropped_notification_is_passed_on),
      cmocka_unit_test(test_notify_no_lost_wakeup_multi_thread),
      cmocka_unit_test(test_notify_no_lost_wakeup_current_thread),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
