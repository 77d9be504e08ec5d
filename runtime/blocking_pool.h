/* runtime/blocking_pool.h - threads for hd_spawn_blocking.
 *
 * Threads are started on demand up to a maximum and wait for work on a
 * condition variable; all state is guarded by the pool's mutex.
 */
#ifndef HEDDLE_RUNTIME_BLOCKING_POOL_H
#define HEDDLE_RUNTIME_BLOCKING_POOL_H

struct hd__task;
typedef struct hd__blocking_pool hd__blocking_pool;

hd__blocking_pool *hd__blocking_pool_new(unsigned max_threads);
/* Queues t (a task with blocking_fn set). 0 or HD_ENOMEM. */
int hd__blocking_pool_submit(hd__blocking_pool *p, struct hd__task *t);
/* Runs what is still queued (blocking functions cannot be cancelled, as in
 * tokio), then joins every thread. */
void hd__blocking_pool_free(hd__blocking_pool *p);

#endif
