/* sched/sched.h - what the modelled primitives may ask of the scheduler.
 *
 * The scheduler owns the simulated threads (fibers), decides who runs at
 * every visible operation and records the path of choices. Modelled
 * primitives (model/) never pick who runs; they only:
 *   - branch here:   hd__sched_point(op, pc) before each visible operation;
 *                    it returns when the scheduler lets this thread do it;
 *   - block on:      hd__sched_block(tid): tid's pending operation cannot
 *                    happen now (a held lock, an unfinished join);
 *   - make runnable: hd__sched_unblock(tid);
 * plus thread creation/exit and the detectors' report hook.
 *
 * Thread states (field `state` in sched.c, only sched.c touches them):
 *   STARTING  created and running eagerly up to its first visible operation
 *             (that code is invisible to others, so no choice is needed);
 *   READY     stopped before its pending visible operation;
 *   RUNNING   the one fiber running;
 *   DONE      its function returned.
 * A READY thread is enabled unless blocked. An execution ends when no
 * thread is enabled: all DONE (normal end) or some blocked (deadlock).
 *
 * The model is called back through the hd__model_* functions below, which
 * model/ implements; they too never choose who runs.
 */
#ifndef HEDDLE_SHADOW_SCHED_H
#define HEDDLE_SHADOW_SCHED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HD__MAX_THREADS 32
typedef uint32_t hd__tset; /* a set of thread ids */

typedef enum hd__op_kind {
#define HD__OP(name, cls, text) HD__OP_##name,
#include "ops.def"
#undef HD__OP
  HD__OP_COUNT
} hd__op_kind;

/* A visible operation: its kind and the object it acts on (an address, or
 * hd__thread_obj(tid) for joins). */
typedef struct hd__op {
  uintptr_t obj;
  uint8_t kind;
} hd__op;

static inline uintptr_t hd__thread_obj(unsigned tid) {
  return ((uintptr_t)1 << 63) | tid;
}

typedef enum hd__report_kind {
#define HD__REPORT(name, id) HD__REPORT_##name,
#include "report_kinds.def"
#undef HD__REPORT
  HD__REPORT_COUNT
} hd__report_kind;

/* True while an execution runs on this OS thread (the hooks below may only
 * be called then; outside, interposed functions forward to libc). */
bool hd__sched_active(void);
/* The running simulated thread. */
unsigned hd__sched_self(void);

/* Branch here: the running thread is about to do `op` (at code address pc).
 * Returns once the scheduler has chosen this thread to do it. */
void hd__sched_point(hd__op op, const void *pc);
/* Block on / make runnable: whether tid's pending operation can happen. */
void hd__sched_block(unsigned tid);
void hd__sched_unblock(unsigned tid);

/* Creates a simulated thread running fn(arg); it runs at once up to its
 * first visible operation, then the caller goes on. 0 or HD_ENOMEM (too
 * many threads or no stack). */
int hd__sched_spawn(void *(*fn)(void *), void *arg, unsigned *tid);
/* Ends the running thread with `ret` (as if fn returned it). */
_Noreturn void hd__sched_exit(void *ret);
bool hd__sched_is_done(unsigned tid);
/* Threads created in this execution (ids 0 .. count-1). */
unsigned hd__sched_count(void);
void *hd__sched_result(unsigned tid);
/* The operation tid waits to do (meaningful while it is READY). */
hd__op hd__sched_pending(unsigned tid, const void **pc);

/* Shadow call stack (from __tsan_func_entry/exit), for report locations. */
void hd__sched_func_entry(const void *caller_pc);
void hd__sched_func_exit(void);

/* A detector found something. locs[0] is the primary location; the current
 * thread's call stack is appended. The schedule so far is attached. */
typedef struct hd__loc {
  uintptr_t pc;
  const char *note;
} hd__loc;
void hd__report(hd__report_kind kind, const char *message, const hd__loc *locs, unsigned nlocs);

/* ---- implemented by model/, called by the scheduler ------------------- */

/* A new execution starts: forget every modelled object. */
void hd__model_reset(void);
/* child was created by parent (parent == child for the first thread). */
void hd__model_thread_start(unsigned parent, unsigned child);
/* tid's function returned: wake its joiner. */
void hd__model_thread_exit(unsigned tid);
/* No thread is enabled but some are blocked. Before calling it a deadlock
 * the scheduler asks the model whether time can pass: the model may make
 * threads runnable (the virtual clock fires due timers) and returns true if
 * it did; the scheduler then chooses again. */
bool hd__model_quiescent(void);
/* No thread is enabled but some are blocked: describe why (the wait-for
 * cycle, the future nothing will wake) into msg and locs (*nlocs of them)
 * and return the report kind, or HD__REPORT_COUNT when the blocked threads
 * are idle by design (executor workers waiting for work) and the execution
 * simply ends. */
hd__report_kind hd__model_explain_deadlock(char *msg, size_t len, hd__loc *locs, unsigned max,
                                           unsigned *nlocs);

#endif
