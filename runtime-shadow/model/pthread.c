/* Modelled pthreads: create/join/exit/self, mutex lock/trylock/unlock.
 * These definitions interpose libc's when the test links the shadow
 * library; outside an execution they forward to libc (dlsym RTLD_NEXT).
 * Inside, a thread is a simulated thread of the scheduler and a mutex is a
 * modelled object: lock blocks on it while held (block on / make runnable
 * hooks), lock/trylock/unlock are visible operations (branch here). Every
 * mutex behaves as a normal one, except that unlocking from a thread that
 * does not own it is reported (unlock-wrong-thread) and fails with EPERM
 * without unlocking. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>

#include "heddle/shadow.h"
#include "ext.h"
#include "objmap.h"
#include "pthread_model.h"
#include "race.h"

#define PUBLIC __attribute__((visibility("default")))
#define PC __builtin_return_address(0)
#define TID_BASE ((pthread_t)0x5AD0000)

typedef struct mutex {
  int owner; /* thread id + 1; 0: free */
  hd__tset waiters;
  uintptr_t acquired_at;
  hd__vc clock;
} mutex;

static struct { hd__tset joiners[HD__MAX_THREADS]; } md;

#define REAL(name) real_##name
#define LOAD_REAL(name)                                                                            \
  if (!REAL(name))                                                                                 \
    *(void **)&REAL(name) = dlsym(RTLD_NEXT, #name);

static int (*real_pthread_create)(pthread_t *, const pthread_attr_t *, void *(*)(void *), void *);
static int (*real_pthread_join)(pthread_t, void **);
static int (*real_pthread_mutex_init)(pthread_mutex_t *, const pthread_mutexattr_t *);
static int (*real_pthread_mutex_lock)(pthread_mutex_t *);
static int (*real_pthread_mutex_trylock)(pthread_mutex_t *);
static int (*real_pthread_mutex_unlock)(pthread_mutex_t *);
static pthread_t (*real_pthread_self)(void);
static int (*real_pthread_detach)(pthread_t);
static int (*real_sched_yield)(void);
static void (*real_pthread_exit)(void *);

static inline hd__tset bit(unsigned t) {
  return (hd__tset)1 << t;
}

void hd__model_pthread_reset(void);
void hd__model_pthread_reset(void) {
  memset(&md, 0, sizeof md);
}

void hd__model_thread_exit(unsigned tid) {
  if (tid == 0)
    hd__executor_body_returned();
  for (unsigned w = 0; w < HD__MAX_THREADS; w++)
    if (md.joiners[tid] & bit(w))
      hd__sched_unblock(w);
}

static mutex *mutex_of(pthread_mutex_t *m) {
  return hd__obj_get((uintptr_t)m, HD__OBJ_MUTEX, sizeof(mutex));
}

int pthread_create(pthread_t *th, const pthread_attr_t *attr, void *(*fn)(void *),
                   void *arg) PUBLIC;
int pthread_create(pthread_t *th, const pthread_attr_t *attr, void *(*fn)(void *), void *arg) {
  if (!hd__sched_active()) {
    LOAD_REAL(pthread_create);
    return REAL(pthread_create)(th, attr, fn, arg);
  }
  unsigned tid;
  if (hd__sched_spawn(fn, arg, &tid))
    return EAGAIN;
  *th = TID_BASE + tid;
  return 0;
}

static bool sim_tid(pthread_t th, unsigned *tid) {
  if (th < TID_BASE || th >= TID_BASE + HD__MAX_THREADS)
    return false;
  *tid = (unsigned)(th - TID_BASE);
  return true;
}

int pthread_join(pthread_t th, void **ret) PUBLIC;
int pthread_join(pthread_t th, void **ret) {
  if (!hd__sched_active()) {
    LOAD_REAL(pthread_join);
    return REAL(pthread_join)(th, ret);
  }
  unsigned me = hd__sched_self(), tid;
  if (!sim_tid(th, &tid))
    return ESRCH;
  if (tid == me)
    return EDEADLK;
  if (!hd__sched_is_done(tid)) {
    md.joiners[tid] |= bit(me);
    hd__sched_block(me);
  }
  hd__sched_point((hd__op){hd__thread_obj(tid), HD__OP_JOIN}, PC);
  md.joiners[tid] &= ~bit(me);
  hd__race_join(me, tid);
  if (ret)
    *ret = hd__sched_result(tid);
  return 0;
}

int pthread_detach(pthread_t th) PUBLIC;
int pthread_detach(pthread_t th) {
  if (!hd__sched_active()) {
    LOAD_REAL(pthread_detach);
    return REAL(pthread_detach)(th);
  }
  return 0;
}

pthread_t pthread_self(void) PUBLIC;
pthread_t pthread_self(void) {
  if (!hd__sched_active()) {
    LOAD_REAL(pthread_self);
    return REAL(pthread_self)();
  }
  return TID_BASE + hd__sched_self();
}

_Noreturn void pthread_exit(void *ret) PUBLIC;
_Noreturn void pthread_exit(void *ret) {
  if (hd__sched_active())
    hd__sched_exit(ret);
  LOAD_REAL(pthread_exit);
  REAL(pthread_exit)(ret);
  __builtin_unreachable();
}

int sched_yield(void) PUBLIC;
int sched_yield(void) {
  if (!hd__sched_active()) {
    LOAD_REAL(sched_yield);
    return REAL(sched_yield)();
  }
  hd__sched_point((hd__op){0, HD__OP_YIELD}, PC);
  return 0;
}

static void acquired(mutex *mx, unsigned me, const void *pc) {
  mx->owner = (int)me + 1;
  mx->acquired_at = (uintptr_t)pc;
  for (unsigned w = 0; w < HD__MAX_THREADS; w++)
    if (mx->waiters & bit(w))
      hd__sched_block(w);
  hd__race_acquire(me, mx->clock);
}

int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr) PUBLIC;
int pthread_mutex_init(pthread_mutex_t *m, const pthread_mutexattr_t *attr) {
  LOAD_REAL(pthread_mutex_init);
  int r = REAL(pthread_mutex_init)(m, attr);
  mutex *mx = hd__sched_active() ? mutex_of(m) : NULL;
  if (mx)
    memset(mx, 0, sizeof *mx); /* a new mutex at a reused address is free */
  return r;
}

