/* Replay: a reported schedule reproduces the same report, every time. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "heddle/error.h"
#include "models.h"

static void test_replay_same_report_100_times(void **state) {
  hd_shadow_options o = model_options();
  model_threads = 3;
  assert_int_equal(hd_shadow_run(&o, body_load_store, NULL), 1);
  hd_shadow_report want = *hd_shadow_report_get(0);
  assert_string_equal(want.kind, "assertion");
  o.strategy = HD_SHADOW_REPLAY;
  o.replay = want.schedule;
  for (int i = 0; i < 100; i++) {
    hd_shadow_stats st;
    assert_int_equal(hd_shadow_run(&o, body_load_store, &st), 1);
    assert_int_equal(st.executions, 1);
    assert_int_equal(hd_shadow_report_count(), 1);
    const hd_shadow_report *got = hd_shadow_report_get(0);
    assert_string_equal(got->kind, want.kind);
    assert_string_equal(got->message, want.message);
    assert_string_equal(got->schedule, want.schedule);
    assert_string_equal(got->locs[0].where, want.locs[0].where);
  }
}

static void test_replay_every_report_of_a_run(void **state) {
  /* Every distinct schedule of the 3-thread lost update that loses an
   * update replays to that same loss. */
  hd_shadow_options o = model_options();
  o.strategy = HD_SHADOW_RANDOM;
  o.iterations = 50;
  o.seed = 7;
  model_threads = 3;
  assert_int_equal(hd_shadow_run(&o, body_load_store, NULL), 1);
  hd_shadow_report want = *hd_shadow_report_get(0);
  o.strategy = HD_SHADOW_REPLAY;
  o.replay = want.schedule;
  assert_int_equal(hd_shadow_run(&o, body_load_store, NULL), 1);
  assert_string_equal(hd_shadow_report_get(0)->schedule, want.schedule);
}

static void test_replay_clean_schedule(void **state) {
  hd_shadow_options o = model_options();
  o.strategy = HD_SHADOW_REPLAY;
  o.replay = "v1:";
  model_threads = 2;
  assert_int_equal(hd_shadow_run(&o, body_load_store, NULL), 0);
}

static void test_replay_rejects_bad_strings(void **state) {
  hd_shadow_options o = model_options();
  o.strategy = HD_SHADOW_REPLAY;
  const char *bad[] = {"", "v2:ab", "v1:a0", "v1:!"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    o.replay = bad[i];
    assert_int_equal(hd_shadow_run(&o, body_load_store, NULL), HD_EINVAL);
  }
}

static void test_replay_diverging_schedule(void **state) {
  /* Thread 25 never exists: the replay reports that it diverged. */
  hd_shadow_options o = model_options();
  o.strategy = HD_SHADOW_REPLAY;
  o.replay = "v1:z";
  model_threads = 2;
  assert_int_equal(hd_shadow_run(&o, body_load_store, NULL), 1);
  assert_string_equal(hd_shadow_report_get(0)->kind, "nondeterminism");
}

static void test_replay_json_report(void **state) {
  char path[] = "/tmp/heddle-shadow-json-XXXXXX";
  int fd = mkstemp(path);
  assert_true(fd >= 0);
  close(fd);
  hd_shadow_options o = model_options();
  o.json_path = path;
  o.argv0 = "./t";
  model_threads = 2;
  assert_int_equal(hd_shadow_run(&o, body_load_store, NULL), 1);
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  char buf[8192];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  buf[n] = '\0';
  fclose(f);
  unlink(path);
  assert_non_null(strstr(buf, "\"version\": 1"));
  assert_non_null(strstr(buf, "\"kind\": \"assertion\""));
  char want[2200];
  snprintf(want, sizeof want, "\"schedule\": \"%s\"", hd_shadow_report_get(0)->schedule);
  assert_non_null(strstr(buf, want));
  assert_non_null(strstr(buf, "heddle explore --replay"));
  assert_non_null(strstr(buf, "models.h:"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_replay_same_report_100_times),
      cmocka_unit_test(test_replay_every_report_of_a_run),
      cmocka_unit_test(test_replay_clean_schedule),
      cmocka_unit_test(test_replay_rejects_bad_strings),
      cmocka_unit_test(test_replay_diverging_schedule),
      cmocka_unit_test(test_replay_json_report),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
