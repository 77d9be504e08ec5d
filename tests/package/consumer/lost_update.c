/* An explore test of the installed shadow runtime: the lost update is found. */
#include <pthread.h>
#include <stdatomic.h>
#include "heddle/shadow.h"
static atomic_int counter;
static void *incr(void *arg) {
  int v = atomic_load(&counter);
  atomic_store(&counter, v + 1);
  return NULL;
}
void hd_shadow_test(void) {
  atomic_store(&counter, 0);
  pthread_t a, b;
  pthread_create(&a, NULL, incr, NULL);
  pthread_create(&b, NULL, incr, NULL);
  pthread_join(a, NULL);
  pthread_join(b, NULL);
  HD_SHADOW_CHECK(atomic_load(&counter) == 2);
}
