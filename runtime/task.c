/* Tasks: allocation, the wake/run state machine, join handles and wakers.
 * See task.h for the state bits and who owns which field. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "runtime_impl.h"

static void task_ref(hd__task *t) { atomic_fetch_add_explicit(&t->refs, 1, memory_order_relaxed); }

static void task_free(hd__task *t) {
  pthread_mutex_destroy(&t->join_lock);
  hd_waker_drop(&t->join_waker);
  free(t);
}

void hd__task_unref(hd__task *t) {
  if (atomic_fetch_sub_explicit(&t->refs, 1, memory_order_acq_rel) == 1)
    task_free(t);
}

/* ---- wakers: data is the task; each clone holds a reference ----------- */

static void task_schedule_if_idle(hd__task *t);

static hd_waker task_waker_clone(const void *data);
static void task_waker_wake_by_ref(const void *data) { task_schedule_if_idle((hd__task *)data); }
static void task_waker_wake(void *data) {
  task_schedule_if_idle(data);
  hd__task_unref(data);
}
static void task_waker_drop(void *data) { hd__task_unref(data); }
static const hd_waker_vtable task_waker_vtable = {task_waker_clone, task_waker_wake,
                                                  task_waker_wake_by_ref, task_waker_drop};
static hd_waker task_waker_clone(const void *data) {
  task_ref((hd__task *)data);
  return (hd_waker){&task_waker_vtable, (void *)data};
}

/* Sets SCHEDULED (and takes the queue's reference) when the task is idle;
 * marks it NOTIFIED when it is running. */
static void task_schedule_if_idle(hd__task *t) {
  unsigned s = atomic_load_explicit(&t->state, memory_order_acquire);
  for (;;) {
    if (s & (HD__TASK_COMPLETE | HD__TASK_SCHEDULED))
      return;
    unsigned next = (s & HD__TASK_RUNNING) ? (s | HD__TASK_NOTIFIED) : (s | HD__TASK_SCHEDULED);
    if (atomic_compare_exchange_weak_explicit(&t->state, &s, next, memory_order_acq_rel,
                                              memory_order_acquire))
      break;
  }
  if (s & HD__TASK_RUNNING)
    return;
  task_ref(t);
  t->rt->ops->schedule(t->rt, t, true);
}

/* ---- spawn ------------------------------------------------------------ */

static hd__task *task_alloc(hd_runtime *rt, size_t future_size) {
  hd__task *t = calloc(1, sizeof *t + future_size);
  if (!t)
    return NULL;
  atomic_init(&t->refs, 2); /* the handle and the queue */
  atomic_init(&t->state, HD__TASK_SCHEDULED);
  t->rt = rt;
  t->pinned_worker = -1;
  pthread_mutex_init(&t->join_lock, NULL);
  return t;
}

/* Links t into rt's live list; false when the runtime is shutting down. */
static bool task_link(hd_runtime *rt, hd__task *t) {
  pthread_mutex_lock(&rt->live_lock);
  bool ok = !rt->shutting_down;
  if (ok) {
    t->live_next = rt->live;
    if (rt->live)
      rt->live->live_prev = t;
    rt->live = t;
  }
  pthread_mutex_unlock(&rt->live_lock);
  return ok;
}

static void task_unlink(hd__task *t) {
  hd_runtime *rt = t->rt;
  pthread_mutex_lock(&rt->live_lock);
  if (t->live_prev)
    t->live_prev->live_next = t->live_next;
  else if (rt->live == t)
    rt->live = t->live_next;
  if (t->live_next)
    t->live_next->live_prev = t->live_prev;
  t->live_prev = t->live_next = NULL;
  pthread_mutex_unlock(&rt->live_lock);
}

hd__task *hd__task_spawn(hd_runtime *rt, hd_future *f, int pinned_worker) {
  if (!rt || !f || !f->vtable || hd_future_is_started(f))
    return NULL;
  hd__task *t = task_alloc(rt, f->vtable->size);
  if (!t)
    return NULL;
  memcpy(t->future, f, f->vtable->size);
  t->pinned_worker = pinned_worker;
  if (!task_link(rt, t)) {
    task_free(t);
    return NULL;
  }
  rt->ops->schedule(rt, t, false);
  return t;
}

hd__task *hd__task_spawn_blocking(hd_runtime *rt, hd__blocking_fn fn, void *arg) {
  hd__task *t = task_alloc(rt, 0);
  if (!t)
    return NULL;
  t->blocking_fn = fn;
  t->blocking_arg = arg;
  /* A blocking task never sits in a run queue: the pool holds that ref. */
  atomic_store(&t->state, HD__TASK_RUNNING);
  if (!task_link(rt, t)) {
    task_free(t);
    return NULL;
  }
  if (hd__blocking_pool_submit(rt->blocking, t) != 0) {
    task_unlink(t);
    task_free(t);
    return NULL;
  }
  return t;
}

/* ---- run -------------------------------------------------------------- */

