/* The modelled executor: heddle/runtime.h on simulated threads.
 *
 * A runtime has one FIFO run queue. Multi-thread: `workers` simulated
 * worker threads (default 2) pop and poll tasks; hd_block_on's thread polls
 * only its root future. Current-thread: the block_on thread polls the root
 * and then runs the queue itself. Every change of a task's state is a
 * visible operation on the queue object (pop, push = wake or spawn, poll
 * returned, join poll), so the scheduler decides which worker polls which
 * task when, and in which order wakes and completions happen. Workers with
 * nothing to do block on the queue; a push makes them runnable; an
 * execution that ends with only idle workers is a normal end.
 *
 * Task states (field `state`, changed only inside a queue operation):
 *   IDLE -> QUEUED (wake) -> RUNNING (pop) -> IDLE (pending) | DONE (ready)
 *   RUNNING -> NOTIFIED (woken while polled) -> QUEUED when the poll returns
 * Tasks, runtimes and future copies live in the per-execution arena, so an
 * execution cut short leaks nothing. Detected here: lost-wakeup (the root
 * future or a joined task pending with nothing left to wake it).
 * For the race detector a spawn or a wake happens before the poll it
 * causes, a poll before the next poll of the same task and its completion
 * before the join that sees it; two different tasks are not ordered. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "../sched/sched.h"
#include "heddle/runtime.h"
#include "heddle/shadow.h"
#include "ext.h"
#include "objmap.h"
#include "race.h"

#define PC __builtin_return_address(0)
#define MAX_RUNTIMES 8
#define MAX_WORKERS 8

enum { IDLE, QUEUED, RUNNING, NOTIFIED, DONE };

struct hd_join_handle {
  hd_runtime *rt;
  hd_join_handle *next;     /* run queue link */
  hd_join_handle *next_all; /* every task of the runtime */
  uint8_t state;
  bool abort_req;
  int pin; /* worker index for hd_spawn_local, -1: any */
  int result;
  void *value;
  void *(*blocking_fn)(void *);
  void *blocking_arg;
  hd_waker join_waker;
  hd_future *fut;
  hd__vc clock; /* happens-before carried by spawn, wake, poll and join */
};
typedef hd_join_handle task;

struct hd_runtime {
  unsigned workers; /* 0: current-thread */
  bool started, shutdown, freed;
  task *head, *tail, *all;
  hd__tset idle; /* worker threads blocked on an empty queue */
  pthread_t worker_th[MAX_WORKERS];
  unsigned worker_tid[MAX_WORKERS];
  int root_tid; /* thread in hd_block_on, -1 */
  bool root_notified, root_waiting;
  hd_future *root;
  hd__vc root_clock;
  char queue_obj, root_obj; /* addresses naming the two modelled objects */
};

static struct {
  hd_runtime *current[HD__MAX_THREADS];
  int worker_index[HD__MAX_THREADS]; /* -1: not a worker */
  hd_runtime *all[MAX_RUNTIMES];
  unsigned nruntimes;
} ex;

void hd__model_executor_reset(void);
void hd__model_executor_reset(void) {
  memset(&ex, 0, sizeof ex);
  for (unsigned i = 0; i < HD__MAX_THREADS; i++)
    ex.worker_index[i] = -1;
}

static inline hd__tset bit(unsigned t) {
  return (hd__tset)1 << t;
}

static void queue_op(hd_runtime *rt, hd__op_kind kind, const void *pc) {
  hd__sched_point((hd__op){(uintptr_t)&rt->queue_obj, (uint8_t)kind}, pc);
}

/* Makes the threads that wait for work runnable (inside a queue op). */
static void push(hd_runtime *rt, task *t) {
  t->state = QUEUED;
  t->next = NULL;
  if (rt->tail)
    rt->tail->next = t;
  else
    rt->head = t;
  rt->tail = t;
  for (unsigned w = 0; w < HD__MAX_THREADS; w++)
    if (rt->idle & bit(w))
      hd__sched_unblock(w);
  if (!rt->workers && rt->root_waiting)
    hd__sched_unblock((unsigned)rt->root_tid);
}

