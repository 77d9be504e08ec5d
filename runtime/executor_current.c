/* The current-thread executor: tasks run inside hd_block_on on the calling
 * thread; when nothing is runnable the thread turns the reactor, which
 * blocks until I/O, a timer or a wake from another thread (unpark). */
#include <stdatomic.h>
#include <stdlib.h>

#include "runtime_impl.h"
#include "task_queue.h"

/* Tasks run between two checks of the reactor for I/O. */
#define TASKS_PER_TICK 61

typedef struct current_rt {
  hd_runtime base;
  pthread_mutex_t lock; /* guards queue */
  hd__task_queue queue;
  atomic_bool parked;     /* the block_on thread is (about to be) in a blocking turn */
  atomic_bool main_woken; /* the block_on future was woken */
} current_rt;

static void unpark_if_parked(current_rt *c) {
  if (atomic_load(&c->parked))
    hd__reactor_unpark(c->base.reactor);
}

static void current_schedule(hd_runtime *rt, hd__task *t, bool woken) {
  current_rt *c = (current_rt *)rt;
  pthread_mutex_lock(&c->lock);
  hd__task_queue_push(&c->queue, t);
  pthread_mutex_unlock(&c->lock);
  unpark_if_parked(c);
}

static hd__task *current_pop(current_rt *c) {
  pthread_mutex_lock(&c->lock);
  hd__task *t = hd__task_queue_pop(&c->queue);
  pthread_mutex_unlock(&c->lock);
  return t;
}

static bool current_queue_empty(current_rt *c) {
  pthread_mutex_lock(&c->lock);
  bool empty = c->queue.len == 0;
  pthread_mutex_unlock(&c->lock);
  return empty;
}

/* The block_on future's waker: valid while the runtime lives. */
static hd_waker main_clone(const void *data);
static void main_wake_by_ref(const void *data) {
  current_rt *c = (current_rt *)data;
  atomic_store(&c->main_woken, true);
  unpark_if_parked(c);
}
static void main_wake(void *data) { main_wake_by_ref(data); }
static void main_drop(void *data) {}
static const hd_waker_vtable main_vtable = {main_clone, main_wake, main_wake_by_ref, main_drop};
static hd_waker main_clone(const void *data) { return (hd_waker){&main_vtable, (void *)data}; }

static int current_block_on(hd_runtime *rt, hd_future *f) {
  current_rt *c = (current_rt *)rt;
  hd__runtime_enter(rt, 0);
  hd_waker w = {&main_vtable, c};
  hd_context cx = {&w};
  atomic_store(&c->main_woken, true);
  for (;;) {
    if (atomic_exchange(&c->main_woken, false) && hd_future_poll(f, &cx) == HD_READY)
      break;
    int ran = 0;
    hd__task *t;
    while (ran < TASKS_PER_TICK && (t = current_pop(c))) {
      hd__task_run(t);
      ran++;
    }
    if (ran == TASKS_PER_TICK) {
      hd__reactor_turn(rt->reactor, 0); /* let I/O in without blocking */
      continue;
    }
    if (ran > 0)
      continue;
    /* Publish "parked" before the last look, so a waker on another thread
     * either sees it and unparks, or its work is seen here. */
    atomic_store(&c->parked, true);
    if (!atomic_load(&c->main_woken) && current_queue_empty(c))
      hd__reactor_turn(rt->reactor, -1);
    atomic_store(&c->parked, false);
  }
  hd__runtime_leave();
  return 0;
}

static void current_free(hd_runtime *rt) {
  current_rt *c = (current_rt *)rt;
  hd__runtime_free_common(rt);
  hd__task *t;
  while ((t = current_pop(c)))
    hd__task_run(t); /* complete by now: releases the queue's reference */
  pthread_mutex_destroy(&c->lock);
  free(c);
}

static unsigned current_workers(const hd_runtime *rt) { return 1; }

static const hd__executor_ops current_ops = {current_schedule, current_free, current_workers,
                                             current_block_on};

hd_runtime *hd_runtime_new_current_thread(void) {
  current_rt *c = calloc(1, sizeof *c);
  if (!c)
    return NULL;
  pthread_mutex_init(&c->lock, NULL);
  if (hd__runtime_init_common(&c->base, &current_ops) != 0) {
    pthread_mutex_destroy(&c->lock);
    free(c);
    return NULL;
  }
  return &c->base;
}
