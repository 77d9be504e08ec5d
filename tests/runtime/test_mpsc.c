/* hd_mpsc: bounded and unbounded buffering, FIFO send queue with hand-off,
 * cancellation of send (message not sent) and recv (nothing lost), closing
 * from either side, and many producers under both executors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "heddle/channel.h"
#include "heddle/runtime.h"
#include "sync_testing.h"

static void test_mpsc_bounded_try_send_and_recv(void **state) {
  hd_mpsc_sender tx;
  hd_mpsc_receiver rx;
  assert_int_equal(hd_mpsc_bounded(sizeof(int), 2, &tx, &rx), 0);
  int v = 1, out = 0;
  assert_int_equal(hd_mpsc_try_recv(&rx, &out), HD_EEMPTY);
  assert_int_equal(hd_mpsc_try_send(&tx, &v), 0);
  v = 2;
  assert_int_equal(hd_mpsc_try_send(&tx, &v), 0);
  v = 3;
  assert_int_equal(hd_mpsc_try_send(&tx, &v), HD_EFULL);
  assert_int_equal(hd_mpsc_receiver_len(&rx), 2);
  assert_int_equal(hd_mpsc_try_recv(&rx, &out), 0);
  assert_int_equal(out, 1);
  assert_int_equal(hd_mpsc_try_send(&tx, &v), 0);
  assert_int_equal(hd_mpsc_try_recv(&rx, &out), 0);
  assert_int_equal(out, 2);
  assert_int_equal(hd_mpsc_try_recv(&rx, &out), 0);
  assert_int_equal(out, 3);
  hd_mpsc_sender_drop(&tx);
  hd_mpsc_sender_drop(&tx); /* idempotent */
  assert_int_equal(hd_mpsc_try_recv(&rx, &out), HD_ECLOSED);
  hd_mpsc_receiver_drop(&rx);
  hd_mpsc_receiver_drop(&rx);
}

static void test_mpsc_invalid_arguments(void **state) {
  hd_mpsc_sender tx = {0}, tx2;
  hd_mpsc_receiver rx = {0};
  int v = 0;
  assert_int_equal(hd_mpsc_bounded(sizeof(int), 0, &tx, &rx), HD_EINVAL);
  assert_int_equal(hd_mpsc_bounded(0, 4, &tx, &rx), HD_EINVAL);
  assert_int_equal(hd_mpsc_unbounded(4, NULL, &rx), HD_EINVAL);
  assert_int_equal(hd_mpsc_bounded(SIZE_MAX / 2, 4, &tx, &rx), HD_EINVAL);
  assert_int_equal(hd_mpsc_try_send(&tx, &v), HD_EINVAL);
  assert_int_equal(hd_mpsc_try_recv(&rx, &v), HD_EINVAL);
  assert_int_equal(hd_mpsc_sender_clone(&tx, &tx2), HD_EINVAL);
  assert_true(hd_mpsc_sender_is_closed(&tx));
  test_task t;
  test_task_init(&t);
  hd_mpsc_send s;
  hd_mpsc_recv r;
  assert_int_equal(test_poll(hd_mpsc_send_init(&s, &tx, &v), &t), HD_READY);
  assert_int_equal(s.out, HD_EINVAL);
  assert_int_equal(test_poll(hd_mpsc_recv_init(&r, &rx, &v), &t), HD_READY);
  assert_int_equal(r.out, HD_EINVAL);
}

static void test_mpsc_recv_waits_and_is_woken_by_send(void **state) {
  hd_mpsc_sender tx;
  hd_mpsc_receiver rx;
  assert_int_equal(hd_mpsc_bounded(sizeof(int), 4, &tx, &rx), 0);
  test_task tr;
  test_task_init(&tr);
  int out = 0, v = 42;
  hd_mpsc_recv r;
  assert_int_equal(test_poll(hd_mpsc_recv_init(&r, &rx, &out), &tr), HD_PENDING);
  assert_int_equal(tr.clones, 1);
  assert_int_equal(hd_mpsc_try_send(&tx, &v), 0);
  assert_int_equal(tr.wakes, 1);
  assert_int_equal(test_poll(&r.hd, &tr), HD_READY);
  assert_int_equal(r.out, 0);
  assert_int_equal(out, 42);
  assert_int_equal(tr.clones, 0);
  hd_mpsc_sender_drop(&tx);
  hd_mpsc_receiver_drop(&rx);
}

