/* hd_oneshot: send/recv, wake on send, closed detection both ways
 * (sender dropped -> HD_ECLOSED; receiver dropped or closed -> send fails
 * and the closed future completes), cancel-safe recv, and replies across
 * tasks under both executors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "heddle/channel.h"
#include "heddle/runtime.h"
#include "sync_testing.h"

static void test_oneshot_send_then_recv(void **state) {
  hd_oneshot_sender tx;
  hd_oneshot_receiver rx;
  assert_int_equal(hd_oneshot_channel(sizeof(double), &tx, &rx), 0);
  double v = 2.5, out = 0;
  assert_int_equal(hd_oneshot_try_recv(&rx, &out), HD_EEMPTY);
  assert_int_equal(hd_oneshot_send(&tx, &v), 0);
  assert_null(tx.chan); /* consumed */
  assert_int_equal(hd_oneshot_send(&tx, &v), HD_EINVAL);
  assert_int_equal(hd_oneshot_try_recv(&rx, &out), 0);
  assert_true(out == 2.5);
  assert_int_equal(hd_oneshot_try_recv(&rx, &out), HD_ECLOSED); /* only once */
  hd_oneshot_receiver_drop(&rx);
  hd_oneshot_receiver_drop(&rx);
}

static void test_oneshot_recv_is_woken_by_send(void **state) {
  hd_oneshot_sender tx;
  hd_oneshot_receiver rx;
  assert_int_equal(hd_oneshot_channel(sizeof(int), &tx, &rx), 0);
  test_task t;
  test_task_init(&t);
  int out = 0, v = 9;
  hd_oneshot_recv r;
  assert_int_equal(test_poll(hd_oneshot_recv_init(&r, &rx, &out), &t), HD_PENDING);
  assert_int_equal(test_poll(&r.hd, &t), HD_PENDING);
  assert_int_equal(t.clones, 1);
  assert_int_equal(hd_oneshot_send(&tx, &v), 0);
  assert_int_equal(t.wakes, 1);
  assert_int_equal(test_poll(&r.hd, &t), HD_READY);
  assert_int_equal(r.out, 0);
  assert_int_equal(out, 9);
  assert_int_equal(t.clones, 0);
  hd_oneshot_receiver_drop(&rx);
}

static void test_oneshot_sender_dropped_closes_recv(void **state) {
  hd_oneshot_sender tx;
  hd_oneshot_receiver rx;
  assert_int_equal(hd_oneshot_channel(sizeof(int), &tx, &rx), 0);
  test_task t;
  test_task_init(&t);
  int out = 0;
  hd_oneshot_recv r;
  assert_int_equal(test_poll(hd_oneshot_recv_init(&r, &rx, &out), &t), HD_PENDING);
  hd_oneshot_sender_drop(&tx);
  hd_oneshot_sender_drop(&tx); /* idempotent */
  assert_int_equal(t.wakes, 1);
  assert_int_equal(test_poll(&r.hd, &t), HD_READY);
  assert_int_equal(r.out, HD_ECLOSED);
  assert_int_equal(hd_oneshot_try_recv(&rx, &out), HD_ECLOSED);
  hd_oneshot_receiver_drop(&rx);
  assert_int_equal(t.clones, 0);
}

static void test_oneshot_receiver_dropped_fails_send(void **state) {
  hd_oneshot_sender tx;
  hd_oneshot_receiver rx;
  assert_int_equal(hd_oneshot_channel(sizeof(int), &tx, &rx), 0);
  test_task t;
  test_task_init(&t);
  hd_oneshot_closed c;
  assert_false(hd_oneshot_sender_is_closed(&tx));
  assert_int_equal(test_poll(hd_oneshot_closed_init(&c, &tx), &t), HD_PENDING);
  hd_oneshot_receiver_drop(&rx);
  assert_int_equal(t.wakes, 1);
  assert_int_equal(test_poll(&c.hd, &t), HD_READY);
  assert_true(hd_oneshot_sender_is_closed(&tx));
  int v = 1;
  assert_int_equal(hd_oneshot_send(&tx, &v), HD_ECLOSED);
  assert_null(tx.chan);
  assert_int_equal(t.clones, 0);
}

static void test_oneshot_receiver_close_keeps_sent_value(void **state) {
  hd_oneshot_sender tx, tx2;
  hd_oneshot_receiver rx, rx2;
  int v = 3, out = 0;
  /* closed before sending: the send fails */
  assert_int_equal(hd_oneshot_channel(sizeof(int), &tx, &rx), 0);
  hd_oneshot_receiver_close(&rx);
  assert_int_equal(hd_oneshot_send(&tx, &v), HD_ECLOSED);
  assert_int_equal(hd_oneshot_try_recv(&rx, &out), HD_ECLOSED);
  hd_oneshot_receiver_drop(&rx);
  /* closed after sending: the value stays receivable */
  assert_int_equal(hd_oneshot_channel(sizeof(int), &tx2, &rx2), 0);
  assert_int_equal(hd_oneshot_send(&tx2, &v), 0);
  hd_oneshot_receiver_close(&rx2);
  assert_int_equal(hd_oneshot_try_recv(&rx2, &out), 0);
  assert_int_equal(out, 3);
  hd_oneshot_receiver_drop(&rx2);
}

