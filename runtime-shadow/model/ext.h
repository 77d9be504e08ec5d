/* model/ext.h - the models of the rest of heddle's API (virtual time,
 * oracle choices, in-memory streams, cancel-unsafe futures, hd_rc) and
 * their detectors, and the hooks the core model files (pthread.c,
 * executor.c, model.c) call into them. Only model/ includes it.
 *
 * Like every model, these only branch here / block on / make runnable
 * through sched.h; a value choice (how many bytes a read gets, which of two
 * equal timers fires first) is made by racing two oracle threads (choice.c),
 * so the scheduler, its DPOR and its schedule strings see nothing but
 * thread choices.
 */
#ifndef HEDDLE_SHADOW_EXT_H
#define HEDDLE_SHADOW_EXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../sched/sched.h"
#include "heddle/future.h"

/* ---- choice.c ---- */
/* A value in 0 .. n-1 chosen by the scheduler (n - 1 binary choices at
 * most: unary encoding, so exhaustive search tries each value once).
 * n <= 1 or outside an execution: 0 without a choice. */
unsigned hd__choose(unsigned n, const void *pc);
void hd__choice_reset(void);
/* The oracle threads: blocked between choices by design. */
hd__tset hd__choice_threads(void);

/* ---- vtime.c ---- */
void hd__vtime_reset(void);
/* The clock thread (blocked between firings by design). */
hd__tset hd__vtime_threads(void);

/* ---- net.c ---- */
void hd__net_reset(void);
/* "tcp 127.0.0.1:40000 conn 1 (server end)", "pipe 2 (read end)" ... */
void hd__net_describe(const void *stream, char *buf, size_t len);

/* ---- detect.c: hooks from the core model files ---- */
void hd__detect_reset(void);
/* pthread.c: tid acquired / released mutex m (locked at pc). */
void hd__ext_lock_acquired(unsigned tid, const void *m, const void *pc);
void hd__ext_lock_released(unsigned tid, const void *m);
/* executor.c: the running thread polls the root future of a task (or a
 * block_on root) / the poll returned r. */
void hd__ext_poll_begin(hd_future *root);
void hd__ext_poll_end(hd_future *root, hd_poll r);
/* The root future the running thread polls, or NULL. */
hd_future *hd__ext_polling(void);
/* executor.c: a task still unfinished when its runtime is freed
 * (joined: someone awaited its join handle). */
void hd__ext_task_leak(hd_future *task_root, bool queued, const char *when);

/* executor.c: the test body returned; tasks of runtimes never freed are
 * leaked (reported through hd__ext_task_leak). */
void hd__executor_body_returned(void);

/* The last two components of a source path (__FILE__ of an await), as
 * the symbolizer prints locations: "dir/file.c". */
static inline const char *hd__ext_short_path(const char *file) {
  const char *last = NULL, *prev = NULL;
  for (const char *p = file; p && *p; p++)
    if (*p == '/') {
      prev = last;
      last = p;
    }
  return prev ? prev + 1 : file;
}

/* Every thread of these models that is blocked by design (model.c /
 * executor.c count them as idle, like workers waiting for work). */
static inline hd__tset hd__ext_idle_threads(void) {
  return hd__choice_threads() | hd__vtime_threads();
}
void hd__ext_reset(void);

#endif
