/* The detectors of the models in model/ext.h: cancel-data-loss,
 * lock-held-at-suspend, non-send-access and task-leak, with what their
 * reports say (bytes, stream, dropping combinator, lock, owner). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "heddle/heddle.h"
#include "models.h"

static hd_stream ends[2];
static bool cancel_safe;

static hd_shadow_options options(void) {
  hd_shadow_options o = model_options();
  o.isolate = false;
  o.preemptions = 2;
  return o;
}

static const hd_shadow_report *only(const char *kind) {
  const hd_shadow_report *found = NULL;
  for (size_t i = 0; i < hd_shadow_report_count(); i++)
    if (strcmp(hd_shadow_report_get(i)->kind, kind) == 0)
      found = hd_shadow_report_get(i);
  return found;
}

static void run_root(hd_future *root, unsigned workers) {
  hd_runtime *rt = workers ? hd_runtime_new_multi_thread(workers) : hd_runtime_new_current_thread();
  hd_block_on(rt, root);
  hd_runtime_free(rt);
}

/* ---- cancel-data-loss: a header read in a select with a timer ---- */

HD_ASYNC_FN(halves, int, hd_write_all w; hd_sleep pause;);
HD_ASYNC(halves, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_write_all_init(&f->w, &ends[1], "\0\0", 2));
  HD_AWAIT(f, cx, hd_sleep_init(&f->pause, 100));
  HD_AWAIT(f, cx, hd_write_all_init(&f->w, &ends[1], "\0\x04", 2));
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(header, int, uint8_t hdr[4]; hd_read_exact rx; hd_read r; hd_sleep beat; hd_select sel;
            hd_join_handle * h; hd_join j;);
HD_ASYNC(header, f, cx, NULL) {
  {
    halves w;
    HD_ASYNC_INIT(&w, halves);
    f->h = hd_spawn(&w.hd);
  }
  if (cancel_safe)
    HD_AWAIT(
        f, cx,
        HD_SELECT(&f->sel, hd_read_init(&f->r, &ends[0], f->hdr, 4), hd_sleep_init(&f->beat, 10)));
  else
    HD_AWAIT(f, cx,
             HD_SELECT(&f->sel, hd_read_exact_init(&f->rx, &ends[0], f->hdr, 4),
                       hd_sleep_init(&f->beat, 10)));
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->h));
  HD_RETURN(f, f->sel.winner);
}
HD_ASYNC_END(f)

static void body_header(void) {
  hd_socketpair(&ends[0], &ends[1]);
  header h;
  HD_ASYNC_INIT(&h, header);
  run_root(&h.hd, 0);
}

static void test_detectors_cancel_data_loss_in_select(void **state) {
  hd_shadow_options o = options();
  hd_shadow_stats st;
  cancel_safe = false;
  assert_int_equal(hd_shadow_run(&o, body_header, &st), 1);
  const hd_shadow_report *r = only("cancel-data-loss");
  assert_non_null(r);
  assert_non_null(strstr(r->message, "hd_read_exact dropped after consuming"));
  assert_non_null(strstr(r->message, "of 4 bytes from socketpair 1 (end a)"));
  assert_non_null(strstr(r->message, "dropped by hd_select (branch 1, hd_sleep, won)"));
  assert_non_null(strstr(r->message, "awaited at shadow/test_detectors.c:"));
  assert_non_null(strstr(r->locs[0].where, "header__poll"));
  assert_int_equal(hd_shadow_report_count(), 1);
  /* hd_read is cancel-safe: its bytes leave the stream only when it completes */
  cancel_safe = true;
  assert_int_equal(hd_shadow_run(&o, body_header, &st), 0);
}

/* ---- cancel-data-loss: half a message written, then a timeout ---- */

static uint8_t big[5000];

HD_ASYNC_FN(big_writer, int, hd_write_all w; hd_timeout t;);
HD_ASYNC(big_writer, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_timeout_init(&f->t, hd_write_all_init(&f->w, &ends[1], big, sizeof big), 20));
  HD_RETURN(f, f->t.out);
}
HD_ASYNC_END(f)

