/* Detectors: deadlock (ABBA), data race, unlock from the wrong thread, and
 * a crash inside one schedule that is reported while exploring goes on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "heddle/error.h"
#include "models.h"

static pthread_mutex_t lock_a = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t lock_b = PTHREAD_MUTEX_INITIALIZER;

static void *take_ab(void *arg) {
  pthread_mutex_lock(&lock_a);
  pthread_mutex_lock(&lock_b);
  pthread_mutex_unlock(&lock_b);
  pthread_mutex_unlock(&lock_a);
  return NULL;
}

static void *take_ba(void *arg) {
  pthread_mutex_lock(&lock_b);
  pthread_mutex_lock(&lock_a);
  pthread_mutex_unlock(&lock_a);
  pthread_mutex_unlock(&lock_b);
  return NULL;
}

static void body_abba(void) {
  pthread_t t1, t2;
  pthread_create(&t1, NULL, take_ab, NULL);
  pthread_create(&t2, NULL, take_ba, NULL);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
}

static void *take_ab_again(void *arg) {
  return take_ab(arg);
}

static void body_ab_ab(void) {
  pthread_t t1, t2;
  pthread_create(&t1, NULL, take_ab, NULL);
  pthread_create(&t2, NULL, take_ab_again, NULL);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
}

static void test_detect_abba_deadlock(void **state) {
  hd_shadow_options o = model_options();
  assert_int_equal(hd_shadow_run(&o, body_abba, NULL), 1);
  assert_int_equal(hd_shadow_report_count(), 1);
  const hd_shadow_report *r = hd_shadow_report_get(0);
  assert_string_equal(r->kind, "deadlock");
  char a[32], b[32];
  snprintf(a, sizeof a, "%#lx", (unsigned long)(uintptr_t)&lock_a);
  snprintf(b, sizeof b, "%#lx", (unsigned long)(uintptr_t)&lock_b);
  assert_non_null(strstr(r->message, "wait-for cycle"));
  assert_non_null(strstr(r->message, a));
  assert_non_null(strstr(r->message, b));
  /* the locks are named after their variables */
  assert_non_null(strstr(r->message, "(lock_a)"));
  assert_non_null(strstr(r->message, "(lock_b)"));
  /* where each thread blocks and where the other took the lock */
  assert_int_equal(r->nlocs >= 4, 1);
  assert_non_null(strstr(r->locs[0].where, "test_detect.c"));
}

static void test_detect_same_order_no_deadlock(void **state) {
  hd_shadow_options o = model_options();
  assert_int_equal(hd_shadow_run(&o, body_ab_ab, NULL), 0);
}

static void test_detect_data_race(void **state) {
  hd_shadow_options o = model_options();
  model_threads = 2;
  assert_int_equal(hd_shadow_run(&o, body_plain_inc, NULL), 1);
  assert_true(model_count_kind("data-race") >= 1);
  const hd_shadow_report *r = hd_shadow_report_get(0);
  assert_non_null(strstr(r->locs[0].where, "models.h"));
  assert_non_null(strstr(r->locs[1].where, "models.h"));
}

static void test_detect_no_race_under_mutex(void **state) {
  hd_shadow_options o = model_options();
  model_threads = 3;
  assert_int_equal(hd_shadow_run(&o, body_locked_inc, NULL), 0);
}

/* Message passing through a release store / acquire load is not a race;
 * with relaxed ordering it is. */
static int payload;
static atomic_int ready;
static int relaxed_mode;

static void *publisher(void *arg) {
  payload = 42;
  atomic_store_explicit(&ready, 1, relaxed_mode ? memory_order_relaxed : memory_order_release);
  return NULL;
}

static void *consumer(void *arg) {
  if (atomic_load_explicit(&ready, relaxed_mode ? memory_order_relaxed : memory_order_acquire))
    HD_SHADOW_CHECK(payload == 42);
  return NULL;
}

static void body_message(void) {
  payload = 0;
  atomic_store_explicit(&ready, 0, memory_order_relaxed);
  pthread_t t1, t2;
  pthread_create(&t1, NULL, consumer, NULL);
  pthread_create(&t2, NULL, publisher, NULL);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
}

