/* The execution engine: simulated threads as fibers, the scheduling hooks
 * of sched.h and the recording of one node per visible operation. */
#include <stdio.h>
#include <string.h>

#include "explorer.h"
#include "fiber.h"
#include "heddle/error.h"
#include "strategy.h"

enum { T_FREE, T_STARTING, T_READY, T_RUNNING, T_DONE };

typedef struct thread {
  hd__fiber fib;
  uint8_t state;
  bool blocked;
  unsigned creator;
  hd__op pending;
  const void *pc;
  void *(*fn)(void *);
  void *arg;
  void *ret;
  unsigned nframes;
  uintptr_t frames[64];
} thread;

static struct {
  bool active;
  unsigned cur, n;
  int32_t last_event[HD__MAX_THREADS];
  thread th[HD__MAX_THREADS];
  hd__fiber host;
  size_t stack_size;
  hd__end end;
  void (*body)(void);
} rt;

bool hd__sched_active(void) {
  return rt.active;
}
unsigned hd__sched_self(void) {
  return rt.cur;
}

int hd__engine_init(const hd_shadow_options *o) {
  rt.stack_size = o->stack_size ? o->stack_size : 256 * 1024;
  return hd__strategy_init(o);
}

static inline hd__tset bit(unsigned t) {
  return (hd__tset)1 << t;
}

static void end_execution(hd__end why) {
  rt.end = why;
  hd__fiber_switch(&rt.th[rt.cur].fib, rt.host.sp);
  __builtin_unreachable();
}

/* Nothing can run but not everything finished: report, unless the model
 * says the blocked threads are idle by design. Returns whether reported. */
static bool report_deadlock(void) {
  char msg[256];
  hd__loc locs[HD_SHADOW_MAX_LOCS];
  unsigned n = 0;
  hd__report_kind kind =
      hd__model_explain_deadlock(msg, sizeof msg, locs, HD_SHADOW_MAX_LOCS - 1, &n);
  if (kind == HD__REPORT_COUNT)
    return false;
  hd__report(kind, msg, locs, n);
  return true;
}

/* The next thread to run, recorded as node ex->depth; ends the execution
 * (never returns) when there is none. */
static unsigned choose(void) {
  hd__explorer *ex = hd__ex;
  hd__tset en = 0;
  bool live = false;
  for (int again = 1; again-- > 0;) {
    for (unsigned i = 0; i < rt.n; i++) {
      if (rt.th[i].state == T_DONE)
        continue;
      live = true;
      if (!rt.th[i].blocked)
        en |= bit(i);
    }
    /* Quiescent: the model may advance virtual time (unblock its clock). */
    if (!en && live && hd__model_quiescent())
      again = 1;
  }
  if (!en)
    end_execution(live && report_deadlock() ? HD__END_DEADLOCK : HD__END_DONE);
  uint32_t k = ex->depth;
  if (k >= ex->max_nodes)
    end_execution(HD__END_STEPS);
  hd__node *nd = &ex->nodes[k];
  unsigned prev = rt.cur;
  int t;
  if (k < ex->replay_upto) {
    t = nd->tid;
    if (!(en & bit((unsigned)t))) {
      hd__report(HD__REPORT_NONDETERMINISM,
                 "a recorded choice is not enabled on replay: the test is not deterministic", NULL,
                 0);
      end_execution(HD__END_DIVERGED);
    }
  } else {
    hd__tset sleep = 0;
    if (k > 0 && hd__opts.strategy == HD_SHADOW_DFS) {
      const hd__node *pa = &ex->nodes[k - 1];
      hd__tset s = (pa->sleep | pa->done) & ~bit(pa->tid);
      for (unsigned q = 0; q < rt.n; q++)
        if ((s & bit(q)) && !hd__op_dependent(pa->pending[q], pa->op))
          sleep |= bit(q);
      sleep &= en;
    }
    nd->enabled = en;
    nd->sleep = sleep;
    nd->skipped = 0;
    nd->prev = (uint8_t)prev;
    for (unsigned i = 0; i < rt.n; i++)
      nd->pending[i] = rt.th[i].pending;
    hd__end why = HD__END_DONE;
    t = hd__strategy_pick(ex, k, en, sleep, prev, &why);
    if (t < 0 && why == HD__END_DIVERGED)
      hd__report(HD__REPORT_NONDETERMINISM,
                 "the schedule string chooses a thread that cannot run at this step", NULL, 0);
    if (t < 0)
      end_execution(why);
    nd->backtrack = nd->done = bit((unsigned)t);
  }
  unsigned before = k ? ex->nodes[k - 1].preemptions : 0;
  nd->preemptions = (uint16_t)(before + ((en & bit(prev)) && (unsigned)t != prev));
  nd->tid = (uint8_t)t;
  nd->op = rt.th[t].pending;
  nd->pc = (uintptr_t)rt.th[t].pc;
  rt.last_event[t] = (int32_t)k;
  ex->depth = k + 1;
  return (unsigned)t;
}

/* The running thread stopped (READY, blocked or DONE): run the next one. */
static void reschedule(thread *me) {
  unsigned t = choose();
  rt.cur = t;
  rt.th[t].state = T_RUNNING;
  if (&rt.th[t] != me)
    hd__fiber_switch(&me->fib, rt.th[t].fib.sp);
}

