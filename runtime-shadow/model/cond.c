/* Modelled condition variables (pthread_cond_*), interposed like pthread.c.
 *
 * A wait is three visible operations: COND_WAIT (join the waiters), the
 * mutex unlock, then COND_WAKE, which blocks until a signal has left a
 * token; then the mutex is locked again. Registering before unlocking is
 * what makes "unlock and wait" atomic: a signal sent in between is not
 * lost. signal adds one token (at most one per waiter) and makes every
 * sleeping waiter runnable: whichever the scheduler runs first takes the
 * token and the others go back to sleep, so which waiter wakes is a choice
 * the explorer makes. broadcast gives every waiter a token. A timed wait
 * never blocks: when it runs without a token it times out. Spurious
 * wake-ups are not produced. A waiter nothing will signal is reported as a
 * lost wake-up (model.c asks hd__cond_explain). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "../sched/sched.h"
#include "objmap.h"
#include "pthread_model.h"
#include "race.h"

#define PUBLIC __attribute__((visibility("default")))
#define PC __builtin_return_address(0)

typedef struct cond {
  hd__tset waiters;  /* registered, until they take a token */
  hd__tset sleeping; /* waiters blocked in COND_WAKE */
  unsigned tokens;
  hd__vc clock;
} cond;

static inline hd__tset bit(unsigned t) {
  return (hd__tset)1 << t;
}

static cond *cond_of(pthread_cond_t *c) {
  return hd__obj_get((uintptr_t)c, HD__OBJ_COND, sizeof(cond));
}

static void point(pthread_cond_t *c, hd__op_kind kind, const void *pc) {
  hd__sched_point((hd__op){(uintptr_t)c, (uint8_t)kind}, pc);
}

static int wait_impl(pthread_cond_t *c, pthread_mutex_t *m, bool timed, const void *pc) {
  unsigned me = hd__sched_self();
  cond *cv = cond_of(c);
  if (!cv)
    return ENOMEM;
  point(c, HD__OP_COND_WAIT, pc);
  cv->waiters |= bit(me);
  int err = hd__mutex_unlock(m, pc);
  if (err) {
    cv->waiters &= ~bit(me);
    return err;
  }
  if (!timed && !cv->tokens) {
    cv->sleeping |= bit(me);
    hd__sched_block(me);
  }
  point(c, HD__OP_COND_WAKE, pc);
  cv->sleeping &= ~bit(me);
  cv->waiters &= ~bit(me);
  int r = ETIMEDOUT;
  if (cv->tokens) {
    cv->tokens--;
    r = 0;
    hd__race_acquire(me, cv->clock);
  }
  if (!cv->tokens)
    for (unsigned w = 0; w < HD__MAX_THREADS; w++)
      if (cv->sleeping & bit(w))
        hd__sched_block(w);
  hd__mutex_lock(m, pc);
  return r;
}

static void wake(pthread_cond_t *c, bool all, const void *pc) {
  cond *cv = cond_of(c);
  if (!cv)
    return;
  point(c, all ? HD__OP_COND_BROADCAST : HD__OP_COND_SIGNAL, pc);
  unsigned n = (unsigned)__builtin_popcount(cv->waiters);
  cv->tokens = all ? n : (cv->tokens < n ? cv->tokens + 1 : n);
  hd__race_release(hd__sched_self(), cv->clock, true);
  if (cv->tokens)
    for (unsigned w = 0; w < HD__MAX_THREADS; w++)
      if (cv->sleeping & bit(w))
        hd__sched_unblock(w);
}

#define REAL(name) static __typeof__(&name) real_##name
#define LOAD(name) (real_##name ? real_##name : (*(void **)&real_##name = dlsym(RTLD_NEXT, #name)))

REAL(pthread_cond_init);
REAL(pthread_cond_wait);
REAL(pthread_cond_timedwait);
REAL(pthread_cond_signal);
REAL(pthread_cond_broadcast);

int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *a) PUBLIC;
int pthread_cond_init(pthread_cond_t *c, const pthread_condattr_t *a) {
  LOAD(pthread_cond_init);
  int r = real_pthread_cond_init(c, a);
  cond *cv = hd__sched_active() ? cond_of(c) : NULL;
  if (cv)
    memset(cv, 0, sizeof *cv);
  return r;
}

int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m) PUBLIC;
int pthread_cond_wait(pthread_cond_t *c, pthread_mutex_t *m) {
  if (!hd__sched_active())
    return LOAD(pthread_cond_wait), real_pthread_cond_wait(c, m);
  return wait_impl(c, m, false, PC);
}

int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *t) PUBLIC;
int pthread_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *t) {
  if (!hd__sched_active())
    return LOAD(pthread_cond_timedwait), real_pthread_cond_timedwait(c, m, t);
  return wait_impl(c, m, true, PC);
}

int pthread_cond_signal(pthread_cond_t *c) PUBLIC;
int pthread_cond_signal(pthread_cond_t *c) {
  if (!hd__sched_active())
    return LOAD(pthread_cond_signal), real_pthread_cond_signal(c);
  wake(c, false, PC);
  return 0;
}

int pthread_cond_broadcast(pthread_cond_t *c) PUBLIC;
int pthread_cond_broadcast(pthread_cond_t *c) {
  if (!hd__sched_active())
    return LOAD(pthread_cond_broadcast), real_pthread_cond_broadcast(c);
  wake(c, true, PC);
  return 0;
}

unsigned hd__cond_explain(char *msg, size_t len, hd__loc *locs, unsigned max);
unsigned hd__cond_explain(char *msg, size_t len, hd__loc *locs, unsigned max) {
  static char note[64];
  for (unsigned t = 0; t < hd__sched_count(); t++) {
    const void *pc;
    hd__op op = hd__sched_pending(t, &pc);
    if (hd__sched_is_done(t) || op.kind != HD__OP_COND_WAKE)
      continue;
    snprintf(msg, len,
             "lost wake-up: thread %u waits on condition variable %#lx and nothing is left to "
             "signal it",
             t, (unsigned long)op.obj);
    snprintf(note, sizeof note, "thread %u waits here", t);
    if (!max)
      return 0;
    locs[0] = (hd__loc){(uintptr_t)pc, note};
    return 1;
  }
  return 0;
}
