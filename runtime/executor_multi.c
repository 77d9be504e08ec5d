/* The multi-thread executor.
 *
 * N workers, each with a FIFO of stealable tasks and a FIFO of tasks pinned
 * to it (hd_spawn_local), plus one shared injector for wakes that come from
 * outside the workers. A worker runs its pinned tasks, then its own queue,
 * then the injector, then steals half of a random victim's queue, and parks
 * on its condition variable when all are empty. A dedicated driver thread
 * turns the reactor; the wakes it fires go through the injector.
 *
 * LIFO slot: a task woken by a worker goes to that worker's LIFO slot and
 * runs next there, without waking anyone (a message's receiver runs on the
 * sender's worker, warm in cache, with no cross-thread hand-off: tokio's
 * LIFO slot). A task displaced from the slot goes to the stealable queue
 * and is advertised. At most LIFO_RUNS_MAX slot tasks run in a row, so two
 * tasks waking each other cannot starve the queue. The slot is not
 * stealable; work_visible counts it.
 *
 * Parking protocol (no lost wakeup): a worker counts itself in `parked`,
 * marks itself parked, then looks for work once more; a scheduler pushes
 * first, then reads `parked` and signals one parked worker. Sequentially
 * consistent atomics make one of the two see the other.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "runtime_impl.h"
#include "task_queue.h"

#define LIFO_RUNS_MAX 3

typedef struct multi_rt multi_rt;

typedef struct worker {
  pthread_mutex_t lock; /* guards every field below but tid/index */
  pthread_cond_t cond;
  hd__task_queue local;
  hd__task_queue pinned;
  hd__task *lifo;       /* runs next on this worker; never stolen */
  unsigned lifo_runs;   /* slot tasks run in a row (owner thread only) */
  atomic_size_t local_len; /* local.len, readable without the lock */
  bool parked, notified;
  pthread_t tid;
  unsigned index;
  multi_rt *rt;
  unsigned rng;
} worker;

struct multi_rt {
  hd_runtime base;
  unsigned n;
  worker *workers;
  pthread_mutex_t inject_lock;
  hd__task_queue inject;
  atomic_size_t inject_len;
  atomic_uint parked;
  atomic_bool stop;
  pthread_t driver;
  /* hd_block_on's thread */
  pthread_mutex_t main_lock;
  pthread_cond_t main_cond;
  bool main_woken;
};

static void worker_notify(worker *w) {
  pthread_mutex_lock(&w->lock);
  w->notified = true;
  pthread_cond_signal(&w->cond);
  pthread_mutex_unlock(&w->lock);
}

static void wake_one_parked(multi_rt *m) {
  if (atomic_load(&m->parked) == 0)
    return;
  for (unsigned i = 0; i < m->n; i++) {
    worker *w = &m->workers[i];
    pthread_mutex_lock(&w->lock);
    bool take = w->parked && !w->notified;
    if (take) {
      w->notified = true;
      pthread_cond_signal(&w->cond);
    }
    pthread_mutex_unlock(&w->lock);
    if (take)
      return;
  }
}

static void multi_schedule(hd_runtime *rt, hd__task *t, bool woken) {
  multi_rt *m = (multi_rt *)rt;
  int self = hd_runtime_current() == rt ? hd__runtime_current_worker() : -1;
  if (t->pinned_worker >= 0) {
    worker *w = &m->workers[t->pinned_worker];
    pthread_mutex_lock(&w->lock);
    hd__task_queue_push(&w->pinned, t);
    w->notified = true;
    pthread_cond_signal(&w->cond);
    pthread_mutex_unlock(&w->lock);
    return;
  }
  if (self >= 0) {
    worker *w = &m->workers[self];
    pthread_mutex_lock(&w->lock);
    /* A woken task runs next here; a new task, or the one it displaces
     * from the slot, is queued for anyone to take. */
    hd__task *queued = t;
    if (woken) {
      queued = w->lifo;
      w->lifo = t;
    }
    if (queued) {
      hd__task_queue_push(&w->local, queued);
      atomic_store(&w->local_len, w->local.len);
    }
    pthread_mutex_unlock(&w->lock);
    if (!queued)
      return; /* nobody else needs waking */
  } else {
    pthread_mutex_lock(&m->inject_lock);
    hd__task_queue_push(&m->inject, t);
    atomic_store(&m->inject_len, m->inject.len);
    pthread_mutex_unlock(&m->inject_lock);
  }
  wake_one_parked(m);
}

