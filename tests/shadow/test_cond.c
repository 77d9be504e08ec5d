/* Condition variables: a wait without its predicate loses the signal sent
 * before it, signal instead of broadcast strands a waiter, the correct
 * versions explore clean, and a timed wait can time out. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "models.h"

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int ready, use_predicate, use_broadcast, waiters;

static void *consumer(void *arg) {
  pthread_mutex_lock(&mu);
  if (use_predicate) {
    while (!ready)
      pthread_cond_wait(&cv, &mu);
  } else {
    pthread_cond_wait(&cv, &mu); /* bug: the signal may already be gone */
  }
  pthread_mutex_unlock(&mu);
  return NULL;
}

static void *producer(void *arg) {
  pthread_mutex_lock(&mu);
  ready = 1;
  if (use_broadcast)
    pthread_cond_broadcast(&cv);
  else
    pthread_cond_signal(&cv);
  pthread_mutex_unlock(&mu);
  return NULL;
}

static void body_cond(void) {
  ready = 0;
  pthread_t t[4];
  for (int i = 0; i < waiters; i++)
    pthread_create(&t[i], NULL, consumer, NULL);
  pthread_create(&t[waiters], NULL, producer, NULL);
  for (int i = 0; i <= waiters; i++)
    pthread_join(t[i], NULL);
}

static int run(int predicate, int broadcast, int nwaiters, hd_shadow_stats *st) {
  hd_shadow_options o = model_options();
  use_predicate = predicate;
  use_broadcast = broadcast;
  waiters = nwaiters;
  return hd_shadow_run(&o, body_cond, st);
}

static void test_cond_wait_without_predicate(void **state) {
  assert_int_equal(run(0, 0, 1, NULL), 1);
  assert_int_equal(model_count_kind("lost-wakeup"), 1);
  const hd_shadow_report *r = hd_shadow_report_get(0);
  assert_non_null(strstr(r->message, "(cv)"));
  assert_non_null(strstr(r->locs[0].where, "consumer"));
}

static void test_cond_predicate_loop_is_clean(void **state) {
  hd_shadow_stats st;
  assert_int_equal(run(1, 0, 1, &st), 0);
  assert_true(st.exhaustive);
  assert_int_equal(run(1, 1, 2, &st), 0);
  assert_true(st.exhaustive);
}

static void test_cond_signal_strands_second_waiter(void **state) {
  /* Two waiters without a predicate loop, one signal: one never wakes. */
  assert_int_equal(run(0, 0, 2, NULL), 1);
  assert_int_equal(model_count_kind("lost-wakeup"), 1);
}

static int timeouts, wakeups;

static void *timed_waiter(void *arg) {
  pthread_mutex_lock(&mu);
  struct timespec ts = {0, 0};
  int r = 0;
  while (!ready && r == 0)
    r = pthread_cond_timedwait(&cv, &mu, &ts);
  if (r == ETIMEDOUT)
    timeouts++;
  else
    wakeups++;
  pthread_mutex_unlock(&mu);
  return NULL;
}

static void body_timed(void) {
  ready = 0;
  use_broadcast = 0;
  pthread_t a, b;
  pthread_create(&a, NULL, timed_waiter, NULL);
  pthread_create(&b, NULL, producer, NULL);
  pthread_join(a, NULL);
  pthread_join(b, NULL);
}

static void test_cond_timedwait_times_out(void **state) {
  hd_shadow_options o = model_options();
  o.isolate = false; /* count outcomes over executions in this process */
  timeouts = wakeups = 0;
  assert_int_equal(hd_shadow_run(&o, body_timed, NULL), 0);
  assert_true(timeouts >= 1);
  assert_true(wakeups >= 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_cond_wait_without_predicate),
      cmocka_unit_test(test_cond_predicate_loop_is_clean),
      cmocka_unit_test(test_cond_signal_strands_second_waiter),
      cmocka_unit_test(test_cond_timedwait_times_out),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