static void test_mpsc_send_waits_for_capacity_in_fifo_order(void **state) {
  hd_mpsc_sender tx;
  hd_mpsc_receiver rx;
  assert_int_equal(hd_mpsc_bounded(sizeof(int), 1, &tx, &rx), 0);
  int first = 100, msg[3] = {0, 1, 2}, out = -1;
  assert_int_equal(hd_mpsc_try_send(&tx, &first), 0);
  hd_mpsc_send s[3];
  test_task t[3];
  for (int i = 0; i < 3; i++) {
    test_task_init(&t[i]);
    assert_int_equal(test_poll(hd_mpsc_send_init(&s[i], &tx, &msg[i]), &t[i]), HD_PENDING);
  }
  int late = 9;
  assert_int_equal(hd_mpsc_try_send(&tx, &late), HD_EFULL); /* queued sends go first */
  assert_int_equal(hd_mpsc_try_recv(&rx, &out), 0);
  assert_int_equal(out, 100);
  for (int i = 0; i < 3; i++) {
    /* the freed slot was handed to the head send only */
    for (int j = 0; j < 3; j++)
      assert_int_equal(t[j].wakes, j <= i ? 1 : 0);
    assert_int_equal(hd_mpsc_try_recv(&rx, &out), HD_EEMPTY); /* reserved, not written */
    assert_int_equal(test_poll(&s[i].hd, &t[i]), HD_READY);
    assert_int_equal(s[i].out, 0);
    assert_int_equal(hd_mpsc_try_recv(&rx, &out), 0);
    assert_int_equal(out, i);
  }
  for (int i = 0; i < 3; i++)
    assert_int_equal(t[i].clones, 0);
  hd_mpsc_sender_drop(&tx);
  hd_mpsc_receiver_drop(&rx);
}

static void test_mpsc_dropped_send_is_not_sent(void **state) {
  hd_mpsc_sender tx;
  hd_mpsc_receiver rx;
  assert_int_equal(hd_mpsc_bounded(sizeof(int), 1, &tx, &rx), 0);
  int v0 = 0, v1 = 1, v2 = 2, v3 = 3, out;
  assert_int_equal(hd_mpsc_try_send(&tx, &v0), 0);
  hd_mpsc_send s1, s2, s3;
  test_task t1, t2, t3;
  test_task_init(&t1);
  test_task_init(&t2);
  test_task_init(&t3);
  assert_int_equal(test_poll(hd_mpsc_send_init(&s1, &tx, &v1), &t1), HD_PENDING);
  assert_int_equal(test_poll(hd_mpsc_send_init(&s2, &tx, &v2), &t2), HD_PENDING);
  assert_int_equal(test_poll(hd_mpsc_send_init(&s3, &tx, &v3), &t3), HD_PENDING);
  hd_future_drop(&s1.hd); /* queued: leaves the queue, message 1 is lost */
  assert_int_equal(t1.clones, 0);
  assert_int_equal(hd_mpsc_try_recv(&rx, &out), 0);
  assert_int_equal(out, 0);
  assert_int_equal(t2.wakes, 1); /* s2 was handed the slot */
  hd_future_drop(&s2.hd);        /* handed a slot, never wrote: it passes on */
  assert_int_equal(t3.wakes, 1);
  assert_int_equal(test_poll(&s3.hd, &t3), HD_READY);
  assert_int_equal(hd_mpsc_try_recv(&rx, &out), 0);
  assert_int_equal(out, 3);
  assert_int_equal(hd_mpsc_try_recv(&rx, &out), HD_EEMPTY);
  assert_int_equal(t1.clones + t2.clones + t3.clones, 0);
  hd_mpsc_sender_drop(&tx);
  hd_mpsc_receiver_drop(&rx);
}