static bool runnable_by(const task *t, int worker) {
  return t->pin < 0 || t->pin == worker;
}

static bool has_work(const hd_runtime *rt, int worker) {
  for (const task *t = rt->head; t; t = t->next)
    if (runnable_by(t, worker))
      return true;
  return false;
}

static task *pop(hd_runtime *rt, int worker) {
  for (task **p = &rt->head, *prev = NULL; *p; prev = *p, p = &(*p)->next) {
    task *t = *p;
    if (!runnable_by(t, worker))
      continue;
    *p = t->next;
    if (rt->tail == t)
      rt->tail = prev;
    t->state = RUNNING;
    return t;
  }
  return NULL;
}

/* ---- wakers ---- */

static void task_wake_by_ref(const void *data) {
  task *t = (task *)data;
  hd_runtime *rt = t->rt;
  queue_op(rt, HD__OP_QUEUE_PUSH, PC);
  hd__race_release(hd__sched_self(), t->clock, true);
  if (t->state == IDLE)
    push(rt, t);
  else if (t->state == RUNNING)
    t->state = NOTIFIED;
}
static hd_waker task_clone(const void *data);
static void task_wake(void *data) {
  task_wake_by_ref(data);
}
static void task_drop(void *data) {}
static const hd_waker_vtable task_waker_vt = {task_clone, task_wake, task_wake_by_ref, task_drop};
static hd_waker task_clone(const void *data) {
  return (hd_waker){&task_waker_vt, (void *)data};
}

static void root_wake_by_ref(const void *data) {
  hd_runtime *rt = (hd_runtime *)data;
  hd__sched_point((hd__op){(uintptr_t)&rt->root_obj, HD__OP_ROOT_WAKE}, PC);
  hd__race_release(hd__sched_self(), rt->root_clock, true);
  rt->root_notified = true;
  if (rt->root_waiting)
    hd__sched_unblock((unsigned)rt->root_tid);
}
static hd_waker root_clone(const void *data);
static void root_wake(void *data) {
  root_wake_by_ref(data);
}
static const hd_waker_vtable root_waker_vt = {root_clone, root_wake, root_wake_by_ref, task_drop};
static hd_waker root_clone(const void *data) {
  return (hd_waker){&root_waker_vt, (void *)data};
}

/* ---- polling ---- */

static void complete(task *t, int result) {
  t->state = DONE;
  t->result = result;
  hd_waker w = t->join_waker;
  t->join_waker = (hd_waker){0};
  hd_waker_wake(&w);
}

static void run_task(hd_runtime *rt, task *t) {
  unsigned me = hd__sched_self();
  hd__race_acquire(me, t->clock);
  hd_poll r = HD_PENDING;
  hd__ext_poll_begin(t->fut);
  if (t->abort_req) {
    hd_future_drop(t->fut);
  } else {
    hd_waker w = {&task_waker_vt, t};
    hd_context cx = {&w};
    r = hd_future_poll(t->fut, &cx);
  }
  hd__ext_poll_end(t->fut, t->abort_req ? HD_READY : r);
  queue_op(rt, HD__OP_POLL_END, t->fut->vtable->poll);
  hd__race_release(me, t->clock, true);
  if (r == HD_READY || t->abort_req)
    complete(t, r == HD_READY ? 0 : HD_ECANCELED);
  else if (t->state == NOTIFIED)
    push(rt, t);
  else
    t->state = IDLE;
}

static void *worker_main(void *arg) {
  hd_runtime *rt = arg;
  unsigned me = hd__sched_self();
  int widx = ex.worker_index[me];
  ex.current[me] = rt;
  for (;;) {
    if (!rt->shutdown && !has_work(rt, widx)) {
      rt->idle |= bit(me);
      hd__sched_block(me);
    }
    queue_op(rt, HD__OP_QUEUE_POP, (const void *)worker_main);
    rt->idle &= ~bit(me);
    if (rt->shutdown)
      return NULL;
    task *t = pop(rt, widx);
    if (t)
      run_task(rt, t);
  }
}

