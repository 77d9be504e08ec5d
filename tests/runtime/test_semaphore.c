/* hd_semaphore: permits, FIFO with a large request at the head, no
 * barging, close, permit guards, cancellation, and a concurrency limit
 * under both executors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "heddle/runtime.h"
#include "heddle/sync.h"
#include "sync_testing.h"

static void test_semaphore_try_acquire_and_release(void **state) {
  hd_semaphore s;
  hd_semaphore_init(&s, 3);
  hd_semaphore_permit p = {0}, q = {0};
  assert_int_equal(hd_semaphore_try_acquire(&s, 2, &p), 0);
  assert_int_equal(p.n, 2);
  assert_int_equal(hd_semaphore_available(&s), 1);
  assert_int_equal(hd_semaphore_try_acquire(&s, 2, &q), HD_EEMPTY);
  hd_semaphore_permit_release(&p);
  hd_semaphore_permit_release(&p); /* idempotent */
  assert_int_equal(hd_semaphore_available(&s), 3);
  assert_int_equal(hd_semaphore_try_acquire(&s, 3, &q), 0);
  hd_semaphore_permit_forget(&q); /* consumed for good */
  assert_int_equal(hd_semaphore_available(&s), 0);
  hd_semaphore_release(&s, 5);
  assert_int_equal(hd_semaphore_available(&s), 5);
  assert_int_equal(hd_semaphore_try_acquire(NULL, 1, &q), HD_EINVAL);
  hd_semaphore_destroy(&s);
}

static void test_semaphore_large_head_blocks_smaller_behind(void **state) {
  hd_semaphore s = HD_SEMAPHORE_INITIALIZER(1);
  hd_semaphore_permit big = {0}, small = {0}, p = {0};
  hd_semaphore_acquire a_big, a_small;
  test_task tb, ts;
  test_task_init(&tb);
  test_task_init(&ts);
  assert_int_equal(test_poll(hd_semaphore_acquire_init(&a_big, &s, 3, &big), &tb), HD_PENDING);
  /* One permit is free, but the queue is FIFO: the small request waits. */
  assert_int_equal(test_poll(hd_semaphore_acquire_init(&a_small, &s, 1, &small), &ts), HD_PENDING);
  assert_int_equal(hd_semaphore_try_acquire(&s, 1, &p), HD_EEMPTY); /* no barging */
  hd_semaphore_release(&s, 1);
  assert_int_equal(tb.wakes + ts.wakes, 0); /* 2 free, the head needs 3 */
  hd_semaphore_release(&s, 1);
  assert_int_equal(tb.wakes, 1);
  assert_int_equal(ts.wakes, 0); /* 0 free after the hand-off */
  assert_int_equal(test_poll(&a_big.hd, &tb), HD_READY);
  assert_int_equal(a_big.out, 0);
  assert_int_equal(big.n, 3);
  hd_semaphore_permit_release(&big);
  assert_int_equal(ts.wakes, 1);
  assert_int_equal(test_poll(&a_small.hd, &ts), HD_READY);
  assert_int_equal(hd_semaphore_available(&s), 2);
  hd_semaphore_permit_release(&small);
  assert_int_equal(tb.clones + ts.clones, 0);
}

static void test_semaphore_dropped_head_lets_smaller_through(void **state) {
  hd_semaphore s = HD_SEMAPHORE_INITIALIZER(1);
  hd_semaphore_permit big = {0}, small = {0};
  hd_semaphore_acquire a_big, a_small;
  test_task tb, ts;
  test_task_init(&tb);
  test_task_init(&ts);
  assert_int_equal(test_poll(hd_semaphore_acquire_init(&a_big, &s, 3, &big), &tb), HD_PENDING);
  assert_int_equal(test_poll(hd_semaphore_acquire_init(&a_small, &s, 1, &small), &ts), HD_PENDING);
  hd_future_drop(&a_big.hd);
  assert_int_equal(ts.wakes, 1);
  assert_int_equal(test_poll(&a_small.hd, &ts), HD_READY);
  hd_semaphore_permit_release(&small);
  assert_null(big.sem);
  assert_int_equal(hd_semaphore_available(&s), 1);
  assert_int_equal(tb.clones + ts.clones, 0);
}

static void test_semaphore_dropped_granted_acquire_gives_back(void **state) {
  hd_semaphore s = HD_SEMAPHORE_INITIALIZER(0);
  hd_semaphore_permit p = {0};
  hd_semaphore_acquire a;
  test_task t;
  test_task_init(&t);
  assert_int_equal(test_poll(hd_semaphore_acquire_init(&a, &s, 2, &p), &t), HD_PENDING);
  hd_semaphore_release(&s, 2);
  assert_int_equal(hd_semaphore_available(&s), 0); /* handed to the waiter */
  hd_future_drop(&a.hd);
  assert_int_equal(hd_semaphore_available(&s), 2);
  assert_null(p.sem);
}