static void test_mpsc_dropped_recv_loses_nothing(void **state) {
  hd_mpsc_sender tx;
  hd_mpsc_receiver rx;
  assert_int_equal(hd_mpsc_unbounded(sizeof(int), &tx, &rx), 0);
  test_task t;
  test_task_init(&t);
  int out = 0, v = 5;
  hd_mpsc_recv r;
  assert_int_equal(test_poll(hd_mpsc_recv_init(&r, &rx, &out), &t), HD_PENDING);
  hd_future_drop(&r.hd);
  assert_int_equal(t.clones, 0); /* the stored waker went with it */
  assert_int_equal(hd_mpsc_try_send(&tx, &v), 0);
  assert_int_equal(t.wakes, 0);
  /* woken, then dropped before the poll that would take it */
  assert_int_equal(test_poll(hd_mpsc_recv_init(&r, &rx, &out), &t), HD_READY);
  assert_int_equal(out, 5);
  assert_int_equal(test_poll(hd_mpsc_recv_init(&r, &rx, &out), &t), HD_PENDING);
  v = 6;
  assert_int_equal(hd_mpsc_try_send(&tx, &v), 0);
  assert_int_equal(t.wakes, 1);
  hd_future_drop(&r.hd);
  assert_int_equal(hd_mpsc_try_recv(&rx, &out), 0);
  assert_int_equal(out, 6);
  hd_mpsc_sender_drop(&tx);
  hd_mpsc_receiver_drop(&rx);
}

static void test_mpsc_closes_when_all_senders_dropped(void **state) {
  hd_mpsc_sender tx, tx2;
  hd_mpsc_receiver rx;
  assert_int_equal(hd_mpsc_bounded(sizeof(int), 4, &tx, &rx), 0);
  assert_int_equal(hd_mpsc_sender_clone(&tx, &tx2), 0);
  int v = 7, out = 0;
  assert_int_equal(hd_mpsc_try_send(&tx2, &v), 0);
  hd_mpsc_sender_drop(&tx);
  test_task t;
  test_task_init(&t);
  hd_mpsc_recv r;
  assert_int_equal(test_poll(hd_mpsc_recv_init(&r, &rx, &out), &t), HD_READY);
  assert_int_equal(out, 7);
  assert_int_equal(test_poll(hd_mpsc_recv_init(&r, &rx, &out), &t), HD_PENDING);
  hd_mpsc_sender_drop(&tx2); /* the last one */
  assert_int_equal(t.wakes, 1);
  assert_int_equal(test_poll(&r.hd, &t), HD_READY);
  assert_int_equal(r.out, HD_ECLOSED);
  assert_int_equal(t.clones, 0);
  hd_mpsc_receiver_drop(&rx);
}

static void test_mpsc_send_future_keeps_channel_open(void **state) {
  hd_mpsc_sender tx;
  hd_mpsc_receiver rx;
  assert_int_equal(hd_mpsc_bounded(sizeof(int), 1, &tx, &rx), 0);
  int a = 1, b = 2, out;
  assert_int_equal(hd_mpsc_try_send(&tx, &a), 0);
  test_task t;
  test_task_init(&t);
  hd_mpsc_send s;
  assert_int_equal(test_poll(hd_mpsc_send_init(&s, &tx, &b), &t), HD_PENDING);
  hd_mpsc_sender_drop(&tx); /* the handle goes; the send future still counts */
  assert_int_equal(hd_mpsc_try_recv(&rx, &out), 0);
  assert_int_equal(hd_mpsc_try_recv(&rx, &out), HD_EEMPTY); /* not closed */
  assert_int_equal(test_poll(&s.hd, &t), HD_READY);
  assert_int_equal(hd_mpsc_try_recv(&rx, &out), 0);
  assert_int_equal(out, 2);
  assert_int_equal(hd_mpsc_try_recv(&rx, &out), HD_ECLOSED);
  hd_mpsc_receiver_drop(&rx);
}