static void task_complete(hd__task *t, int result) {
  t->result = result;
  atomic_fetch_or_explicit(&t->state, HD__TASK_COMPLETE, memory_order_release);
  atomic_fetch_and_explicit(&t->state, ~(unsigned)(HD__TASK_RUNNING | HD__TASK_NOTIFIED),
                            memory_order_release);
  task_unlink(t);
  pthread_mutex_lock(&t->join_lock);
  hd_waker w = t->join_waker;
  t->join_waker = (hd_waker){0};
  pthread_mutex_unlock(&t->join_lock);
  hd_waker_wake(&w);
}

void hd__task_run(hd__task *t) {
  unsigned s = atomic_load_explicit(&t->state, memory_order_acquire);
  for (;;) {
    if (s & HD__TASK_COMPLETE) {
      hd__task_unref(t);
      return;
    }
    unsigned next = (s & ~(unsigned)HD__TASK_SCHEDULED) | HD__TASK_RUNNING;
    if (atomic_compare_exchange_weak_explicit(&t->state, &s, next, memory_order_acq_rel,
                                              memory_order_acquire))
      break;
  }
  hd_future *f = hd__task_future(t);
  if (s & HD__TASK_ABORT) {
    hd_future_drop(f);
    task_complete(t, HD_ECANCELED);
    hd__task_unref(t);
    return;
  }
  hd_waker w = {&task_waker_vtable, t}; /* borrowed: the queue's reference */
  hd_context cx = {&w};
  if (hd_future_poll(f, &cx) == HD_READY) {
    task_complete(t, 0);
    hd__task_unref(t);
    return;
  }
  s = atomic_load_explicit(&t->state, memory_order_acquire);
  for (;;) {
    bool again = s & (HD__TASK_NOTIFIED | HD__TASK_ABORT);
    unsigned next = s & ~(unsigned)(HD__TASK_RUNNING | HD__TASK_NOTIFIED);
    if (again)
      next |= HD__TASK_SCHEDULED;
    if (atomic_compare_exchange_weak_explicit(&t->state, &s, next, memory_order_acq_rel,
                                              memory_order_acquire)) {
      if (again)
        t->rt->ops->schedule(t->rt, t, false); /* keeps the queue's reference */
      else
        hd__task_unref(t);
      return;
    }
  }
}

void hd__task_finish_blocking(hd__task *t, void *value) {
  t->value = value;
  task_complete(t, 0);
  hd__task_unref(t);
}

void hd__task_cancel_all(hd_runtime *rt) {
  pthread_mutex_lock(&rt->live_lock);
  rt->shutting_down = true;
  pthread_mutex_unlock(&rt->live_lock);
  for (;;) {
    pthread_mutex_lock(&rt->live_lock);
    hd__task *t = rt->live;
    if (t)
      task_ref(t);
    pthread_mutex_unlock(&rt->live_lock);
    if (!t)
      return;
    if (!t->blocking_fn)
      hd_future_drop(hd__task_future(t));
    task_complete(t, HD_ECANCELED);
    hd__task_unref(t);
  }
}

/* ---- join handles: a handle is its task ------------------------------- */

static hd__task *handle_task(const hd_join_handle *h) { return (hd__task *)h; }

void hd_join_handle_abort(hd_join_handle *h) {
  if (!h)
    return;
  hd__task *t = handle_task(h);
  if (t->blocking_fn)
    return; /* a blocking function cannot be interrupted (as in tokio) */
  atomic_fetch_or_explicit(&t->state, HD__TASK_ABORT, memory_order_acq_rel);
  task_schedule_if_idle(t);
}

bool hd_join_handle_is_finished(const hd_join_handle *h) {
  return h && (atomic_load(&handle_task(h)->state) & HD__TASK_COMPLETE);
}

void hd_join_handle_drop(hd_join_handle *h) {
  if (h)
    hd__task_unref(handle_task(h));
}

static hd_poll join_poll(hd_future *self, hd_context *cx) {
  hd_join *j = (hd_join *)self;
  if (!j->handle) {
    j->err = HD_EINVAL;
    return HD_READY;
  }
  hd__task *t = handle_task(j->handle);
  if (!(atomic_load_explicit(&t->state, memory_order_acquire) & HD__TASK_COMPLETE)) {
    pthread_mutex_lock(&t->join_lock);
    hd_waker_register(&t->join_waker, cx);
    pthread_mutex_unlock(&t->join_lock);
    /* Completion may have happened before the waker was stored. */
    if (!(atomic_load_explicit(&t->state, memory_order_acquire) & HD__TASK_COMPLETE))
      return HD_PENDING;
  }
  j->err = t->result;
  j->task = (t->blocking_fn || t->result) ? NULL : hd__task_future(t);
  j->value = t->value;
  return HD_READY;
}

static void join_drop(hd_future *self) {
  if (!((hd_join *)self)->handle)
    return;
  hd__task *t = handle_task(((hd_join *)self)->handle);
  pthread_mutex_lock(&t->join_lock);
  hd_waker_drop(&t->join_waker);
  pthread_mutex_unlock(&t->join_lock);
}

static const hd_future_vtable join_vtable = {"hd_join", join_poll, join_drop, sizeof(hd_join)};

hd_future *hd_join_init(hd_join *j, hd_join_handle *h) {
  memset(j, 0, sizeof *j);
  hd_future_init(&j->hd, &join_vtable);
  j->handle = h;
  return &j->hd;
}
