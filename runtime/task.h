/* runtime/task.h - tasks and the scheduler interface of the executors.
 *
 * A task is one allocation: this header followed by a copy of the spawned
 * future. It is reference-counted: the join handle holds one reference,
 * every waker clone one, and the run queue one while the task is queued.
 *
 * State bits (`state`, atomic; any thread):
 *   SCHEDULED  in a run queue (exactly one queue holds it)
 *   RUNNING    a worker is polling it
 *   NOTIFIED   woken while RUNNING: requeue after the poll
 *   COMPLETE   finished, cancelled or failed; never polled again
 *   ABORT      hd_join_handle_abort was called: drop at the next run
 * wake:  COMPLETE -> nothing; RUNNING -> set NOTIFIED; SCHEDULED -> nothing;
 *        otherwise set SCHEDULED and hand the task to its executor.
 * run:   clear SCHEDULED, set RUNNING, poll (or drop when ABORT), then
 *        COMPLETE, or requeue when NOTIFIED, or go idle.
 * Fields other than `state` and `refs` are touched by the thread that runs
 * the task (`future`, `result`, `value`) and, once COMPLETE is visible,
 * read by the joiner; `join_waker` is guarded by `join_lock`.
 */
#ifndef HEDDLE_RUNTIME_TASK_H
#define HEDDLE_RUNTIME_TASK_H

#include <pthread.h>
#include <stdalign.h>
#include <stdatomic.h>
#include <stddef.h>

#include "heddle/runtime.h"

enum {
  HD__TASK_SCHEDULED = 1u << 0,
  HD__TASK_RUNNING = 1u << 1,
  HD__TASK_NOTIFIED = 1u << 2,
  HD__TASK_COMPLETE = 1u << 3,
  HD__TASK_ABORT = 1u << 4,
};

/* Runs on the blocking pool instead of being polled. */
typedef void *(*hd__blocking_fn)(void *arg);

typedef struct hd__task {
  atomic_uint refs;
  atomic_uint state;
  hd_runtime *rt;
  int pinned_worker;            /* -1: any worker may run it (Send) */
  struct hd__task *next;        /* run-queue link, owned by the queue holding it */
  struct hd__task *live_prev;   /* the runtime's list of unfinished tasks */
  struct hd__task *live_next;
  pthread_mutex_t join_lock;
  hd_waker join_waker;
  int result;                   /* 0 or HD_ECANCELED */
  hd__blocking_fn blocking_fn;  /* non-NULL for spawn_blocking tasks */
  void *blocking_arg;
  void *value;
  alignas(max_align_t) unsigned char future[];
} hd__task;

static inline hd_future *hd__task_future(hd__task *t) { return (hd_future *)(void *)t->future; }

/* What an executor provides to the task layer. */
typedef struct hd__executor_ops {
  /* Hands a task that just became SCHEDULED to a queue (any thread).
   * `woken`: by a waker (it may run next on the waking worker); false for
   * a spawn or a task requeued after waking itself (yield: it goes behind
   * the others). */
  void (*schedule)(hd_runtime *rt, hd__task *t, bool woken);
  void (*free)(hd_runtime *rt);
  unsigned (*workers)(const hd_runtime *rt);
  int (*block_on)(hd_runtime *rt, hd_future *f);
} hd__executor_ops;

/* Allocates a task holding a copy of `f` (NULL for a blocking task) with
 * two references (handle + queue), links it into rt's live list and
 * schedules it. Returns NULL when out of memory. */
hd__task *hd__task_spawn(hd_runtime *rt, hd_future *f, int pinned_worker);
hd__task *hd__task_spawn_blocking(hd_runtime *rt, hd__blocking_fn fn, void *arg);
/* Polls (or drops) a task taken from a queue; consumes the queue's reference. */
void hd__task_run(hd__task *t);
/* Completes a blocking task with its function's return value. */
void hd__task_finish_blocking(hd__task *t, void *value);
void hd__task_unref(hd__task *t);
/* Shutdown: cancels every unfinished task of rt (their futures are dropped). */
void hd__task_cancel_all(hd_runtime *rt);

#endif