static void test_semaphore_close_fails_waiters(void **state) {
  hd_semaphore s = HD_SEMAPHORE_INITIALIZER(0);
  enum { N = 40 }; /* more than one wake batch */
  hd_semaphore_permit p[N];
  hd_semaphore_acquire a[N];
  test_task t;
  test_task_init(&t);
  for (int i = 0; i < N; i++) {
    p[i] = (hd_semaphore_permit){0};
    assert_int_equal(test_poll(hd_semaphore_acquire_init(&a[i], &s, 1, &p[i]), &t), HD_PENDING);
  }
  assert_int_equal(t.clones, N);
  hd_semaphore_close(&s);
  assert_true(hd_semaphore_is_closed(&s));
  assert_int_equal(t.wakes, N);
  assert_int_equal(t.clones, 0);
  for (int i = 0; i < N; i++) {
    assert_int_equal(test_poll(&a[i].hd, &t), HD_READY);
    assert_int_equal(a[i].out, HD_ECLOSED);
    assert_null(p[i].sem);
  }
  hd_semaphore_permit q = {0};
  assert_int_equal(hd_semaphore_try_acquire(&s, 0, &q), HD_ECLOSED);
  hd_semaphore_acquire late;
  assert_int_equal(test_poll(hd_semaphore_acquire_init(&late, &s, 1, &q), &t), HD_READY);
  assert_int_equal(late.out, HD_ECLOSED);
}

/* ---- random operations against a model --------------------------------- */

enum { SLOTS = 12, OPS = 20000, TOTAL = 4 };
enum slot_state { FREE, QUEUED, GRANTED, HELD };

typedef struct model_slot {
  enum slot_state st;
  size_t n;
  unsigned long seq; /* queue order */
  int expected_wakes;
  test_task t;
  hd_semaphore_acquire a;
  hd_semaphore_permit p;
} model_slot;

typedef struct model {
  hd_semaphore s;
  size_t avail;
  unsigned long next_seq;
  model_slot slot[SLOTS];
} model;

static unsigned rnd(unsigned *x) {
  *x ^= *x << 13;
  *x ^= *x >> 17;
  *x ^= *x << 5;
  return *x;
}

/* The model's hand-off: grant the queue head (lowest seq) while it fits. */
static void model_grant(model *m) {
  for (;;) {
    model_slot *head = NULL;
    for (int i = 0; i < SLOTS; i++)
      if (m->slot[i].st == QUEUED && (!head || m->slot[i].seq < head->seq))
        head = &m->slot[i];
    if (!head || head->n > m->avail)
      return;
    m->avail -= head->n;
    head->st = GRANTED;
    head->expected_wakes++;
  }
}

static bool model_queue_empty(const model *m) {
  for (int i = 0; i < SLOTS; i++)
    if (m->slot[i].st == QUEUED)
      return false;
  return true;
}

static void test_semaphore_random_ops_match_model(void **state) {
  static model m;
  memset(&m, 0, sizeof m);
  hd_semaphore_init(&m.s, TOTAL);
  m.avail = TOTAL;
  unsigned x = 0x9e3779b9u;
  for (int op = 0; op < OPS; op++) {
    model_slot *sl = &m.slot[rnd(&x) % SLOTS];
    switch (sl->st) {
    case FREE: { /* a new acquire */
      test_task_init(&sl->t);
      sl->expected_wakes = 0;
      sl->n = 1 + rnd(&x) % 3;
      sl->p = (hd_semaphore_permit){0};
      bool now = model_queue_empty(&m) && m.avail >= sl->n;
      hd_poll r = test_poll(hd_semaphore_acquire_init(&sl->a, &m.s, sl->n, &sl->p), &sl->t);
      assert_int_equal(r, now ? HD_READY : HD_PENDING);
      if (now) {
        m.avail -= sl->n;
        sl->st = HELD;
      } else {
        sl->st = QUEUED;
        sl->seq = m.next_seq++;
      }
      break;
    }
    case QUEUED:
      if (rnd(&x) % 2) {
        assert_int_equal(test_poll(&sl->a.hd, &sl->t), HD_PENDING);
      } else {
        hd_future_drop(&sl->a.hd);
        sl->st = FREE;
        model_grant(&m);
      }
      break;
    case GRANTED:
      if (rnd(&x) % 4) {
        assert_int_equal(test_poll(&sl->a.hd, &sl->t), HD_READY);
        assert_int_equal(sl->a.out, 0);
        assert_int_equal(sl->p.n, sl->n);
        sl->st = HELD;
      } else { /* granted but never observed */
        hd_future_drop(&sl->a.hd);
        assert_null(sl->p.sem);
        sl->st = FREE;
        m.avail += sl->n;
        model_grant(&m);
      }
      break;
    case HELD:
      hd_semaphore_permit_release(&sl->p);
      sl->st = FREE;
      m.avail += sl->n;
      model_grant(&m);
      break;
    }
    assert_int_equal(hd_semaphore_available(&m.s), m.avail);
    for (int i = 0; i < SLOTS; i++) {
      assert_int_equal(m.slot[i].t.wakes, m.slot[i].expected_wakes);
      if (m.slot[i].st == FREE || m.slot[i].st == HELD)
        assert_int_equal(m.slot[i].t.clones, 0);
    }
  }
  for (int i = 0; i < SLOTS; i++) {
    if (m.slot[i].st == QUEUED || m.slot[i].st == GRANTED)
      hd_future_drop(&m.slot[i].a.hd);
    hd_semaphore_permit_release(&m.slot[i].p);
  }
  assert_int_equal(hd_semaphore_available(&m.s), TOTAL);
  hd_semaphore_destroy(&m.s);
}

