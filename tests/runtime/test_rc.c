/* hd_arc and hd_rc: counting, destructor once, arc across threads. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "heddle/rc.h"

static int destroyed;
static void count_destroy(void *payload) {
  assert_int_equal(*(int *)payload, 99);
  destroyed++;
}

static void test_rc_counts_and_destroys_once(void **state) {
  destroyed = 0;
  hd_rc *r = hd_rc_new(sizeof(int), count_destroy);
  *(int *)hd_rc_get(r) = 99;
  hd_rc *r2 = hd_rc_clone(r);
  assert_ptr_equal(r, r2);
  assert_int_equal(hd_rc_count(r), 2);
  hd_rc_drop(r);
  assert_int_equal(destroyed, 0);
  hd_rc_drop(r2);
  assert_int_equal(destroyed, 1);
  hd_rc_drop(NULL);
  assert_null(hd_rc_get(NULL));
}

static void *clone_drop_many(void *arg) {
  for (int i = 0; i < 100000; i++)
    hd_arc_drop(hd_arc_clone(arg));
  return NULL;
}

static void test_rc_arc_is_exact_across_threads(void **state) {
  destroyed = 0;
  hd_arc *a = hd_arc_new(sizeof(int), count_destroy);
  *(int *)hd_arc_get(a) = 99;
  pthread_t t[4];
  for (int i = 0; i < 4; i++)
    pthread_create(&t[i], NULL, clone_drop_many, a);
  for (int i = 0; i < 4; i++)
    pthread_join(t[i], NULL);
  assert_int_equal(hd_arc_count(a), 1);
  assert_int_equal(destroyed, 0);
  hd_arc_drop(a);
  assert_int_equal(destroyed, 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_rc_counts_and_destroys_once),
      cmocka_unit_test(test_rc_arc_is_exact_across_threads),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
