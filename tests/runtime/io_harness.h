/* Shared by the io-area tests: run one check under every executor. */
#ifndef HEDDLE_TESTS_IO_HARNESS_H
#define HEDDLE_TESTS_IO_HARNESS_H

#include "heddle/runtime.h"

/* The executors each check runs under: current-thread, then multi-thread
 * with 2 and with 4 workers. */
static inline hd_runtime *harness_runtime(int i) {
  switch (i) {
  case 0:
    return hd_runtime_new_current_thread();
  case 1:
    return hd_runtime_new_multi_thread(2);
  case 2:
    return hd_runtime_new_multi_thread(4);
  default:
    return NULL;
  }
}
#define HARNESS_RUNTIMES 3

/* Runs check(rt) once per executor on a fresh runtime, freeing it after. */
static inline void harness_each_runtime(void (*check)(hd_runtime *rt)) {
  for (int i = 0; i < HARNESS_RUNTIMES; i++) {
    hd_runtime *rt = harness_runtime(i);
    if (!rt)
      fail_msg("runtime %d could not be created", i);
    check(rt);
    hd_runtime_free(rt);
  }
}

#endif