static void body_big_writer(void) {
  hd_pipe(&ends[0], &ends[1]);
  big_writer w;
  HD_ASYNC_INIT(&w, big_writer);
  run_root(&w.hd, 0);
  HD_SHADOW_CHECK(w.out == HD_ETIMEDOUT);
}

static void test_detectors_cancel_half_written(void **state) {
  hd_shadow_options o = options();
  hd_shadow_stats st;
  assert_int_equal(hd_shadow_run(&o, body_big_writer, &st), 1);
  const hd_shadow_report *r = only("cancel-data-loss");
  assert_non_null(r);
  assert_non_null(strstr(r->message, "hd_write_all dropped after writing 4096 of 5000 bytes to "
                                     "pipe 1 (write end)"));
  assert_non_null(strstr(r->message, "hd_timeout (deadline 20 ms passed)"));
  assert_int_equal(hd_shadow_report_count(), 1);
}

/* ---- lock-held-at-suspend ---- */

static pthread_mutex_t mu;
static bool release_first;

HD_ASYNC_FN(holder, int, hd_yield y;);
HD_ASYNC(holder, f, cx, NULL) {
  pthread_mutex_lock(&mu);
  if (release_first)
    pthread_mutex_unlock(&mu);
  HD_AWAIT(f, cx, hd_yield_init(&f->y));
  if (!release_first)
    pthread_mutex_unlock(&mu);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

static void body_holder(void) {
  pthread_mutex_init(&mu, NULL);
  holder h;
  HD_ASYNC_INIT(&h, holder);
  run_root(&h.hd, 0);
}

static void test_detectors_lock_held_at_suspend(void **state) {
  hd_shadow_options o = options();
  hd_shadow_stats st;
  release_first = false;
  assert_int_equal(hd_shadow_run(&o, body_holder, &st), 1);
  const hd_shadow_report *r = only("lock-held-at-suspend");
  assert_non_null(r);
  assert_non_null(strstr(r->message, "holder returned pending while thread 0 holds pthread mutex"));
  assert_non_null(strstr(r->message, "holder awaits hd_yield at shadow/test_detectors.c:"));
  assert_string_equal(r->locs[0].note, "locked here");
  assert_non_null(strstr(r->locs[0].where, "test_detectors.c"));
  release_first = true;
  assert_int_equal(hd_shadow_run(&o, body_holder, &st), 0);
}

/* ---- non-send-access ---- */

static bool use_arc;

HD_ASYNC_FN(toucher, int, hd_rc *rc; hd_arc * arc;);
HD_ASYNC(toucher, f, cx, NULL) {
  if (f->rc) {
    *(int *)hd_rc_get(f->rc) += 1;
    hd_rc_drop(f->rc);
  } else {
    atomic_fetch_add((atomic_int *)hd_arc_get(f->arc), 1);
    hd_arc_drop(f->arc);
  }
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(sharer, int, hd_rc *rc; hd_arc * arc; hd_join_handle * h; hd_join j;);
HD_ASYNC(sharer, f, cx, NULL) {
  {
    toucher t;
    HD_ASYNC_INIT(&t, toucher);
    if (use_arc) {
      f->arc = hd_arc_new(sizeof(atomic_int), NULL);
      t.arc = hd_arc_clone(f->arc);
    } else {
      f->rc = hd_rc_new(sizeof(int), NULL);
      t.rc = hd_rc_clone(f->rc);
    }
    f->h = hd_spawn(&t.hd);
  }
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->h));
  hd_rc_drop(f->rc);
  hd_arc_drop(f->arc);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

static void body_sharer(void) {
  sharer s;
  HD_ASYNC_INIT(&s, sharer);
  run_root(&s.hd, 2);
}

static void test_detectors_non_send_access(void **state) {
  hd_shadow_options o = options();
  hd_shadow_stats st;
  use_arc = false;
  assert_int_equal(hd_shadow_run(&o, body_sharer, &st), 1);
  const hd_shadow_report *r = only("non-send-access");
  assert_non_null(r);
  assert_non_null(strstr(r->message, "by thread 1; it belongs to thread 0, which created it"));
  assert_string_equal(r->locs[1].note, "created here by thread 0");
  use_arc = true;
  assert_int_equal(hd_shadow_run(&o, body_sharer, &st), 0);
}

/* ---- task-leak ---- */

static hd_notify never;
static bool abort_it;

HD_ASYNC_FN(sleeper, int, hd_notify_notified n;);
HD_ASYNC(sleeper, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_notify_notified_init(&f->n, &never));
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(spawner, int, hd_join_handle *h; hd_yield y;);
HD_ASYNC(spawner, f, cx, NULL) {
  {
    sleeper s;
    HD_ASYNC_INIT(&s, sleeper);
    f->h = hd_spawn(&s.hd);
  }
  HD_AWAIT(f, cx, hd_yield_init(&f->y));
  if (abort_it)
    hd_join_handle_abort(f->h);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

static void body_spawner(void) {
  hd_notify_init(&never);
  spawner s;
  HD_ASYNC_INIT(&s, spawner);
  run_root(&s.hd, 0);
}

static void test_detectors_task_leak(void **state) {
  hd_shadow_options o = options();
  hd_shadow_stats st;
  abort_it = false;
  assert_int_equal(hd_shadow_run(&o, body_spawner, &st), 1);
  const hd_shadow_report *r = only("task-leak");
  assert_non_null(r);
  assert_non_null(strstr(r->message, "task sleeper never completed: pending (sleeper awaits "
                                     "hd_notify_notified at shadow/test_detectors.c:"));
  assert_non_null(strstr(r->message, "when its runtime was freed"));
  abort_it = true; /* an aborted task is cancelled on purpose */
  assert_int_equal(hd_shadow_run(&o, body_spawner, &st), 0);
}

/* ---- no false race between one thread's reads of neighbouring bytes ----
 * (model/race.c used to merge a thread's reads of one granule under the
 * newest clock: a write ordered after the older read looked concurrent) */

static struct {
  _Alignas(8) int a; /* read under the lock, written under the lock */
  int b;             /* read without it, never written concurrently */
} pair_;
static pthread_mutex_t pair_lock;

static void *pair_reader(void *arg) {
  pthread_mutex_lock(&pair_lock);
  int x = pair_.a;
  pthread_mutex_unlock(&pair_lock);
  int y = pair_.b;
  return (void *)(intptr_t)(x + y);
}

static void *pair_writer(void *arg) {
  pthread_mutex_lock(&pair_lock);
  pair_.a = 1;
  pthread_mutex_unlock(&pair_lock);
  return NULL;
}

static void body_pair(void) {
  pthread_mutex_init(&pair_lock, NULL);
  pair_.a = pair_.b = 0;
  pthread_t r, w;
  pthread_create(&r, NULL, pair_reader, NULL);
  pthread_create(&w, NULL, pair_writer, NULL);
  pthread_join(r, NULL);
  pthread_join(w, NULL);
}

static void test_detectors_no_race_on_neighbour_bytes(void **state) {
  hd_shadow_options o = options();
  o.preemptions = -1;
  hd_shadow_stats st;
  assert_int_equal(hd_shadow_run(&o, body_pair, &st), 0);
  assert_true(st.executions > 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_detectors_cancel_data_loss_in_select),
      cmocka_unit_test(test_detectors_cancel_half_written),
      cmocka_unit_test(test_detectors_lock_held_at_suspend),
      cmocka_unit_test(test_detectors_non_send_access),
      cmocka_unit_test(test_detectors_task_leak),
      cmocka_unit_test(test_detectors_no_race_on_neighbour_bytes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