static void test_mpsc_receiver_drop_fails_queued_sends(void **state) {
  hd_mpsc_sender tx;
  hd_mpsc_receiver rx;
  assert_int_equal(hd_mpsc_bounded(sizeof(int), 1, &tx, &rx), 0);
  int v = 0;
  assert_int_equal(hd_mpsc_try_send(&tx, &v), 0);
  enum { N = 40 }; /* more than one wake batch */
  hd_mpsc_send s[N];
  test_task t;
  test_task_init(&t);
  for (int i = 0; i < N; i++)
    assert_int_equal(test_poll(hd_mpsc_send_init(&s[i], &tx, &v), &t), HD_PENDING);
  assert_false(hd_mpsc_sender_is_closed(&tx));
  hd_mpsc_receiver_drop(&rx);
  assert_true(hd_mpsc_sender_is_closed(&tx));
  assert_int_equal(t.wakes, N);
  for (int i = 0; i < N; i++) {
    assert_int_equal(test_poll(&s[i].hd, &t), HD_READY);
    assert_int_equal(s[i].out, HD_ECLOSED);
  }
  assert_int_equal(hd_mpsc_try_send(&tx, &v), HD_ECLOSED);
  assert_int_equal(test_poll(hd_mpsc_send_init(&s[0], &tx, &v), &t), HD_READY);
  assert_int_equal(s[0].out, HD_ECLOSED);
  assert_int_equal(t.clones, 0);
  hd_mpsc_sender_drop(&tx); /* frees the channel (ASan checks) */
}

static void test_mpsc_receiver_close_keeps_buffered(void **state) {
  hd_mpsc_sender tx;
  hd_mpsc_receiver rx;
  assert_int_equal(hd_mpsc_bounded(sizeof(int), 4, &tx, &rx), 0);
  int v = 11, out = 0;
  assert_int_equal(hd_mpsc_try_send(&tx, &v), 0);
  hd_mpsc_receiver_close(&rx);
  assert_int_equal(hd_mpsc_try_send(&tx, &v), HD_ECLOSED);
  assert_int_equal(hd_mpsc_try_recv(&rx, &out), 0);
  assert_int_equal(out, 11);
  assert_int_equal(hd_mpsc_try_recv(&rx, &out), HD_ECLOSED);
  hd_mpsc_receiver_drop(&rx);
  hd_mpsc_sender_drop(&tx);
}

typedef struct big_msg {
  uint32_t seq;
  char pad[61]; /* an odd element size */
} big_msg;

static void test_mpsc_unbounded_grows_keeping_order(void **state) {
  hd_mpsc_sender tx;
  hd_mpsc_receiver rx;
  assert_int_equal(hd_mpsc_unbounded(sizeof(big_msg), &tx, &rx), 0);
  uint32_t next_out = 0;
  big_msg m = {0}, out;
  for (uint32_t i = 0; i < 5000; i++) {
    m.seq = i;
    m.pad[60] = (char)i;
    assert_int_equal(hd_mpsc_try_send(&tx, &m), 0);
    if (i % 3 == 0) { /* drain a little so the ring wraps before it grows */
      assert_int_equal(hd_mpsc_try_recv(&rx, &out), 0);
      assert_int_equal(out.seq, next_out);
      assert_int_equal(out.pad[60], (char)next_out);
      next_out++;
    }
  }
  while (hd_mpsc_try_recv(&rx, &out) == 0) {
    assert_int_equal(out.seq, next_out);
    next_out++;
  }
  assert_int_equal(next_out, 5000);
  hd_mpsc_sender_drop(&tx);
  hd_mpsc_receiver_drop(&rx);
}

static void test_mpsc_unbounded_send_never_waits(void **state) {
  hd_mpsc_sender tx;
  hd_mpsc_receiver rx;
  assert_int_equal(hd_mpsc_unbounded(sizeof(int), &tx, &rx), 0);
  test_task t;
  test_task_init(&t);
  for (int i = 0; i < 100; i++) {
    hd_mpsc_send s;
    assert_int_equal(test_poll(hd_mpsc_send_init(&s, &tx, &i), &t), HD_READY);
    assert_int_equal(s.out, 0);
  }
  assert_int_equal(hd_mpsc_receiver_len(&rx), 100);
  assert_int_equal(t.clones, 0);
  hd_mpsc_receiver_drop(&rx); /* discards the buffered messages */
  int v = 0;
  assert_int_equal(hd_mpsc_try_send(&tx, &v), HD_ECLOSED);
  hd_mpsc_sender_drop(&tx);
}