/* ---- on the executors ---------------------------------------------------- */

#define TASKS 16
#define LIMIT 3

typedef struct gauge {
  int inside, max_inside, done; /* atomics */
} gauge;

HD_ASYNC_FN(
    limited, int, hd_semaphore *s; gauge * g; int i; hd_semaphore_permit permit; union {
      hd_semaphore_acquire acq;
      hd_yield y;
    } c;);
static void limited_drop(hd_future *self) {
  hd_semaphore_permit_release(&((limited *)self)->permit);
}
HD_ASYNC(limited, f, cx, limited_drop) {
  for (f->i = 0; f->i < 200; f->i++) {
    HD_AWAIT(f, cx, hd_semaphore_acquire_init(&f->c.acq, f->s, 1, &f->permit));
    {
      int now = __atomic_add_fetch(&f->g->inside, 1, __ATOMIC_SEQ_CST);
      int max = __atomic_load_n(&f->g->max_inside, __ATOMIC_SEQ_CST);
      while (now > max && !__atomic_compare_exchange_n(&f->g->max_inside, &max, now, false,
                                                       __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST))
        ;
    }
    HD_AWAIT(f, cx, hd_yield_init(&f->c.y));
    __atomic_sub_fetch(&f->g->inside, 1, __ATOMIC_SEQ_CST);
    hd_semaphore_permit_release(&f->permit);
  }
  __atomic_add_fetch(&f->g->done, 1, __ATOMIC_SEQ_CST);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(limit_main, int, hd_semaphore *s; gauge * g; int i; hd_join_handle * h[TASKS];
            hd_join j;);
HD_ASYNC(limit_main, f, cx, NULL) {
  for (f->i = 0; f->i < TASKS; f->i++) {
    limited t;
    HD_ASYNC_INIT(&t, limited);
    t.s = f->s;
    t.g = f->g;
    f->h[f->i] = hd_spawn(&t.hd);
  }
  for (f->i = 0; f->i < TASKS; f->i++) {
    HD_AWAIT(f, cx, hd_join_init(&f->j, f->h[f->i]));
    hd_join_handle_drop(f->h[f->i]);
  }
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

static void check_limit(hd_runtime *rt) {
  assert_non_null(rt);
  hd_semaphore s = HD_SEMAPHORE_INITIALIZER(LIMIT);
  gauge g = {0, 0, 0};
  limit_main f;
  HD_ASYNC_INIT(&f, limit_main);
  f.s = &s;
  f.g = &g;
  assert_int_equal(hd_block_on(rt, &f.hd), 0);
  assert_int_equal(g.done, TASKS);
  assert_true(g.max_inside <= LIMIT);
  assert_true(g.max_inside >= 1);
  assert_int_equal(hd_semaphore_available(&s), LIMIT);
  hd_runtime_free(rt);
}

static void test_semaphore_limit_multi_thread(void **state) {
  check_limit(hd_runtime_new_multi_thread(4));
}
static void test_semaphore_limit_current_thread(void **state) {
  check_limit(hd_runtime_new_current_thread());
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_semaphore_try_acquire_and_release),
      cmocka_unit_test(test_semaphore_large_head_blocks_smaller_behind),
      cmocka_unit_test(test_semaphore_dropped_head_lets_smaller_through),
      cmocka_unit_test(test_semaphore_dropped_granted_acquire_gives_back),
      cmocka_unit_test(test_semaphore_close_fails_waiters),
      cmocka_unit_test(test_semaphore_random_ops_match_model),
      cmocka_unit_test(test_semaphore_limit_multi_thread),
      cmocka_unit_test(test_semaphore_limit_current_thread),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
