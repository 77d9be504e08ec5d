/* Long runs (label slow): the 4-thread models to exhaustion, and memory
 * that stays flat over a million executions. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "models.h"

static void test_exhaust_four_threads_optimal(void **state) {
  hd_shadow_options o = model_options();
  hd_shadow_stats st;
  model_threads = 4;
  assert_int_equal(hd_shadow_run(&o, body_fetch_add, &st), 0);
  assert_int_equal(st.executions, 24);
  assert_int_equal(hd_shadow_run(&o, body_load_store, &st), 1);
  assert_int_equal(st.executions, 576);
  assert_int_equal(st.sleep_blocked, 0);
}

static long rss_kib(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long kib = -1;
  while (f && fgets(line, sizeof line, f))
    if (sscanf(line, "VmRSS: %ld", &kib) == 1)
      break;
  if (f)
    fclose(f);
  return kib;
}

static void test_exhaust_memory_flat(void **state) {
  hd_shadow_options o = model_options();
  o.isolate = false; /* measure this process */
  o.strategy = HD_SHADOW_RANDOM;
  model_threads = 3;
  o.iterations = 10000;
  hd_shadow_run(&o, body_locked_inc, NULL);
  long before = rss_kib();
  o.iterations = 1000000;
  hd_shadow_stats st;
  assert_int_equal(hd_shadow_run(&o, body_locked_inc, &st), 0);
  long after = rss_kib();
  assert_int_equal(st.executions, 1000000);
  printf("rss before %ld KiB, after 10^6 executions %ld KiB\n", before, after);
  assert_true(after - before < 1024);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_exhaust_four_threads_optimal),
      cmocka_unit_test(test_exhaust_memory_flat),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