static void test_mpsc_permit_holds_a_slot(void **state) {
  hd_mpsc_sender tx;
  hd_mpsc_receiver rx;
  assert_int_equal(hd_mpsc_bounded(sizeof(int), 1, &tx, &rx), 0);
  test_task t;
  test_task_init(&t);
  hd_mpsc_permit p = {{0}}, p2 = {{0}};
  hd_mpsc_reserve r;
  assert_int_equal(test_poll(hd_mpsc_reserve_init(&r, &tx, &p), &t), HD_READY);
  assert_int_equal(r.out, 0);
  int v = 4, out = 0;
  assert_int_equal(hd_mpsc_try_send(&tx, &v), HD_EFULL); /* the slot is taken */
  assert_int_equal(hd_mpsc_try_reserve(&tx, &p2), HD_EFULL);
  hd_mpsc_sender_drop(&tx); /* the permit keeps the channel open */
  assert_int_equal(hd_mpsc_try_recv(&rx, &out), HD_EEMPTY);
  assert_int_equal(hd_mpsc_permit_send(&p, &v), 0);
  assert_null(p.tx.chan);
  assert_int_equal(hd_mpsc_permit_send(&p, &v), HD_EINVAL); /* used */
  assert_int_equal(hd_mpsc_try_recv(&rx, &out), 0);
  assert_int_equal(out, 4);
  assert_int_equal(hd_mpsc_try_recv(&rx, &out), HD_ECLOSED);
  hd_mpsc_receiver_drop(&rx);
  assert_int_equal(t.clones, 0);
}

static void test_mpsc_permit_release_passes_the_slot(void **state) {
  hd_mpsc_sender tx;
  hd_mpsc_receiver rx;
  assert_int_equal(hd_mpsc_bounded(sizeof(int), 1, &tx, &rx), 0);
  hd_mpsc_permit p = {{0}};
  assert_int_equal(hd_mpsc_try_reserve(&tx, &p), 0);
  test_task t;
  test_task_init(&t);
  int v = 12, out = 0;
  hd_mpsc_send s;
  assert_int_equal(test_poll(hd_mpsc_send_init(&s, &tx, &v), &t), HD_PENDING);
  hd_mpsc_permit_release(&p);
  hd_mpsc_permit_release(&p); /* idempotent */
  assert_int_equal(t.wakes, 1);
  assert_int_equal(test_poll(&s.hd, &t), HD_READY);
  assert_int_equal(s.out, 0);
  assert_int_equal(hd_mpsc_try_recv(&rx, &out), 0);
  assert_int_equal(out, 12);
  hd_mpsc_sender_drop(&tx);
  hd_mpsc_receiver_drop(&rx);
}

static void test_mpsc_dropped_reserve_loses_only_its_place(void **state) {
  hd_mpsc_sender tx;
  hd_mpsc_receiver rx;
  assert_int_equal(hd_mpsc_bounded(sizeof(int), 1, &tx, &rx), 0);
  int v = 0, out;
  assert_int_equal(hd_mpsc_try_send(&tx, &v), 0);
  test_task t1, t2, t3;
  test_task_init(&t1);
  test_task_init(&t2);
  test_task_init(&t3);
  hd_mpsc_permit p1 = {{0}}, p2 = {{0}}, p3 = {{0}};
  hd_mpsc_reserve r1, r2, r3;
  assert_int_equal(test_poll(hd_mpsc_reserve_init(&r1, &tx, &p1), &t1), HD_PENDING);
  assert_int_equal(test_poll(hd_mpsc_reserve_init(&r2, &tx, &p2), &t2), HD_PENDING);
  assert_int_equal(test_poll(hd_mpsc_reserve_init(&r3, &tx, &p3), &t3), HD_PENDING);
  hd_future_drop(&r1.hd); /* queued */
  assert_int_equal(hd_mpsc_try_recv(&rx, &out), 0);
  assert_int_equal(t1.wakes, 0);
  assert_int_equal(t2.wakes, 1);
  hd_future_drop(&r2.hd); /* handed the slot, never observed it */
  assert_null(p2.tx.chan);
  assert_int_equal(t3.wakes, 1);
  assert_int_equal(test_poll(&r3.hd, &t3), HD_READY);
  assert_int_equal(r3.out, 0);
  v = 3;
  assert_int_equal(hd_mpsc_permit_send(&p3, &v), 0);
  assert_int_equal(hd_mpsc_try_recv(&rx, &out), 0);
  assert_int_equal(out, 3);
  assert_int_equal(t1.clones + t2.clones + t3.clones, 0);
  hd_mpsc_sender_drop(&tx);
  hd_mpsc_receiver_drop(&rx);
}

