/* Virtual time: the timer half of runtime/reactor.h on a virtual clock.
 *
 * The real hd_sleep, hd_interval and hd_timeout (runtime/io/sleep.c,
 * interval.c, timeout.c) are compiled into the shadow library as they are;
 * this file gives them the reactor functions they call. The clock starts at
 * 0 ms in every execution and moves only when nothing can run: then the
 * scheduler asks the model (hd__model_quiescent) and, if timers are queued
 * and the test body is still running, the clock thread is made runnable. It
 * advances the clock to the earliest deadline and fires every timer due by
 * then: timers with earlier deadlines first, timers with equal deadlines in
 * an order chosen by the scheduler (hd__choose, so exhaustive search tries
 * every order). All due timers are marked fired at once (nothing else runs
 * at a quiescent point), then their wakers are woken one by one; each wake
 * is a visible operation of the executor, so woken tasks interleave with the
 * remaining wakes.
 *
 * Timer states (hd__timer, see heddle/time.h): idle (heap_index SIZE_MAX) ->
 * queued (heap_index = slot in vt.q, waker stored) -> fired (unqueued, waker
 * woken) -> seen by its future's next poll. Cancel unqueues and drops the
 * waker. Queued timers are pointers into live futures: a future is dropped
 * (cancelling its timer) before its memory goes, and the table is forgotten
 * at every execution start.
 */
#include <stdint.h>
#include <string.h>

#include "ext.h"
#include "heddle/runtime.h"
#include "reactor.h"

#define MAX_TIMERS 256

struct hd__reactor {
  int unused;
};

static struct {
  struct hd__reactor reactor; /* one virtual reactor shared by every runtime */
  uint64_t now;
  uint64_t seq;
  unsigned nq;
  struct {
    hd__timer *t;
    uint64_t seq; /* insertion order: the order equal deadlines fire in by default */
  } q[MAX_TIMERS];
  bool clock_started, clock_waiting;
  unsigned clock_tid;
} vt;

static inline hd__tset bit(unsigned t) {
  return (hd__tset)1 << t;
}

void hd__vtime_reset(void) {
  memset(&vt, 0, sizeof vt);
}

hd__tset hd__vtime_threads(void) {
  return vt.clock_started ? bit(vt.clock_tid) : 0;
}

uint64_t hd__now_ms(void) {
  return vt.now;
}

hd__reactor *hd__reactor_current(void) {
  return hd__sched_active() && hd_runtime_current() ? &vt.reactor : NULL;
}

void hd__timer_init(hd__timer *t, uint64_t deadline_ms) {
  t->deadline_ms = deadline_ms;
  t->heap_index = SIZE_MAX;
  t->waker = (hd_waker){0};
  t->fired = false;
}

static void unqueue(hd__timer *t) {
  size_t i = t->heap_index;
  if (i >= vt.nq || vt.q[i].t != t)
    return;
  vt.q[i] = vt.q[--vt.nq];
  if (i < vt.nq)
    vt.q[i].t->heap_index = i;
  t->heap_index = SIZE_MAX;
}

/* Fires the due timers (see the file comment). */
static void fire_due(void) {
  uint64_t next = UINT64_MAX;
  for (unsigned i = 0; i < vt.nq; i++)
    if (vt.q[i].t->deadline_ms < next)
      next = vt.q[i].t->deadline_ms;
  if (next == UINT64_MAX)
    return;
  if (next > vt.now)
    vt.now = next;
  hd_waker wakers[MAX_TIMERS];
  unsigned nw = 0;
  for (;;) {
    /* The earliest remaining deadline, and how many timers share it. */
    uint64_t d = UINT64_MAX;
    unsigned same = 0;
    for (unsigned i = 0; i < vt.nq; i++) {
      uint64_t di = vt.q[i].t->deadline_ms;
      if (di < d) {
        d = di;
        same = 1;
      } else if (di == d) {
        same++;
      }
    }
    if (d > vt.now)
      break;
    /* Pick one of them: the k-th in insertion order. */
    unsigned k = hd__choose(same, (const char *)fire_due + 1);
    unsigned pick = 0;
    uint64_t seqs[MAX_TIMERS];
    unsigned ns = 0;
    for (unsigned i = 0; i < vt.nq; i++)
      if (vt.q[i].t->deadline_ms == d)
        seqs[ns++] = vt.q[i].seq;
    /* the k-th smallest sequence number */
    for (unsigned a = 0; a < ns; a++)
      for (unsigned b = a + 1; b < ns; b++)
        if (seqs[b] < seqs[a]) {
          uint64_t x = seqs[a];
          seqs[a] = seqs[b];
          seqs[b] = x;
        }
    for (unsigned i = 0; i < vt.nq; i++)
      if (vt.q[i].seq == seqs[k])
        pick = i;
    hd__timer *t = vt.q[pick].t;
    unqueue(t);
    t->fired = true;
    wakers[nw] = t->waker;
    t->waker = (hd_waker){0};
    nw++;
  }
  for (unsigned i = 0; i < nw; i++)
    hd_waker_wake(&wakers[i]);
}

static void *clock_main(void *arg) {
  unsigned me = hd__sched_self();
  for (;;) {
    vt.clock_waiting = true;
    hd__sched_block(me);
    hd__sched_point((hd__op){(uintptr_t)&vt.now, HD__OP_TIMERS_FIRE}, (const char *)clock_main + 1);
    vt.clock_waiting = false;
    fire_due();
  }
  return NULL;
}

bool hd__model_quiescent(void) {
  if (!vt.clock_started || !vt.clock_waiting || !vt.nq || hd__sched_is_done(0))
    return false;
  hd__sched_unblock(vt.clock_tid);
  return true;
}

bool hd__timer_poll(hd__reactor *r, hd__timer *t, hd_context *cx) {
  if (t->fired || t->deadline_ms <= vt.now) {
    unqueue(t);
    hd_waker_drop(&t->waker);
    return true;
  }
  if (t->heap_index == SIZE_MAX) {
    if (vt.nq == MAX_TIMERS)
      return true; /* beyond the model's table: the timer fires at once */
    if (!vt.clock_started) {
      if (hd__sched_spawn(clock_main, NULL, &vt.clock_tid))
        return true;
      vt.clock_started = true;
    }
    t->heap_index = vt.nq;
    vt.q[vt.nq].t = t;
    vt.q[vt.nq].seq = vt.seq++;
    vt.nq++;
  }
  hd_waker_register(&t->waker, cx);
  return false;
}

void hd__timer_cancel(hd__reactor *r, hd__timer *t) {
  unqueue(t);
  hd_waker_drop(&t->waker);
}
