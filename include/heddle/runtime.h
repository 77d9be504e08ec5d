/* heddle/runtime.h - executors, tasks and join handles.
 *
 * A runtime owns an executor (current-thread: everything runs inside
 * hd_block_on on the calling thread; multi-thread: N worker threads with a
 * local queue each plus a shared injector, idle workers steal), a reactor
 * (epoll + timers, see heddle/io.h and heddle/time.h) and a pool of threads
 * for hd_spawn_blocking.
 *
 * A task owns a copy of the future it was spawned with: spawn copies
 * future->vtable->size bytes, so the future must not have been polled yet
 * (its children live inside it). The caller's copy is then dead.
 *
 * Join handles are reference-counted with their task. Await one with
 * hd_join_init (cancel-safe: dropping the join future leaves the task
 * running); hd_join_handle_abort cancels the task at its next poll point;
 * hd_join_handle_drop releases the handle (a running task is detached).
 */
#ifndef HEDDLE_RUNTIME_H
#define HEDDLE_RUNTIME_H

#include "heddle/future.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hd_runtime hd_runtime;
typedef struct hd_join_handle hd_join_handle;

/* A runtime whose tasks all run on the thread that calls hd_block_on. */
hd_runtime *hd_runtime_new_current_thread(void);
/* A runtime with `workers` worker threads (0: one per CPU). */
hd_runtime *hd_runtime_new_multi_thread(unsigned workers);
/* Stops the workers, drops every unfinished task (cancelling it), frees. */
void hd_runtime_free(hd_runtime *rt);
/* Number of worker threads (1 for current-thread). */
unsigned hd_runtime_workers(const hd_runtime *rt);

/* Runs `future` to completion on the calling thread, driving the runtime.
 * Returns 0, or HD_EINVAL when called from inside a runtime thread (that
 * would block a worker: block-on-in-async). */
int hd_block_on(hd_runtime *rt, hd_future *future) HD_BLOCK_ON HD_BLOCKING;

/* Spawns onto the current runtime (the one whose thread calls). On the
 * multi-thread executor the task may run on any worker: its frame must be
 * Send. Returns NULL with no runtime or no memory. */
hd_join_handle *hd_spawn(hd_future *future) HD_SPAWN_SEND;
/* Spawns onto a given runtime (from any thread). */
hd_join_handle *hd_spawn_on(hd_runtime *rt, hd_future *future) HD_SPAWN_SEND;
/* Spawns pinned to the calling worker: the frame may hold non-Send data. */
hd_join_handle *hd_spawn_local(hd_future *future) HD_SPAWN_LOCAL;
/* Runs fn(arg) on the blocking pool; the handle's result is its return. */
hd_join_handle *hd_spawn_blocking(void *(*fn)(void *arg), void *arg) HD_SPAWN_SEND;

/* Requests cancellation; the task's future is dropped at its next poll
 * point (at once when idle). Awaiting the handle then gives HD_ECANCELED. */
void hd_join_handle_abort(hd_join_handle *h);
bool hd_join_handle_is_finished(const hd_join_handle *h);
/* Releases the handle; an unfinished task keeps running, detached. */
void hd_join_handle_drop(hd_join_handle *h);

/* Awaiting a task. Output on HD_READY: err (0, HD_ECANCELED after abort),
 * task (the finished future, valid until the handle is dropped; cast it to
 * the async function's frame type to read `out`), value (the return value
 * of a blocking function). Cancel-safe. */
typedef struct HD_CANCEL_SAFE hd_join {
  hd_future hd;
  hd_join_handle *handle;
  int err;
  hd_future *task;
  void *value;
} hd_join;
hd_future *hd_join_init(hd_join *j, hd_join_handle *h) HD_CANCEL_SAFE;

/* Yields once to the scheduler (wakes itself and returns pending once). */
typedef struct HD_CANCEL_SAFE hd_yield {
  hd_future hd;
  bool yielded;
} hd_yield;
hd_future *hd_yield_init(hd_yield *y) HD_CANCEL_SAFE;

/* The runtime driving the calling thread, or NULL. */
hd_runtime *hd_runtime_current(void);

#ifdef __cplusplus
}
#endif
#endif