static void test_mpsc_permit_after_receiver_drop(void **state) {
  hd_mpsc_sender tx;
  hd_mpsc_receiver rx;
  assert_int_equal(hd_mpsc_bounded(sizeof(int), 2, &tx, &rx), 0);
  hd_mpsc_permit p = {{0}}, q = {{0}};
  assert_int_equal(hd_mpsc_try_reserve(&tx, &p), 0);
  assert_int_equal(hd_mpsc_try_reserve(&tx, &q), 0);
  hd_mpsc_sender_drop(&tx);
  hd_mpsc_receiver_drop(&rx);
  int v = 1;
  assert_int_equal(hd_mpsc_permit_send(&p, &v), HD_ECLOSED);
  hd_mpsc_permit_release(&q); /* the last reference: frees the channel */
  hd_mpsc_sender tx2;
  hd_mpsc_receiver rx2;
  assert_int_equal(hd_mpsc_bounded(sizeof(int), 1, &tx2, &rx2), 0);
  hd_mpsc_receiver_close(&rx2);
  assert_int_equal(hd_mpsc_try_reserve(&tx2, &p), HD_ECLOSED);
  test_task t;
  test_task_init(&t);
  hd_mpsc_reserve r;
  assert_int_equal(test_poll(hd_mpsc_reserve_init(&r, &tx2, &p), &t), HD_READY);
  assert_int_equal(r.out, HD_ECLOSED);
  assert_null(p.tx.chan);
  hd_mpsc_sender_drop(&tx2);
  hd_mpsc_receiver_drop(&rx2);
}

/* ---- random operations against a model --------------------------------- */

enum { M_SLOTS = 8, M_OPS = 20000, M_CAP = 3 };
enum m_state { M_FREE, M_QUEUED, M_GRANTED };

typedef struct m_send {
  enum m_state st;
  unsigned long seq;
  int msg;
  int expected_wakes;
  test_task t;
  hd_mpsc_send s;
} m_send;

static unsigned m_rnd(unsigned *x) {
  *x ^= *x << 13;
  *x ^= *x >> 17;
  *x ^= *x << 5;
  return *x;
}

/* The model: the buffer as a queue of message values, the reserved count,
 * and the send futures' states; a freed slot goes to the lowest seq. */
typedef struct m_model {
  int buf[M_CAP];
  int len;
  int reserved;
  unsigned long next_seq;
  m_send send[M_SLOTS];
} m_model;

static void m_grant(m_model *m) {
  m_send *head = NULL;
  for (int i = 0; i < M_SLOTS; i++)
    if (m->send[i].st == M_QUEUED && (!head || m->send[i].seq < head->seq))
      head = &m->send[i];
  if (head && m->len + m->reserved < M_CAP) {
    m->reserved++;
    head->st = M_GRANTED;
    head->expected_wakes++;
  }
}

static bool m_queue_empty(const m_model *m) {
  for (int i = 0; i < M_SLOTS; i++)
    if (m->send[i].st == M_QUEUED)
      return false;
  return true;
}