void hd__sched_point(hd__op op, const void *pc) {
  thread *me = &rt.th[rt.cur];
  me->pending = op;
  me->pc = pc;
  if (me->state == T_STARTING) {
    /* End of the eager start: back to the creator, which is mid-spawn. */
    me->state = T_READY;
    rt.cur = me->creator;
    hd__fiber_switch(&me->fib, rt.th[me->creator].fib.sp);
    return;
  }
  me->state = T_READY;
  reschedule(me);
}

void hd__sched_block(unsigned tid) {
  rt.th[tid].blocked = true;
}
void hd__sched_unblock(unsigned tid) {
  rt.th[tid].blocked = false;
}
bool hd__sched_is_done(unsigned tid) {
  return tid < rt.n && rt.th[tid].state == T_DONE;
}
unsigned hd__sched_count(void) {
  return rt.n;
}
void *hd__sched_result(unsigned tid) {
  return rt.th[tid].ret;
}

hd__op hd__sched_pending(unsigned tid, const void **pc) {
  if (pc)
    *pc = rt.th[tid].pc;
  return rt.th[tid].pending;
}

_Noreturn void hd__sched_exit(void *ret) {
  thread *me = &rt.th[rt.cur];
  bool starting = me->state == T_STARTING;
  me->ret = ret;
  me->state = T_DONE;
  hd__model_thread_exit(rt.cur);
  if (starting) {
    rt.cur = me->creator;
    hd__fiber_switch(&me->fib, rt.th[me->creator].fib.sp);
  } else {
    reschedule(me);
  }
  __builtin_unreachable();
}

static void thread_main(void *p) {
  thread *t = p;
  hd__sched_exit(t->fn(t->arg));
}

static void *body_main(void *unused) {
  rt.body();
  return NULL;
}

static int make_thread(void *(*fn)(void *), void *arg, unsigned creator, unsigned *tid) {
  if (rt.n >= HD__MAX_THREADS)
    return HD_ENOMEM;
  unsigned id = rt.n;
  void *stack = hd__stack_get(id, rt.stack_size);
  if (!stack)
    return HD_ENOMEM;
  rt.n++;
  thread *t = &rt.th[id];
  t->state = T_STARTING;
  t->blocked = false;
  t->creator = creator;
  t->pending = (hd__op){0, HD__OP_YIELD};
  t->pc = NULL;
  t->fn = fn;
  t->arg = arg;
  t->ret = NULL;
  t->nframes = 0;
  rt.last_event[id] = -1;
  hd__fiber_init(&t->fib, stack, rt.stack_size, thread_main, t);
  hd__ex->nthreads = rt.n;
  hd__ex->spawn_parent[id] = (int32_t)creator;
  hd__ex->spawn_after[id] = id ? rt.last_event[creator] : -1;
  hd__model_thread_start(creator, id);
  hd__strategy_thread(id);
  *tid = id;
  return 0;
}

int hd__sched_spawn(void *(*fn)(void *), void *arg, unsigned *tid) {
  unsigned me = rt.cur;
  int err = make_thread(fn, arg, me, tid);
  if (err)
    return err;
  rt.cur = *tid;
  hd__fiber_switch(&rt.th[me].fib, rt.th[*tid].fib.sp);
  /* The child switched back (first visible operation or exit); rt.cur is me. */
  return 0;
}

void hd__sched_func_entry(const void *caller_pc) {
  thread *t = &rt.th[rt.cur];
  if (t->nframes < sizeof t->frames / sizeof t->frames[0])
    t->frames[t->nframes] = (uintptr_t)caller_pc;
  t->nframes++;
}

void hd__sched_func_exit(void) {
  thread *t = &rt.th[rt.cur];
  if (t->nframes)
    t->nframes--;
}

void hd__report(hd__report_kind kind, const char *message, const hd__loc *locs, unsigned nlocs) {
  uintptr_t pcs[HD_SHADOW_MAX_LOCS];
  const char *notes[HD_SHADOW_MAX_LOCS];
  unsigned n = 0;
  for (unsigned i = 0; i < nlocs && n < HD_SHADOW_MAX_LOCS; i++, n++) {
    pcs[n] = locs[i].pc;
    notes[n] = locs[i].note;
  }
  if (rt.active) {
    thread *t = &rt.th[rt.cur];
    /* frames[0] is the call of the thread's function in thread_main: not
     * the test's code. */
    unsigned depth = t->nframes < 64 ? t->nframes : 64;
    for (unsigned i = depth; i-- > 1 && n < HD_SHADOW_MAX_LOCS; n++) {
      pcs[n] = t->frames[i];
      notes[n] = "called from";
    }
  }
  hd__report_raw(kind, message, pcs, notes, n);
}

hd__end hd__execute(void (*body)(void)) {
  hd__ex->depth = 0;
  hd__ex->nthreads = 0;
  rt.n = 0;
  rt.cur = 0;
  rt.body = body;
  hd__model_reset();
  hd__strategy_begin(hd__ex);
  unsigned tid;
  if (make_thread(body_main, NULL, 0, &tid))
    return HD__END_STEPS;
  rt.th[0].state = T_RUNNING;
  rt.active = true;
  hd__fiber_switch(&rt.host, rt.th[0].fib.sp);
  rt.active = false;
  return rt.end;
}