int pthread_mutex_lock(pthread_mutex_t *m) PUBLIC;
int pthread_mutex_lock(pthread_mutex_t *m) {
  if (!hd__sched_active()) {
    LOAD_REAL(pthread_mutex_lock);
    return REAL(pthread_mutex_lock)(m);
  }
  return hd__mutex_lock(m, PC);
}

int hd__mutex_lock(pthread_mutex_t *m, const void *pc) {
  unsigned me = hd__sched_self();
  mutex *mx = mutex_of(m);
  if (!mx)
    return ENOMEM;
  mx->waiters |= bit(me);
  if (mx->owner)
    hd__sched_block(me);
  hd__sched_point((hd__op){(uintptr_t)m, HD__OP_LOCK}, pc);
  mx->waiters &= ~bit(me);
  acquired(mx, me, pc);
  hd__ext_lock_acquired(me, m, pc);
  return 0;
}

int pthread_mutex_trylock(pthread_mutex_t *m) PUBLIC;
int pthread_mutex_trylock(pthread_mutex_t *m) {
  if (!hd__sched_active()) {
    LOAD_REAL(pthread_mutex_trylock);
    return REAL(pthread_mutex_trylock)(m);
  }
  const void *pc = PC;
  mutex *mx = mutex_of(m);
  if (!mx)
    return ENOMEM;
  hd__sched_point((hd__op){(uintptr_t)m, HD__OP_TRYLOCK}, pc);
  if (mx->owner)
    return EBUSY;
  acquired(mx, hd__sched_self(), pc);
  hd__ext_lock_acquired(hd__sched_self(), m, pc);
  return 0;
}

int pthread_mutex_unlock(pthread_mutex_t *m) PUBLIC;
int pthread_mutex_unlock(pthread_mutex_t *m) {
  if (!hd__sched_active()) {
    LOAD_REAL(pthread_mutex_unlock);
    return REAL(pthread_mutex_unlock)(m);
  }
  return hd__mutex_unlock(m, PC);
}

int hd__mutex_unlock(pthread_mutex_t *m, const void *pc) {
  unsigned me = hd__sched_self();
  mutex *mx = mutex_of(m);
  if (!mx)
    return ENOMEM;
  hd__sched_point((hd__op){(uintptr_t)m, HD__OP_UNLOCK}, pc);
  if (mx->owner != (int)me + 1) {
    char msg[160], note[64];
    if (mx->owner)
      snprintf(msg, sizeof msg, "thread %u unlocks mutex %p, which thread %d holds", me, (void *)m,
               mx->owner - 1);
    else
      snprintf(msg, sizeof msg, "thread %u unlocks mutex %p, which nobody holds", me, (void *)m);
    snprintf(note, sizeof note, "locked here by thread %d", mx->owner - 1);
    hd__loc locs[2] = {{(uintptr_t)pc, "unlocked here"}, {mx->acquired_at, note}};
    hd__report(HD__REPORT_UNLOCK_WRONG_THREAD, msg, locs, mx->owner ? 2 : 1);
    return EPERM;
  }
  hd__race_release(me, mx->clock, false);
  mx->owner = 0;
  hd__ext_lock_released(me, m);
  for (unsigned w = 0; w < HD__MAX_THREADS; w++)
    if (mx->waiters & bit(w))
      hd__sched_unblock(w);
  return 0;
}