static hd__task *pop_own(worker *w) {
  pthread_mutex_lock(&w->lock);
  hd__task *t = hd__task_queue_pop(&w->pinned);
  if (!t && w->lifo && (w->lifo_runs < LIFO_RUNS_MAX || w->local.len == 0)) {
    t = w->lifo;
    w->lifo = NULL;
    w->lifo_runs++;
  } else if (!t) {
    t = hd__task_queue_pop(&w->local);
    atomic_store(&w->local_len, w->local.len);
    w->lifo_runs = 0;
  }
  pthread_mutex_unlock(&w->lock);
  return t;
}

static hd__task *pop_inject(multi_rt *m) {
  if (atomic_load(&m->inject_len) == 0)
    return NULL;
  pthread_mutex_lock(&m->inject_lock);
  hd__task *t = hd__task_queue_pop(&m->inject);
  atomic_store(&m->inject_len, m->inject.len);
  pthread_mutex_unlock(&m->inject_lock);
  return t;
}

/* Moves half of a victim's stealable tasks to w; returns one to run. */
static hd__task *steal(worker *w) {
  multi_rt *m = w->rt;
  w->rng = w->rng * 1103515245u + 12345u;
  unsigned start = (w->rng >> 16) % m->n;
  for (unsigned k = 0; k < m->n; k++) {
    worker *v = &m->workers[(start + k) % m->n];
    if (v == w || atomic_load(&v->local_len) == 0)
      continue;
    hd__task_queue got = {0};
    pthread_mutex_lock(&v->lock);
    size_t take = (v->local.len + 1) / 2;
    while (take--)
      hd__task_queue_push(&got, hd__task_queue_pop(&v->local));
    atomic_store(&v->local_len, v->local.len);
    pthread_mutex_unlock(&v->lock);
    hd__task *first = hd__task_queue_pop(&got);
    if (!first)
      continue;
    if (got.len) {
      pthread_mutex_lock(&w->lock);
      hd__task *t;
      while ((t = hd__task_queue_pop(&got)))
        hd__task_queue_push(&w->local, t);
      atomic_store(&w->local_len, w->local.len);
      pthread_mutex_unlock(&w->lock);
    }
    return first;
  }
  return NULL;
}

static bool work_visible(worker *w) {
  multi_rt *m = w->rt;
  if (atomic_load(&m->inject_len) || atomic_load(&m->stop))
    return true;
  for (unsigned i = 0; i < m->n; i++)
    if (atomic_load(&m->workers[i].local_len))
      return true;
  pthread_mutex_lock(&w->lock);
  bool pinned = w->pinned.len > 0 || w->lifo || w->notified;
  pthread_mutex_unlock(&w->lock);
  return pinned;
}

static void park(worker *w) {
  multi_rt *m = w->rt;
  atomic_fetch_add(&m->parked, 1);
  pthread_mutex_lock(&w->lock);
  w->parked = true;
  pthread_mutex_unlock(&w->lock);
  bool wait = !work_visible(w);
  pthread_mutex_lock(&w->lock);
  while (wait && !w->notified && !atomic_load(&m->stop))
    pthread_cond_wait(&w->cond, &w->lock);
  w->notified = false;
  w->parked = false;
  pthread_mutex_unlock(&w->lock);
  atomic_fetch_sub(&m->parked, 1);
}

static void *worker_main(void *arg) {
  worker *w = arg;
  multi_rt *m = w->rt;
  hd__runtime_enter(&m->base, (int)w->index);
  while (!atomic_load(&m->stop)) {
    hd__task *t = pop_own(w);
    if (!t)
      t = pop_inject(m);
    if (!t)
      t = steal(w);
    if (t)
      hd__task_run(t);
    else
      park(w);
  }
  hd__runtime_leave();
  return NULL;
}

static void *driver_main(void *arg) {
  multi_rt *m = arg;
  hd__runtime_enter(&m->base, -1);
  while (!atomic_load(&m->stop))
    hd__reactor_turn(m->base.reactor, -1);
  hd__runtime_leave();
  return NULL;
}

