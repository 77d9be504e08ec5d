/* The async sync primitives and channels (runtime/sync compiled into the
 * shadow library over the modelled pthread mutexes): hand-offs and channel
 * operations are visible operations, so their interleavings are explored. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "heddle/channel.h"
#include "heddle/runtime.h"
#include "heddle/sync.h"
#include "models.h"

static unsigned workers;
static hd_mutex amutex;
static int shared; /* guarded by amutex */
static bool use_lock;

/* Read, yield with the async mutex held, write back: safe under the lock. */
HD_ASYNC_FN(locked_adder, int, hd_mutex_guard g; hd_mutex_lock l; hd_yield y; int v;);
HD_ASYNC(locked_adder, f, cx, NULL) {
  if (use_lock)
    HD_AWAIT(f, cx, hd_mutex_lock_init(&f->l, &amutex, &f->g));
  f->v = shared;
  HD_AWAIT(f, cx, hd_yield_init(&f->y));
  shared = f->v + 1;
  hd_mutex_guard_release(&f->g);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(two_adders, int, hd_join_handle *h[2]; hd_join j; int k;);
HD_ASYNC(two_adders, f, cx, NULL) {
  for (f->k = 0; f->k < 2; f->k++) {
    locked_adder a;
    HD_ASYNC_INIT(&a, locked_adder);
    f->h[f->k] = hd_spawn(&a.hd);
  }
  for (f->k = 0; f->k < 2; f->k++)
    HD_AWAIT(f, cx, hd_join_init(&f->j, f->h[f->k]));
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

static uint64_t runs;

static void body_mutex(void) {
  hd_mutex_init(&amutex);
  shared = 0;
  hd_runtime *rt = workers ? hd_runtime_new_multi_thread(workers) : hd_runtime_new_current_thread();
  two_adders t;
  HD_ASYNC_INIT(&t, two_adders);
  HD_SHADOW_CHECK(hd_block_on(rt, &t.hd) == 0);
  HD_SHADOW_CHECK(shared == 2);
  hd_runtime_free(rt);
  runs++;
}

static hd_shadow_options options(void) {
  hd_shadow_options o = model_options();
  o.isolate = false;
  o.preemptions = 2;
  return o;
}

static void test_sync_async_mutex(void **state) {
  hd_shadow_options o = options();
  hd_shadow_stats st;
  workers = 2;
  runs = 0;
  use_lock = false; /* the update can be lost: found */
  assert_int_equal(hd_shadow_run(&o, body_mutex, &st), 1);
  assert_true(model_count_kind("assertion") >= 1);
  use_lock = true;
  runs = 0;
  assert_int_equal(hd_shadow_run(&o, body_mutex, &st), 0);
  assert_true(st.executions > 1);                 /* the lock's operations interleave */
  assert_true(runs > 0 && runs <= st.executions); /* some are cut short by the bound */
}

/* ---- mpsc: a bounded(1) channel carries 3 messages in order ---- */

static hd_mpsc_sender tx;
static hd_mpsc_receiver rx;
static int got[3], ngot;

HD_ASYNC_FN(producer, int, int i; int msg; hd_mpsc_send s;);
HD_ASYNC(producer, f, cx, NULL) {
  for (f->i = 0; f->i < 3; f->i++) {
    f->msg = 10 + f->i;
    HD_AWAIT(f, cx, hd_mpsc_send_init(&f->s, &tx, &f->msg));
    HD_SHADOW_CHECK(f->s.out == 0);
  }
  hd_mpsc_sender_drop(&tx);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(consumer, int, int v; hd_mpsc_recv r; hd_join_handle * p; hd_join j;);
HD_ASYNC(consumer, f, cx, NULL) {
  {
    producer p;
    HD_ASYNC_INIT(&p, producer);
    f->p = hd_spawn(&p.hd);
  }
  for (;;) {
    HD_AWAIT(f, cx, hd_mpsc_recv_init(&f->r, &rx, &f->v));
    if (f->r.out != 0)
      break;
    got[ngot++] = f->v;
  }
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->p));
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

static void body_mpsc(void) {
  ngot = 0;
  HD_SHADOW_CHECK(hd_mpsc_bounded(sizeof(int), 1, &tx, &rx) == 0);
  hd_runtime *rt = workers ? hd_runtime_new_multi_thread(workers) : hd_runtime_new_current_thread();
  consumer c;
  HD_ASYNC_INIT(&c, consumer);
  HD_SHADOW_CHECK(hd_block_on(rt, &c.hd) == 0);
  HD_SHADOW_CHECK(ngot == 3 && got[0] == 10 && got[1] == 11 && got[2] == 12);
  hd_mpsc_receiver_drop(&rx);
  hd_runtime_free(rt);
  runs++;
}

static void test_sync_mpsc_in_order(void **state) {
  hd_shadow_options o = options();
  hd_shadow_stats st;
  for (workers = 0; workers <= 2; workers += 2) {
    runs = 0;
    assert_int_equal(hd_shadow_run(&o, body_mpsc, &st), 0);
    assert_true(runs > 0 && runs <= st.executions); /* some are cut short by the bound */
  }
  assert_true(st.executions > 1);
}

/* ---- oneshot: the value arrives, or HD_ECLOSED when the sender goes ---- */

static hd_oneshot_sender otx;
static hd_oneshot_receiver orx;
static int send_it;

HD_ASYNC_FN(oneshot_sender_task, int, int v;);
HD_ASYNC(oneshot_sender_task, f, cx, NULL) {
  f->v = 42;
  if (send_it)
    HD_SHADOW_CHECK(hd_oneshot_send(&otx, &f->v) == 0);
  else
    hd_oneshot_sender_drop(&otx);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(oneshot_main, int, int v; hd_oneshot_recv r; hd_join_handle * h; hd_join j;);
HD_ASYNC(oneshot_main, f, cx, NULL) {
  {
    oneshot_sender_task s;
    HD_ASYNC_INIT(&s, oneshot_sender_task);
    f->h = hd_spawn(&s.hd);
  }
  HD_AWAIT(f, cx, hd_oneshot_recv_init(&f->r, &orx, &f->v));
  HD_SHADOW_CHECK(send_it ? f->r.out == 0 && f->v == 42 : f->r.out == HD_ECLOSED);
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->h));
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

static void body_oneshot(void) {
  HD_SHADOW_CHECK(hd_oneshot_channel(sizeof(int), &otx, &orx) == 0);
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  oneshot_main m;
  HD_ASYNC_INIT(&m, oneshot_main);
  HD_SHADOW_CHECK(hd_block_on(rt, &m.hd) == 0);
  hd_oneshot_receiver_drop(&orx);
  hd_runtime_free(rt);
}

static void test_sync_oneshot(void **state) {
  hd_shadow_options o = options();
  hd_shadow_stats st;
  for (send_it = 0; send_it < 2; send_it++)
    assert_int_equal(hd_shadow_run(&o, body_oneshot, &st), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sync_async_mutex),
      cmocka_unit_test(test_sync_mpsc_in_order),
      cmocka_unit_test(test_sync_oneshot),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
