/* runtime/runtime_impl.h - what every executor's runtime struct starts with.
 *
 * hd_runtime is an executor-specific struct whose first member is this
 * common part: the executor's operations, the reactor, the blocking pool,
 * and the list of unfinished tasks (for cancellation at shutdown).
 * Thread-locals record which runtime and worker the calling thread serves.
 */
#ifndef HEDDLE_RUNTIME_IMPL_H
#define HEDDLE_RUNTIME_IMPL_H

#include <pthread.h>
#include <stdbool.h>

#include "blocking_pool.h"
#include "reactor.h"
#include "task.h"

struct hd_runtime {
  const hd__executor_ops *ops;
  hd__reactor *reactor;
  hd__blocking_pool *blocking;
  pthread_mutex_t live_lock;   /* guards the live list */
  hd__task *live;              /* unfinished tasks */
  bool shutting_down;          /* under live_lock: no new tasks */
};

int hd__runtime_init_common(hd_runtime *rt, const hd__executor_ops *ops);
void hd__runtime_free_common(hd_runtime *rt);

/* Which runtime/worker the calling thread serves (worker -1: none, e.g.
 * the thread inside a multi-thread hd_block_on). */
void hd__runtime_enter(hd_runtime *rt, int worker);
void hd__runtime_leave(void);
int hd__runtime_current_worker(void);

#endif