static void test_detect_release_acquire(void **state) {
  hd_shadow_options o = model_options();
  relaxed_mode = 0;
  assert_int_equal(hd_shadow_run(&o, body_message, NULL), 0);
  relaxed_mode = 1;
  assert_int_equal(hd_shadow_run(&o, body_message, NULL), 1);
  assert_int_equal(model_count_kind("data-race"), 1);
}

static void *unlock_other(void *arg) {
  pthread_mutex_unlock(&lock_a);
  return NULL;
}

static void body_wrong_unlock(void) {
  pthread_mutex_lock(&lock_a);
  pthread_t t;
  pthread_create(&t, NULL, unlock_other, NULL);
  pthread_join(t, NULL);
  pthread_mutex_unlock(&lock_a);
}

static void test_detect_unlock_wrong_thread(void **state) {
  hd_shadow_options o = model_options();
  assert_int_equal(hd_shadow_run(&o, body_wrong_unlock, NULL), 1);
  assert_int_equal(hd_shadow_report_count(), 1);
  const hd_shadow_report *r = hd_shadow_report_get(0);
  assert_string_equal(r->kind, "unlock-wrong-thread");
  assert_non_null(strstr(r->locs[0].where, "unlock_other"));
  assert_non_null(strstr(r->locs[1].where, "body_wrong_unlock"));
}

/* Some schedules dereference a pointer before it is published. */
static _Atomic(int *) shared_ptr;
static int target;
static atomic_int side;

static void *publish(void *arg) {
  atomic_store(&shared_ptr, &target);
  return NULL;
}

static void *deref(void *arg) {
  atomic_fetch_add(&side, 1);
  int *p = atomic_load(&shared_ptr);
  *p = 1;
  return NULL;
}

static void *bystander(void *arg) {
  atomic_fetch_add(&side, 1);
  atomic_fetch_add(&side, 1);
  return NULL;
}

static void body_crash(void) {
  atomic_store(&shared_ptr, NULL);
  atomic_store(&side, 0);
  pthread_t t[3];
  pthread_create(&t[0], NULL, publish, NULL);
  pthread_create(&t[1], NULL, deref, NULL);
  pthread_create(&t[2], NULL, bystander, NULL);
  for (int i = 0; i < 3; i++)
    pthread_join(t[i], NULL);
}

static void test_detect_crash_and_go_on(void **state) {
  hd_shadow_options o = model_options();
  hd_shadow_stats st;
  assert_int_equal(hd_shadow_run(&o, body_crash, &st), 1);
  assert_int_equal(hd_shadow_report_count(), 1);
  const hd_shadow_report *r = hd_shadow_report_get(0);
  assert_string_equal(r->kind, "crash");
  assert_non_null(strstr(r->message, "Segmentation fault"));
  assert_non_null(strstr(r->locs[0].where, "deref"));
  /* Several schedules crash (deduplicated into one report), and the
   * explorer ran the rest to exhaustion. */
  printf("crash: %llu executions, %llu crashed, first in execution %llu\n",
         (unsigned long long)st.executions, (unsigned long long)st.crashes,
         (unsigned long long)r->execution);
  assert_true(st.crashes >= 1);
  assert_true(st.executions > r->execution);
  assert_true(st.exhaustive);
}

/* trylock: both outcomes are explored (counted across executions, so in
 * this process: isolate off). */
static int trylock_busy, trylock_ok;

static void *lock_briefly(void *arg) {
  pthread_mutex_lock(&lock_a);
  pthread_mutex_unlock(&lock_a);
  return NULL;
}

static void *try_once(void *arg) {
  if (pthread_mutex_trylock(&lock_a) == 0) {
    trylock_ok++;
    pthread_mutex_unlock(&lock_a);
  } else {
    trylock_busy++;
  }
  return NULL;
}

static void body_trylock(void) {
  pthread_t t1, t2;
  pthread_create(&t1, NULL, lock_briefly, NULL);
  pthread_create(&t2, NULL, try_once, NULL);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
}

static void test_detect_trylock_both_outcomes(void **state) {
  hd_shadow_options o = model_options();
  o.isolate = false;
  trylock_busy = trylock_ok = 0;
  hd_shadow_stats st;
  assert_int_equal(hd_shadow_run(&o, body_trylock, &st), 0);
  assert_true(trylock_busy >= 1);
  assert_true(trylock_ok >= 1);
  assert_true(st.exhaustive);
}

static void body_relock(void) {
  pthread_mutex_lock(&lock_a);
  pthread_mutex_lock(&lock_a);
}