/* The wait-for graph: a blocked thread waits for the owner of the mutex it
 * locks, or for the thread it joins. Follow it from each blocked thread to
 * find a cycle; otherwise describe the first blocked thread. */
static int waits_for(unsigned t, uintptr_t *obj, const void **pc, bool *is_join) {
  hd__op op = hd__sched_pending(t, pc);
  *obj = op.obj;
  *is_join = op.kind == HD__OP_JOIN;
  if (op.kind == HD__OP_JOIN)
    return (int)(op.obj & 0xff);
  if (op.kind != HD__OP_LOCK)
    return -1;
  mutex *mx = mutex_of((pthread_mutex_t *)op.obj);
  return mx && mx->owner ? mx->owner - 1 : -1;
}

unsigned hd__pthread_explain(char *msg, size_t len, hd__loc *locs, unsigned max, bool cycles_only);
unsigned hd__pthread_explain(char *msg, size_t len, hd__loc *locs, unsigned max, bool cycles_only) {
  static char notes[HD_SHADOW_MAX_LOCS][64];
  for (unsigned start = 0; start < hd__sched_count(); start++) {
    unsigned seen = 0, t = start;
    uintptr_t obj;
    const void *pc;
    bool join, cycle = false;
    if (hd__sched_is_done(start))
      continue;
    for (;;) {
      if (seen & bit(t)) {
        cycle = true;
        break;
      }
      seen |= bit(t);
      int next = waits_for(t, &obj, &pc, &join);
      if (next < 0 || (unsigned)next >= hd__sched_count() || hd__sched_is_done((unsigned)next))
        break;
      t = (unsigned)next;
    }
    if (!cycle)
      continue;
    /* t is on a cycle: describe it from its lowest thread id. */
    unsigned lo = t, u = t;
    do {
      lo = u < lo ? u : lo;
      u = (unsigned)waits_for(u, &obj, &pc, &join);
    } while (u != t);
    size_t o = (size_t)snprintf(msg, len, "wait-for cycle:");
    unsigned n = 0;
    u = lo;
    do {
      int next = waits_for(u, &obj, &pc, &join);
      if (o < len) {
        if (join)
          o += (size_t)snprintf(msg + o, len - o, " thread %u joins thread %d;", u, next);
        else
          o += (size_t)snprintf(msg + o, len - o,
                                " thread %u waits for mutex %#lx held by thread %d;", u,
                                (unsigned long)obj, next);
      }
      if (n + 2 <= max) {
        snprintf(notes[n], sizeof notes[n], "thread %u blocks here", u);
        locs[n] = (hd__loc){(uintptr_t)pc, notes[n]};
        n++;
        if (!join) {
          mutex *mx = mutex_of((pthread_mutex_t *)obj);
          snprintf(notes[n], sizeof notes[n], "thread %d locked %#lx here", next,
                   (unsigned long)obj);
          locs[n] = (hd__loc){mx ? mx->acquired_at : 0, notes[n]};
          n++;
        }
      }
      u = (unsigned)next;
    } while (u != lo);
    if (o > 0 && o < len && msg[o - 1] == ';')
      msg[o - 1] = '\0';
    return n ? n : 1;
  }
  if (cycles_only)
    return 0;
  /* No cycle: a thread waits for a lock never released or a lost wake-up. */
  for (unsigned t = 0; t < hd__sched_count(); t++) {
    uintptr_t obj;
    const void *pc;
    bool join;
    if (hd__sched_is_done(t))
      continue;
    int next = waits_for(t, &obj, &pc, &join);
    if (next < 0 && !join && hd__sched_pending(t, NULL).kind != HD__OP_LOCK)
      continue;
    snprintf(
        msg, len, "thread %u blocked forever on %s %#lx%s", t, join ? "join of thread" : "mutex",
        join ? (unsigned long)(obj & 0xff) : (unsigned long)obj,
        next >= 0 && hd__sched_is_done((unsigned)next) ? " (its holder finished without unlocking)"
                                                       : "");
    snprintf(notes[0], sizeof notes[0], "thread %u blocks here", t);
    locs[0] = (hd__loc){(uintptr_t)pc, notes[0]};
    return max ? 1 : 0;
  }
  snprintf(msg, len, "every thread is blocked");
  return 0;
}