static void test_oneshot_dropped_recv_loses_nothing(void **state) {
  hd_oneshot_sender tx;
  hd_oneshot_receiver rx;
  assert_int_equal(hd_oneshot_channel(sizeof(int), &tx, &rx), 0);
  test_task t;
  test_task_init(&t);
  int out = 0, v = 8;
  hd_oneshot_recv r;
  assert_int_equal(test_poll(hd_oneshot_recv_init(&r, &rx, &out), &t), HD_PENDING);
  assert_int_equal(hd_oneshot_send(&tx, &v), 0);
  hd_future_drop(&r.hd); /* woken but never polled again */
  assert_int_equal(out, 0);
  assert_int_equal(hd_oneshot_try_recv(&rx, &out), 0);
  assert_int_equal(out, 8);
  hd_oneshot_receiver_drop(&rx);
  assert_int_equal(t.clones, 0);
}

static void test_oneshot_invalid_arguments(void **state) {
  hd_oneshot_sender tx = {0};
  hd_oneshot_receiver rx = {0};
  int v = 0;
  assert_int_equal(hd_oneshot_channel(0, &tx, &rx), HD_EINVAL);
  assert_int_equal(hd_oneshot_channel(4, NULL, &rx), HD_EINVAL);
  assert_int_equal(hd_oneshot_send(&tx, &v), HD_EINVAL);
  assert_int_equal(hd_oneshot_try_recv(&rx, &v), HD_EINVAL);
  test_task t;
  test_task_init(&t);
  hd_oneshot_recv r;
  assert_int_equal(test_poll(hd_oneshot_recv_init(&r, &rx, &v), &t), HD_READY);
  assert_int_equal(r.out, HD_EINVAL);
}

/* ---- replies across tasks -------------------------------------------------- */

#define WORKERS 64

HD_ASYNC_FN(replier, int, hd_oneshot_sender tx; int id; hd_yield y;);
static void replier_drop(hd_future *self) {
  hd_oneshot_sender_drop(&((replier *)self)->tx);
}
HD_ASYNC(replier, f, cx, replier_drop) {
  HD_AWAIT(f, cx, hd_yield_init(&f->y));
  int v = f->id * 3;
  HD_RETURN(f, hd_oneshot_send(&f->tx, &v));
}
HD_ASYNC_END(f)

HD_ASYNC_FN(gather, int, int i; int sum; int got; hd_oneshot_receiver rx[WORKERS];
            hd_oneshot_recv r;);
static void gather_drop(hd_future *self) {
  for (int i = 0; i < WORKERS; i++)
    hd_oneshot_receiver_drop(&((gather *)self)->rx[i]);
}
HD_ASYNC(gather, f, cx, gather_drop) {
  for (f->i = 0; f->i < WORKERS; f->i++) {
    replier t;
    HD_ASYNC_INIT(&t, replier);
    t.id = f->i;
    if (hd_oneshot_channel(sizeof(int), &t.tx, &f->rx[f->i]) != 0)
      HD_RETURN(f, -1);
    hd_join_handle_drop(hd_spawn(&t.hd)); /* detached */
  }
  for (f->i = 0; f->i < WORKERS; f->i++) {
    HD_AWAIT(f, cx, hd_oneshot_recv_init(&f->r, &f->rx[f->i], &f->got));
    if (f->r.out != 0)
      HD_RETURN(f, -2);
    f->sum += f->got;
    hd_oneshot_receiver_drop(&f->rx[f->i]);
  }
  HD_RETURN(f, f->sum);
}
HD_ASYNC_END(f)

static void check_gather(hd_runtime *rt) {
  assert_non_null(rt);
  gather f;
  HD_ASYNC_INIT(&f, gather);
  assert_int_equal(hd_block_on(rt, &f.hd), 0);
  assert_int_equal(f.out, 3 * WORKERS * (WORKERS - 1) / 2);
  hd_runtime_free(rt);
}

static void test_oneshot_replies_multi_thread(void **state) {
  check_gather(hd_runtime_new_multi_thread(4));
}
static void test_oneshot_replies_current_thread(void **state) {
  check_gather(hd_runtime_new_current_thread());
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_oneshot_send_then_recv),
      cmocka_unit_test(test_oneshot_recv_is_woken_by_send),
      cmocka_unit_test(test_oneshot_sender_dropped_closes_recv),
      cmocka_unit_test(test_oneshot_receiver_dropped_fails_send),
      cmocka_unit_test(test_oneshot_receiver_close_keeps_sent_value),
      cmocka_unit_test(test_oneshot_dropped_recv_loses_nothing),
      cmocka_unit_test(test_oneshot_invalid_arguments),
      cmocka_unit_test(test_oneshot_replies_multi_thread),
      cmocka_unit_test(test_oneshot_replies_current_thread),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