static hd_waker main_clone(const void *data);
static void main_wake_by_ref(const void *data) {
  multi_rt *m = (multi_rt *)data;
  pthread_mutex_lock(&m->main_lock);
  m->main_woken = true;
  pthread_cond_signal(&m->main_cond);
  pthread_mutex_unlock(&m->main_lock);
}
static void main_wake(void *data) { main_wake_by_ref(data); }
static void main_drop(void *data) {}
static const hd_waker_vtable main_vtable = {main_clone, main_wake, main_wake_by_ref, main_drop};
static hd_waker main_clone(const void *data) { return (hd_waker){&main_vtable, (void *)data}; }

static int multi_block_on(hd_runtime *rt, hd_future *f) {
  multi_rt *m = (multi_rt *)rt;
  hd__runtime_enter(rt, -1);
  hd_waker w = {&main_vtable, m};
  hd_context cx = {&w};
  while (hd_future_poll(f, &cx) == HD_PENDING) {
    pthread_mutex_lock(&m->main_lock);
    while (!m->main_woken)
      pthread_cond_wait(&m->main_cond, &m->main_lock);
    m->main_woken = false;
    pthread_mutex_unlock(&m->main_lock);
  }
  hd__runtime_leave();
  return 0;
}

static void drain(hd__task_queue *q) {
  hd__task *t;
  while ((t = hd__task_queue_pop(q)))
    hd__task_run(t); /* complete by now: releases the queue's reference */
}

static void multi_free(hd_runtime *rt) {
  multi_rt *m = (multi_rt *)rt;
  atomic_store(&m->stop, true);
  for (unsigned i = 0; i < m->n; i++)
    worker_notify(&m->workers[i]);
  hd__reactor_unpark(rt->reactor);
  for (unsigned i = 0; i < m->n; i++)
    pthread_join(m->workers[i].tid, NULL);
  pthread_join(m->driver, NULL);
  hd__runtime_free_common(rt);
  for (unsigned i = 0; i < m->n; i++) {
    drain(&m->workers[i].pinned);
    drain(&m->workers[i].local);
    if (m->workers[i].lifo)
      hd__task_run(m->workers[i].lifo); /* complete by now: releases the queue's reference */
    pthread_cond_destroy(&m->workers[i].cond);
    pthread_mutex_destroy(&m->workers[i].lock);
  }
  drain(&m->inject);
  pthread_mutex_destroy(&m->inject_lock);
  pthread_cond_destroy(&m->main_cond);
  pthread_mutex_destroy(&m->main_lock);
  free(m->workers);
  free(m);
}

static unsigned multi_workers(const hd_runtime *rt) { return ((const multi_rt *)rt)->n; }

static const hd__executor_ops multi_ops = {multi_schedule, multi_free, multi_workers,
                                           multi_block_on};

hd_runtime *hd_runtime_new_multi_thread(unsigned workers) {
  if (workers == 0) {
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    workers = cpus > 0 ? (unsigned)cpus : 1;
  }
  multi_rt *m = calloc(1, sizeof *m);
  if (!m)
    return NULL;
  m->workers = calloc(workers, sizeof *m->workers);
  if (!m->workers || hd__runtime_init_common(&m->base, &multi_ops) != 0) {
    free(m->workers);
    free(m);
    return NULL;
  }
  m->n = workers;
  pthread_mutex_init(&m->inject_lock, NULL);
  pthread_mutex_init(&m->main_lock, NULL);
  pthread_cond_init(&m->main_cond, NULL);
  for (unsigned i = 0; i < workers; i++) {
    worker *w = &m->workers[i];
    pthread_mutex_init(&w->lock, NULL);
    pthread_cond_init(&w->cond, NULL);
    w->index = i;
    w->rt = m;
    w->rng = 0x9e3779b9u * (i + 1);
  }
  if (pthread_create(&m->driver, NULL, driver_main, m) != 0) {
    m->n = 0;
    hd__runtime_free_common(&m->base);
    free(m->workers);
    free(m);
    return NULL;
  }
  for (unsigned i = 0; i < workers; i++) {
    if (pthread_create(&m->workers[i].tid, NULL, worker_main, &m->workers[i]) != 0) {
      m->n = i; /* stop and join only the workers that started */
      multi_free(&m->base);
      return NULL;
    }
  }
  return &m->base;
}
