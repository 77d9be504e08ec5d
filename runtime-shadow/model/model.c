/* The scheduler's callbacks into the model (sched.h) and hd_shadow_check. */
#include <stdio.h>

#include "ext.h"
#include "heddle/shadow.h"
#include "objmap.h"
#include "race.h"

void hd__model_pthread_reset(void);
void hd__model_executor_reset(void);
unsigned hd__pthread_explain(char *msg, size_t len, hd__loc *locs, unsigned max, bool cycles_only);
unsigned hd__cond_explain(char *msg, size_t len, hd__loc *locs, unsigned max);
int hd__executor_explain(char *msg, size_t len, hd__loc *locs, unsigned max, unsigned *nlocs);

void hd__model_reset(void) {
  hd__obj_reset();
  hd__model_pthread_reset();
  hd__model_executor_reset();
  hd__ext_reset();
}

/* A lock cycle first (the most precise), then the executor's view (a
 * future nothing will wake, or workers idle by design), then a condition
 * variable nothing will signal, then whatever pthreads block on. */
hd__report_kind hd__model_explain_deadlock(char *msg, size_t len, hd__loc *locs, unsigned max,
                                           unsigned *nlocs) {
  unsigned n = hd__pthread_explain(msg, len, locs, max, true);
  if (n) {
    *nlocs = n;
    return HD__REPORT_DEADLOCK;
  }
  int kind = hd__executor_explain(msg, len, locs, max, nlocs);
  if (kind >= 0)
    return (hd__report_kind)kind;
  if ((n = hd__cond_explain(msg, len, locs, max))) {
    *nlocs = n;
    return HD__REPORT_LOST_WAKEUP;
  }
  *nlocs = hd__pthread_explain(msg, len, locs, max, false);
  return HD__REPORT_DEADLOCK;
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