static void start_workers(hd_runtime *rt) {
  rt->started = true;
  for (unsigned i = 0; i < rt->workers; i++) {
    pthread_create(&rt->worker_th[i], NULL, worker_main, rt);
    unsigned tid = (unsigned)(rt->worker_th[i] & 0xff);
    rt->worker_tid[i] = tid;
    ex.worker_index[tid] = (int)i;
  }
}

/* ---- the API ---- */

static hd_runtime *runtime_new(unsigned workers) {
  if (!hd__sched_active() || ex.nruntimes >= MAX_RUNTIMES)
    return NULL;
  hd_runtime *rt = hd__arena_alloc(sizeof *rt);
  if (!rt)
    return NULL;
  rt->workers = workers;
  rt->root_tid = -1;
  ex.all[ex.nruntimes++] = rt;
  return rt;
}

hd_runtime *hd_runtime_new_current_thread(void) {
  return runtime_new(0);
}

hd_runtime *hd_runtime_new_multi_thread(unsigned workers) {
  return runtime_new(workers ? (workers < MAX_WORKERS ? workers : MAX_WORKERS) : 2);
}

unsigned hd_runtime_workers(const hd_runtime *rt) {
  return rt->workers ? rt->workers : 1;
}

hd_runtime *hd_runtime_current(void) {
  return hd__sched_active() ? ex.current[hd__sched_self()] : NULL;
}

static bool run_queue_here(hd_runtime *rt) {
  task *t = NULL;
  if (has_work(rt, -1)) {
    queue_op(rt, HD__OP_QUEUE_POP, PC);
    t = pop(rt, -1);
  }
  if (t)
    run_task(rt, t);
  return t != NULL;
}

int hd_block_on(hd_runtime *rt, hd_future *future) {
  unsigned me = hd__sched_self();
  if (!rt || !hd__sched_active() || ex.current[me] || rt->root_tid >= 0)
    return HD_EINVAL;
  ex.current[me] = rt;
  rt->root_tid = (int)me;
  rt->root = future;
  rt->root_notified = true;
  if (rt->workers && !rt->started)
    start_workers(rt);
  hd_waker w = {&root_waker_vt, rt};
  hd_context cx = {&w};
  for (;;) {
    if (rt->root_notified) {
      rt->root_notified = false;
      hd__ext_poll_begin(future);
      hd_poll r = hd_future_poll(future, &cx);
      hd__ext_poll_end(future, r);
      if (r == HD_READY)
        break;
    }
    if (!rt->workers && run_queue_here(rt))
      continue;
    if (!rt->root_notified) {
      rt->root_waiting = true;
      hd__sched_block(me);
    }
    hd__sched_point((hd__op){(uintptr_t)&rt->root_obj, HD__OP_ROOT_WAIT}, PC);
    rt->root_waiting = false;
    hd__race_acquire(me, rt->root_clock);
  }
  rt->root = NULL;
  rt->root_tid = -1;
  ex.current[me] = NULL;
  return 0;
}

void hd_runtime_free(hd_runtime *rt) {
  if (!rt)
    return;
  if (rt->started) {
    queue_op(rt, HD__OP_QUEUE_PUSH, PC);
    rt->shutdown = true;
    for (unsigned w = 0; w < HD__MAX_THREADS; w++)
      if (rt->idle & bit(w))
        hd__sched_unblock(w);
    for (unsigned i = 0; i < rt->workers; i++)
      pthread_join(rt->worker_th[i], NULL);
  }
  rt->freed = true;
  for (task *t = rt->all; t; t = t->next_all)
    if (t->state != DONE && !t->blocking_fn) {
      if (!t->abort_req)
        hd__ext_task_leak(t->fut, t->state == QUEUED, "when its runtime was freed");
      hd__ext_poll_begin(t->fut);
      hd_future_drop(t->fut);
      hd__ext_poll_end(t->fut, HD_READY);
    }
}

