/* DFS with DPOR: finds the lost update, stays silent on fetch_add, and
 * exhausts the standard models in the optimal number of executions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "models.h"

static hd_shadow_stats run(void (*body)(void), int threads, hd_shadow_options o, int want) {
  hd_shadow_stats st;
  model_threads = threads;
  assert_int_equal(hd_shadow_run(&o, body, &st), want);
  return st;
}

static void test_dfs_finds_lost_update(void **state) {
  hd_shadow_stats st = run(body_load_store, 2, model_options(), 1);
  assert_int_equal(model_count_kind("assertion"), 1);
  assert_true(st.exhaustive);
  assert_string_equal(hd_shadow_report_get(0)->message,
                      "check failed: atomic_load(&model_counter) == model_threads");
}

static void test_dfs_fetch_add_is_clean(void **state) {
  hd_shadow_stats st = run(body_fetch_add, 3, model_options(), 0);
  assert_true(st.exhaustive);
  assert_int_equal(hd_shadow_report_count(), 0);
}

/* Source-DPOR with sleep sets reaches the optimal counts on these models
 * (one execution per Mazurkiewicz trace: fetch_add N!, load+store (N!)^2)
 * without any sleep-set-blocked execution. The counts are deterministic;
 * they are asserted because they equal the lower bound. */
static void test_dfs_fetch_add_counts(void **state) {
  assert_int_equal(run(body_fetch_add, 2, model_options(), 0).executions, 2);
  hd_shadow_stats st = run(body_fetch_add, 3, model_options(), 0);
  assert_int_equal(st.executions, 6);
  assert_int_equal(st.sleep_blocked, 0);
}

static void test_dfs_load_store_counts(void **state) {
  assert_int_equal(run(body_load_store, 2, model_options(), 1).executions, 4);
  hd_shadow_stats st = run(body_load_store, 3, model_options(), 1);
  assert_int_equal(st.executions, 36);
  assert_int_equal(st.sleep_blocked, 0);
}

static void test_dfs_mutex_counts(void **state) {
  /* Only the order of the critical sections matters: N! executions. */
  assert_int_equal(run(body_locked_inc, 2, model_options(), 0).executions, 2);
  assert_int_equal(run(body_locked_inc, 3, model_options(), 0).executions, 6);
}

static void test_dfs_bound_is_raised(void **state) {
  hd_shadow_options o = model_options();
  /* The lost update needs one preemption (load; the other thread runs
   * whole; store): found with bound 1, which cuts the schedules needing 2. */
  o.preemptions = 1;
  hd_shadow_stats st = run(body_load_store, 2, o, 1);
  assert_int_equal(st.bound, 1);
  assert_true(st.finished);
  assert_false(st.exhaustive);
  /* Load, load, store, store takes 2: the pass with bound 2 cuts nothing. */
  o.preemptions = 5;
  st = run(body_load_store, 2, o, 1);
  assert_int_equal(st.bound, 2);
  assert_true(st.exhaustive);
}

static void test_dfs_iteration_limit(void **state) {
  hd_shadow_options o = model_options();
  o.iterations = 5;
  hd_shadow_stats st = run(body_load_store, 3, o, 1);
  assert_int_equal(st.executions, 5);
  assert_false(st.finished);
}

static void test_dfs_random_and_pct_find_lost_update(void **state) {
  hd_shadow_options o = model_options();
  o.strategy = HD_SHADOW_RANDOM;
  o.seed = 42;
  o.iterations = 200;
  run(body_load_store, 2, o, 1);
  assert_int_equal(model_count_kind("assertion"), 1);
  o.strategy = HD_SHADOW_PCT;
  run(body_load_store, 2, o, 1);
  assert_int_equal(model_count_kind("assertion"), 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_dfs_finds_lost_update),
      cmocka_unit_test(test_dfs_fetch_add_is_clean),
      cmocka_unit_test(test_dfs_fetch_add_counts),
      cmocka_unit_test(test_dfs_load_store_counts),
      cmocka_unit_test(test_dfs_mutex_counts),
      cmocka_unit_test(test_dfs_bound_is_raised),
      cmocka_unit_test(test_dfs_iteration_limit),
      cmocka_unit_test(test_dfs_random_and_pct_find_lost_update),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
