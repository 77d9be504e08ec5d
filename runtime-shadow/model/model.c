/* The scheduler's callbacks into the model (sched.h) and hd_shadow_check. */
#include <stdio.h>

#include "heddle/shadow.h"
#include "objmap.h"
#include "race.h"

void hd__model_pthread_reset(void);

void hd__model_reset(void) {
  hd__obj_reset();
  hd__model_pthread_reset();
}

void hd__model_thread_start(unsigned parent, unsigned child) {
  hd__race_thread_start(parent, child);
}

void hd_shadow_check(bool cond, const char *what) {
  if (cond)
    return;
  char msg[256];
  snprintf(msg, sizeof msg, "check failed: %s", what);
  if (!hd__sched_active()) {
    fprintf(stderr, "heddle-shadow: %s (outside an exploration)\n", msg);
    return;
  }
  hd__loc loc = {(uintptr_t)__builtin_return_address(0), "checked here"};
  hd__report(HD__REPORT_ASSERTION, msg, &loc, 1);
}