void hd__executor_body_returned(void) {
  for (unsigned i = 0; i < ex.nruntimes; i++)
    for (task *t = ex.all[i]->freed ? NULL : ex.all[i]->all; t; t = t->next_all)
      if (t->state != DONE && !t->blocking_fn && !t->abort_req)
        hd__ext_task_leak(t->fut, t->state == QUEUED,
                          "when the test body returned (its runtime was never freed)");
}

static task *task_new(hd_runtime *rt, size_t fut_size) {
  task *t = hd__arena_alloc(sizeof *t + fut_size);
  if (!t)
    return NULL;
  t->rt = rt;
  t->pin = -1;
  t->fut = (hd_future *)(t + 1);
  t->next_all = rt->all;
  rt->all = t;
  return t;
}

hd_join_handle *hd_spawn_on(hd_runtime *rt, hd_future *future) {
  if (!rt || !future || hd_future_is_started(future))
    return NULL;
  task *t = task_new(rt, future->vtable->size);
  if (!t)
    return NULL;
  memcpy(t->fut, future, future->vtable->size);
  queue_op(rt, HD__OP_QUEUE_PUSH, PC);
  hd__race_release(hd__sched_self(), t->clock, true);
  push(rt, t);
  return t;
}

hd_join_handle *hd_spawn(hd_future *future) {
  return hd_spawn_on(hd_runtime_current(), future);
}

hd_join_handle *hd_spawn_local(hd_future *future) {
  hd_runtime *rt = hd_runtime_current();
  if (!rt || !future || hd_future_is_started(future))
    return NULL;
  task *t = task_new(rt, future->vtable->size);
  if (!t)
    return NULL;
  memcpy(t->fut, future, future->vtable->size);
  t->pin = rt->workers ? ex.worker_index[hd__sched_self()] : -1;
  queue_op(rt, HD__OP_QUEUE_PUSH, PC);
  hd__race_release(hd__sched_self(), t->clock, true);
  push(rt, t);
  return t;
}

static void *blocking_main(void *arg) {
  task *t = arg;
  void *v = t->blocking_fn(t->blocking_arg);
  queue_op(t->rt, HD__OP_POLL_END, (const void *)t->blocking_fn);
  hd__race_release(hd__sched_self(), t->clock, true);
  t->value = v;
  complete(t, 0);
  return NULL;
}

hd_join_handle *hd_spawn_blocking(void *(*fn)(void *), void *arg) {
  hd_runtime *rt = hd_runtime_current();
  if (!rt || !fn)
    return NULL;
  task *t = task_new(rt, 0);
  if (!t)
    return NULL;
  t->blocking_fn = fn;
  t->blocking_arg = arg;
  t->state = RUNNING;
  pthread_t th;
  if (pthread_create(&th, NULL, blocking_main, t))
    return NULL;
  pthread_detach(th);
  return t;
}

void hd_join_handle_abort(hd_join_handle *h) {
  if (!h || h->blocking_fn)
    return;
  queue_op(h->rt, HD__OP_QUEUE_PUSH, PC);
  if (h->state == DONE)
    return;
  h->abort_req = true;
  if (h->state == IDLE)
    push(h->rt, h);
}

bool hd_join_handle_is_finished(const hd_join_handle *h) {
  if (!h)
    return false;
  queue_op(h->rt, HD__OP_JOIN_POLL, PC);
  if (h->state != DONE)
    return false;
  hd__race_acquire(hd__sched_self(), ((task *)h)->clock);
  return true;
}

void hd_join_handle_drop(hd_join_handle *h) {}