static void test_detect_relock_is_a_deadlock(void **state) {
  hd_shadow_options o = model_options();
  assert_int_equal(hd_shadow_run(&o, body_relock, NULL), 1);
  const hd_shadow_report *r = hd_shadow_report_get(0);
  assert_string_equal(r->kind, "deadlock");
  assert_non_null(strstr(r->message, "thread 0 waits for mutex"));
  assert_non_null(strstr(r->message, "held by thread 0"));
}

/* A thread that spins on a plain variable never reaches a visible
 * operation: the watchdog stops it and reports where it loops. */
static volatile int spin_stop;

static void *spinner(void *arg) {
  while (!spin_stop) {
  }
  return NULL;
}

static void body_spin(void) {
  spin_stop = 0;
  pthread_t t;
  pthread_create(&t, NULL, spinner, NULL);
  spin_stop = 1;
  pthread_join(t, NULL);
}

static void test_detect_hang(void **state) {
  hd_shadow_options o = model_options();
  o.hang_seconds = 1;
  hd_shadow_stats st;
  assert_int_equal(hd_shadow_run(&o, body_spin, &st), 1);
  const hd_shadow_report *r = hd_shadow_report_get(0);
  assert_string_equal(r->kind, "hang");
  assert_non_null(strstr(r->locs[0].where, "spinner"));
}

/* An atomic variable also written through a plain pointer: C11 calls the
 * plain write racing with an atomic load a data race; two atomic accesses
 * never race. */
static atomic_int mixed;

static void *plain_writer(void *arg) {
  *(int *)&mixed = 5;
  return NULL;
}

static void *atomic_reader(void *arg) {
  return (void *)(intptr_t)atomic_load(&mixed);
}

static void body_mixed(void) {
  atomic_store(&mixed, 0);
  pthread_t t1, t2;
  pthread_create(&t1, NULL, plain_writer, NULL);
  pthread_create(&t2, NULL, atomic_reader, NULL);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
}

static void test_detect_mixed_atomic_plain(void **state) {
  hd_shadow_options o = model_options();
  assert_int_equal(hd_shadow_run(&o, body_mixed, NULL), 1);
  assert_int_equal(model_count_kind("data-race"), 1);
  const hd_shadow_report *r = hd_shadow_report_get(0);
  assert_non_null(strstr(r->message, "atomic read"));
  assert_non_null(strstr(r->message, "(mixed)"));
}

static int deep(int n) {
  volatile char buf[1024];
  buf[0] = (char)n;
  return n ? deep(n - 1) + buf[0] : 0;
}

static void *recurse(void *arg) {
  return (void *)(intptr_t)deep(1 << 20);
}

static void body_overflow(void) {
  pthread_t t;
  pthread_create(&t, NULL, recurse, NULL);
  pthread_join(t, NULL);
}

static void test_detect_stack_overflow(void **state) {
  hd_shadow_options o = model_options();
  assert_int_equal(hd_shadow_run(&o, body_overflow, NULL), 1);
  const hd_shadow_report *r = hd_shadow_report_get(0);
  assert_string_equal(r->kind, "crash");
  assert_non_null(strstr(r->message, "stack overflow in thread 1"));
}

static void body_nested(void) {
  hd_shadow_options o = model_options();
  HD_SHADOW_CHECK(hd_shadow_run(&o, body_nested, NULL) == HD_EINVAL);
}

static void test_detect_no_nested_run(void **state) {
  hd_shadow_options o = model_options();
  assert_int_equal(hd_shadow_run(&o, body_nested, NULL), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_detect_abba_deadlock),
      cmocka_unit_test(test_detect_same_order_no_deadlock),
      cmocka_unit_test(test_detect_data_race),
      cmocka_unit_test(test_detect_no_race_under_mutex),
      cmocka_unit_test(test_detect_release_acquire),
      cmocka_unit_test(test_detect_unlock_wrong_thread),
      cmocka_unit_test(test_detect_crash_and_go_on),
      cmocka_unit_test(test_detect_trylock_both_outcomes),
      cmocka_unit_test(test_detect_relock_is_a_deadlock),
      cmocka_unit_test(test_detect_hang),
      cmocka_unit_test(test_detect_mixed_atomic_plain),
      cmocka_unit_test(test_detect_stack_overflow),
      cmocka_unit_test(test_detect_no_nested_run),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
