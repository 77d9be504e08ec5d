/* Small models shared by the shadow tests: N threads racing on one counter
 * in different ways. Each body resets its globals first (every execution
 * starts clean). Compiled with -fsanitize=thread: the atomics and plain
 * accesses below reach the shadow library through the __tsan_* calls. */
#ifndef HEDDLE_TESTS_SHADOW_MODELS_H
#define HEDDLE_TESTS_SHADOW_MODELS_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "heddle/shadow.h"

#define MODEL static __attribute__((unused))

static int model_threads = 2;
static atomic_int model_counter;
static int model_plain;
static pthread_mutex_t model_lock = PTHREAD_MUTEX_INITIALIZER;

MODEL void *model_fetch_add(void *arg) {
  atomic_fetch_add(&model_counter, 1);
  return NULL;
}

MODEL void *model_load_store(void *arg) {
  int v = atomic_load(&model_counter);
  atomic_store(&model_counter, v + 1);
  return NULL;
}

MODEL void *model_locked_inc(void *arg) {
  pthread_mutex_lock(&model_lock);
  model_plain++;
  pthread_mutex_unlock(&model_lock);
  return NULL;
}

MODEL void *model_plain_inc(void *arg) {
  model_plain++;
  return NULL;
}

MODEL void model_run(void *(*fn)(void *)) {
  atomic_store_explicit(&model_counter, 0, memory_order_relaxed);
  model_plain = 0;
  pthread_t t[8];
  for (int i = 0; i < model_threads; i++)
    pthread_create(&t[i], NULL, fn, NULL);
  for (int i = 0; i < model_threads; i++)
    pthread_join(t[i], NULL);
}

MODEL void body_fetch_add(void) {
  model_run(model_fetch_add);
  HD_SHADOW_CHECK(atomic_load(&model_counter) == model_threads);
}

MODEL void body_load_store(void) {
  model_run(model_load_store);
  HD_SHADOW_CHECK(atomic_load(&model_counter) == model_threads);
}

MODEL void body_locked_inc(void) {
  model_run(model_locked_inc);
  HD_SHADOW_CHECK(model_plain == model_threads);
}

MODEL void body_plain_inc(void) {
  model_run(model_plain_inc);
}

/* Options for unit tests: quiet, unbounded DFS unless changed. */
MODEL hd_shadow_options model_options(void) {
  hd_shadow_options o;
  hd_shadow_options_default(&o);
  o.preemptions = -1;
  o.quiet = getenv("HEDDLE_TEST_VERBOSE") == NULL; /* set it to see the reports */
  return o;
}

MODEL size_t model_count_kind(const char *kind) {
  size_t n = 0;
  for (size_t i = 0; i < hd_shadow_report_count(); i++)
    n += strcmp(hd_shadow_report_get(i)->kind, kind) == 0;
  return n;
}

#endif