static hd_poll join_poll(hd_future *self, hd_context *cx) {
  hd_join *j = (hd_join *)self;
  task *t = j->handle;
  if (!t) {
    j->err = HD_EINVAL;
    return HD_READY;
  }
  queue_op(t->rt, HD__OP_JOIN_POLL, self->file ? (const void *)join_poll : PC);
  if (t->state != DONE) {
    hd_waker_register(&t->join_waker, cx);
    return HD_PENDING;
  }
  hd__race_acquire(hd__sched_self(), t->clock);
  j->err = t->result;
  j->task = (t->blocking_fn || t->result) ? NULL : t->fut;
  j->value = t->value;
  return HD_READY;
}

static void join_drop(hd_future *self) {
  task *t = ((hd_join *)self)->handle;
  if (t)
    hd_waker_drop(&t->join_waker);
}

static const hd_future_vtable join_vtable = {"hd_join", join_poll, join_drop, sizeof(hd_join)};

hd_future *hd_join_init(hd_join *j, hd_join_handle *h) {
  memset(j, 0, sizeof *j);
  hd_future_init(&j->hd, &join_vtable);
  j->handle = h;
  return &j->hd;
}

static hd_poll yield_poll(hd_future *self, hd_context *cx) {
  hd_yield *y = (hd_yield *)self;
  if (y->yielded)
    return HD_READY;
  y->yielded = true;
  hd_waker_wake_by_ref(cx->waker);
  return HD_PENDING;
}

static const hd_future_vtable yield_vtable = {"hd_yield", yield_poll, NULL, sizeof(hd_yield)};

hd_future *hd_yield_init(hd_yield *y) {
  hd_future_init(&y->hd, &yield_vtable);
  y->yielded = false;
  return &y->hd;
}

/* ---- lost wake-ups ---- */

/* Where a future chain is suspended: the deepest frame stopped at an
 * HD_AWAIT, and what it awaits there. */
static void suspended_at(const hd_future *f, char *buf, size_t len) {
  const hd_future *at = NULL;
  for (const hd_future *g = f; g; g = g->child)
    if (g->file)
      at = g;
  const char *name = f->vtable ? f->vtable->name : "?";
  if (!at) {
    snprintf(buf, len, "%s (not at an HD_AWAIT)", name);
    return;
  }
  const char *child = at->child && at->child->vtable ? at->child->vtable->name : "?";
  snprintf(buf, len, "%s awaits %s at %s:%d", at->vtable ? at->vtable->name : "?", child, at->file,
           at->line);
}

int hd__executor_explain(char *msg, size_t len, hd__loc *locs, unsigned max, unsigned *nlocs);
int hd__executor_explain(char *msg, size_t len, hd__loc *locs, unsigned max, unsigned *nlocs) {
  hd__tset idle = 0;
  *nlocs = 0;
  for (unsigned i = 0; i < ex.nruntimes; i++) {
    hd_runtime *rt = ex.all[i];
    idle |= rt->idle;
    if (!rt->root_waiting || rt->root_notified || !rt->root)
      continue;
    char where[160];
    suspended_at(rt->root, where, sizeof where);
    size_t o = (size_t)snprintf(msg, len,
                                "lost wake-up: hd_block_on's future is pending and nothing will "
                                "wake it (%s)",
                                where);
    for (task *t = rt->all; t && o < len; t = t->next_all)
      if (t->state == IDLE && !t->blocking_fn) {
        suspended_at(t->fut, where, sizeof where);
        o += (size_t)snprintf(msg + o, len - o, "; task %s", where);
      }
    if (max) {
      /* +1: report locations are return addresses, looked up one byte back. */
      locs[0] = (hd__loc){(uintptr_t)rt->root->vtable->poll + 1, "the block_on future"};
      *nlocs = 1;
    }
    return HD__REPORT_LOST_WAKEUP;
  }
  /* Only idle workers left (and model threads idle by design, ext.h): the
   * runtime was not freed; not a bug here. */
  idle |= hd__ext_idle_threads();
  for (unsigned t = 0; t < hd__sched_count(); t++)
    if (!hd__sched_is_done(t) && !(idle & bit(t)))
      return -1;
  return idle ? HD__REPORT_COUNT : -1;
}