static void test_mpsc_random_ops_match_model(void **state) {
  static m_model m;
  memset(&m, 0, sizeof m);
  hd_mpsc_sender tx;
  hd_mpsc_receiver rx;
  assert_int_equal(hd_mpsc_bounded(sizeof(int), M_CAP, &tx, &rx), 0);
  unsigned x = 0x2545f491u;
  int next_msg = 1;
  for (int op = 0; op < M_OPS; op++) {
    unsigned what = m_rnd(&x) % 4;
    if (what == 0) { /* the receiver takes one */
      int out = 0;
      int r = hd_mpsc_try_recv(&rx, &out);
      if (m.len == 0) {
        assert_int_equal(r, HD_EEMPTY);
      } else {
        assert_int_equal(r, 0);
        assert_int_equal(out, m.buf[0]);
        memmove(m.buf, m.buf + 1, (size_t)(m.len - 1) * sizeof(int));
        m.len--;
        m_grant(&m);
      }
    } else if (what == 1) { /* try_send */
      int v = next_msg;
      int r = hd_mpsc_try_send(&tx, &v);
      if (m_queue_empty(&m) && m.len + m.reserved < M_CAP) {
        assert_int_equal(r, 0);
        m.buf[m.len++] = next_msg++;
      } else {
        assert_int_equal(r, HD_EFULL);
      }
    } else { /* a send future: start, re-poll, complete or drop */
      m_send *sl = &m.send[m_rnd(&x) % M_SLOTS];
      bool drop = m_rnd(&x) % 3 == 0;
      switch (sl->st) {
      case M_FREE: {
        test_task_init(&sl->t);
        sl->expected_wakes = 0;
        sl->msg = next_msg++;
        bool now = m_queue_empty(&m) && m.len + m.reserved < M_CAP;
        assert_int_equal(test_poll(hd_mpsc_send_init(&sl->s, &tx, &sl->msg), &sl->t),
                         now ? HD_READY : HD_PENDING);
        if (now) {
          m.buf[m.len++] = sl->msg;
        } else {
          sl->st = M_QUEUED;
          sl->seq = m.next_seq++;
        }
        break;
      }
      case M_QUEUED:
        if (drop) {
          hd_future_drop(&sl->s.hd);
          sl->st = M_FREE;
        } else {
          assert_int_equal(test_poll(&sl->s.hd, &sl->t), HD_PENDING);
        }
        break;
      case M_GRANTED:
        if (drop) {
          hd_future_drop(&sl->s.hd);
          m.reserved--;
          m_grant(&m);
        } else {
          assert_int_equal(test_poll(&sl->s.hd, &sl->t), HD_READY);
          assert_int_equal(sl->s.out, 0);
          m.reserved--;
          m.buf[m.len++] = sl->msg;
        }
        sl->st = M_FREE;
        break;
      }
    }
    assert_int_equal(hd_mpsc_receiver_len(&rx), m.len);
    for (int i = 0; i < M_SLOTS; i++) {
      assert_int_equal(m.send[i].t.wakes, m.send[i].expected_wakes);
      if (m.send[i].st == M_FREE)
        assert_int_equal(m.send[i].t.clones, 0);
    }
  }
  for (int i = 0; i < M_SLOTS; i++)
    if (m.send[i].st != M_FREE)
      hd_future_drop(&m.send[i].s.hd);
  hd_mpsc_sender_drop(&tx);
  hd_mpsc_receiver_drop(&rx);
}

/* ---- many producers on the executors ------------------------------------- */

#define PRODUCERS 8
#define PER_PRODUCER 10000

/* Even producers send with the send future, odd ones reserve a slot and
 * send through the permit. */
HD_ASYNC_FN(
    producer, int, hd_mpsc_sender tx; uint32_t id; uint32_t i; uint32_t msg; hd_mpsc_permit permit;
    union {
      hd_mpsc_send send;
      hd_mpsc_reserve reserve;
    } c;);
static void producer_drop(hd_future *self) {
  producer *f = (producer *)self;
  hd_mpsc_permit_release(&f->permit);
  hd_mpsc_sender_drop(&f->tx);
}
HD_ASYNC(producer, f, cx, producer_drop) {
  for (f->i = 0; f->i < PER_PRODUCER; f->i++) {
    f->msg = f->id << 20 | f->i;
    if (f->id % 2 == 0) {
      HD_AWAIT(f, cx, hd_mpsc_send_init(&f->c.send, &f->tx, &f->msg));
      if (f->c.send.out != 0)
        break;
    } else {
      HD_AWAIT(f, cx, hd_mpsc_reserve_init(&f->c.reserve, &f->tx, &f->permit));
      if (f->c.reserve.out != 0 || hd_mpsc_permit_send(&f->permit, &f->msg) != 0)
        break;
    }
  }
  hd_mpsc_sender_drop(&f->tx);
  HD_RETURN(f, (int)f->i);
}
HD_ASYNC_END(f)

/* Spawns the producers (each with a cloned sender), drops its own sender,
 * then receives until HD_ECLOSED, checking per-producer order. */
HD_ASYNC_FN(
    consumer, int, hd_mpsc_sender tx; hd_mpsc_receiver rx; uint32_t i; uint32_t msg;
    uint32_t next[PRODUCERS]; long received; hd_join_handle * h[PRODUCERS]; union {
      hd_mpsc_recv recv;
      hd_join j;
    } c;);
static void consumer_drop(hd_future *self) {
  consumer *f = (consumer *)self;
  hd_mpsc_sender_drop(&f->tx);
  hd_mpsc_receiver_drop(&f->rx);
}
HD_ASYNC(consumer, f, cx, consumer_drop) {
  for (f->i = 0; f->i < PRODUCERS; f->i++) {
    producer p;
    HD_ASYNC_INIT(&p, producer);
    p.id = f->i;
    hd_mpsc_sender_clone(&f->tx, &p.tx);
    f->h[f->i] = hd_spawn(&p.hd);
  }
  hd_mpsc_sender_drop(&f->tx);
  for (;;) {
    HD_AWAIT(f, cx, hd_mpsc_recv_init(&f->c.recv, &f->rx, &f->msg));
    if (f->c.recv.out == HD_ECLOSED)
      break;
    uint32_t id = f->msg >> 20, seq = f->msg & 0xfffff;
    if (id >= PRODUCERS || seq != f->next[id])
      HD_RETURN(f, -1); /* lost, duplicated or reordered */
    f->next[id]++;
    f->received++;
  }
  for (f->i = 0; f->i < PRODUCERS; f->i++) {
    HD_AWAIT(f, cx, hd_join_init(&f->c.j, f->h[f->i]));
    hd_join_handle_drop(f->h[f->i]);
  }
  hd_mpsc_receiver_drop(&f->rx);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

static void check_producers(hd_runtime *rt, bool bounded) {
  assert_non_null(rt);
  consumer f;
  HD_ASYNC_INIT(&f, consumer);
  if (bounded)
    assert_int_equal(hd_mpsc_bounded(sizeof(uint32_t), 16, &f.tx, &f.rx), 0);
  else
    assert_int_equal(hd_mpsc_unbounded(sizeof(uint32_t), &f.tx, &f.rx), 0);
  assert_int_equal(hd_block_on(rt, &f.hd), 0);
  assert_int_equal(f.out, 0);
  assert_int_equal(f.received, (long)PRODUCERS * PER_PRODUCER);
  for (int i = 0; i < PRODUCERS; i++)
    assert_int_equal(f.next[i], PER_PRODUCER);
  hd_runtime_free(rt);
}

static void test_mpsc_many_producers_bounded_multi_thread(void **state) {
  check_producers(hd_runtime_new_multi_thread(4), true);
}
static void test_mpsc_many_producers_unbounded_multi_thread(void **state) {
  check_producers(hd_runtime_new_multi_thread(4), false);
}
static void test_mpsc_many_producers_bounded_current_thread(void **state) {
  check_producers(hd_runtime_new_current_thread(), true);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_mpsc_bounded_try_send_and_recv),
      cmocka_unit_test(test_mpsc_invalid_arguments),
      cmocka_unit_test(test_mpsc_recv_waits_and_is_woken_by_send),
      cmocka_unit_test(test_mpsc_send_waits_for_capacity_in_fifo_order),
      cmocka_unit_test(test_mpsc_dropped_send_is_not_sent),
      cmocka_unit_test(test_mpsc_dropped_recv_loses_nothing),
      cmocka_unit_test(test_mpsc_closes_when_all_senders_dropped),
      cmocka_unit_test(test_mpsc_send_future_keeps_channel_open),
      cmocka_unit_test(test_mpsc_receiver_drop_fails_queued_sends),
      cmocka_unit_test(test_mpsc_receiver_close_keeps_buffered),
      cmocka_unit_test(test_mpsc_unbounded_grows_keeping_order),
      cmocka_unit_test(test_mpsc_unbounded_send_never_waits),
      cmocka_unit_test(test_mpsc_permit_holds_a_slot),
      cmocka_unit_test(test_mpsc_permit_release_passes_the_slot),
      cmocka_unit_test(test_mpsc_dropped_reserve_loses_only_its_place),
      cmocka_unit_test(test_mpsc_permit_after_receiver_drop),
      cmocka_unit_test(test_mpsc_random_ops_match_model),
      cmocka_unit_test(test_mpsc_many_producers_bounded_multi_thread),
      cmocka_unit_test(test_mpsc_many_producers_unbounded_multi_thread),
      cmocka_unit_test(test_mpsc_many_producers_bounded_current_thread),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
