/* Detectors that need the executor's and pthread's view:
 *
 *  lock-held-at-suspend: model/pthread.c tells us which mutexes each
 *    simulated thread holds (and where it locked them); model/executor.c
 *    brackets every poll of a task or block_on root. A poll that returns
 *    HD_PENDING while the polling thread holds a pthread mutex it did not
 *    hold when the poll began (or any, for a block_on root) is reported:
 *    the mutex, where it was locked and the await at which the future chain
 *    is suspended. The task may resume on another worker (which then
 *    unlocks a mutex it does not own) or a second task may block the
 *    worker on it (a deadlock, reported separately if it happens).
 *  non-send-access: hd_rc (runtime/rc.c compiled in with its hd_rc_*
 *    functions renamed hd__real_rc_*) is wrapped: the simulated thread that
 *    created an rc owns it; a clone, drop or get from another thread is
 *    reported with both places.
 *  task-leak: model/executor.c hands us every task that is unfinished and
 *    was not aborted when its runtime is freed, or when the test body
 *    returns with the runtime never freed: nothing can complete it any
 *    more. Reported with the await it is suspended at.
 *
 * State is per execution (reset by hd__ext_reset); the rc owners live in
 * objmap under their own type.
 */
#include <stdio.h>
#include <string.h>

#include "ext.h"
#include "heddle/rc.h"
#include "objmap.h"

#define MAX_HELD 8
#define MAX_POLL_DEPTH 4

static struct {
  struct {
    const void *m;
    uintptr_t pc;
  } held[HD__MAX_THREADS][MAX_HELD];
  unsigned nheld[HD__MAX_THREADS];
  /* nested polls (a block_on inside a poll is a bug of its own) */
  hd_future *polling[HD__MAX_THREADS][MAX_POLL_DEPTH];
  unsigned held_at_begin[HD__MAX_THREADS][MAX_POLL_DEPTH];
  unsigned depth[HD__MAX_THREADS];
} dt;

void hd__cancel_reset(void);

void hd__detect_reset(void) {
  memset(dt.nheld, 0, sizeof dt.nheld);
  memset(dt.depth, 0, sizeof dt.depth);
  hd__cancel_reset();
}

void hd__ext_lock_acquired(unsigned tid, const void *m, const void *pc) {
  if (dt.nheld[tid] < MAX_HELD) {
    dt.held[tid][dt.nheld[tid]].m = m;
    dt.held[tid][dt.nheld[tid]].pc = (uintptr_t)pc;
  }
  dt.nheld[tid]++;
}

void hd__ext_lock_released(unsigned tid, const void *m) {
  unsigned n = dt.nheld[tid] < MAX_HELD ? dt.nheld[tid] : MAX_HELD;
  for (unsigned i = n; i-- > 0;)
    if (dt.held[tid][i].m == m) {
      memmove(&dt.held[tid][i], &dt.held[tid][i + 1], (n - i - 1) * sizeof dt.held[tid][0]);
      dt.nheld[tid]--;
      return;
    }
}

hd_future *hd__ext_polling(void) {
  if (!hd__sched_active())
    return NULL;
  unsigned me = hd__sched_self(), d = dt.depth[me];
  return d && d <= MAX_POLL_DEPTH ? dt.polling[me][d - 1] : NULL;
}

void hd__ext_poll_begin(hd_future *root) {
  unsigned me = hd__sched_self(), d = dt.depth[me]++;
  if (d < MAX_POLL_DEPTH) {
    dt.polling[me][d] = root;
    dt.held_at_begin[me][d] = dt.nheld[me];
  }
}

/* Where a future chain is suspended: the deepest frame stopped at an
 * HD_AWAIT and what it awaits there. */
static const hd_future *suspended_at(const hd_future *f, char *buf, size_t len) {
  const hd_future *at = NULL;
  for (unsigned guard = 0; f && guard < 64; f = f->child, guard++)
    if (f->file)
      at = f;
  if (!at)
    snprintf(buf, len, "not at an HD_AWAIT");
  else
    snprintf(buf, len, "%s awaits %s at %s:%d", at->vtable ? at->vtable->name : "?",
             at->child && at->child->vtable ? at->child->vtable->name : "?",
             hd__ext_short_path(at->file), at->line);
  return at;
}

void hd__ext_poll_end(hd_future *root, hd_poll r) {
  unsigned me = hd__sched_self(), d = dt.depth[me] ? --dt.depth[me] : 0;
  unsigned before = d < MAX_POLL_DEPTH ? dt.held_at_begin[me][d] : 0;
  if (r != HD_PENDING || dt.nheld[me] <= before || dt.nheld[me] > MAX_HELD)
    return;
  /* The most recently locked mutex the poll took and kept. */
  unsigned i = dt.nheld[me] - 1;
  char where[160], msg[256], sym[48];
  suspended_at(root, where, sizeof where);
  snprintf(sym, sizeof sym, "%p", dt.held[me][i].m);
  if (snprintf(msg, sizeof msg,
               "%s returned pending while thread %u holds pthread mutex %s, held across the "
               "await (%s)",
               root->vtable ? root->vtable->name : "?", me, sym, where) < 0)
    return;
  hd__loc locs[2] = {{dt.held[me][i].pc, "locked here"},
                     {root->vtable ? (uintptr_t)root->vtable->poll + 1 : 0, "in the task polled"}};
  hd__report(HD__REPORT_LOCK_HELD_AT_SUSPEND, msg, locs, 2);
}

void hd__ext_task_leak(hd_future *task_root, bool queued, const char *when) {
  if (!hd__sched_active())
    return;
  char where[160], msg[256];
  suspended_at(task_root, where, sizeof where);
  if (snprintf(msg, sizeof msg, "task %s never completed: %s (%s) %s; nobody joined or aborted it",
               task_root->vtable ? task_root->vtable->name : "?",
               queued ? "woken, not yet polled" : "pending", where, when) < 0)
    return;
  hd__loc loc = {task_root->vtable ? (uintptr_t)task_root->vtable->poll + 1 : 0, "the leaked task"};
  hd__report(HD__REPORT_TASK_LEAK, msg, &loc, 1);
}

/* ---- hd_rc: not Send ---- */

typedef struct rc_owner {
  int owner; /* simulated thread + 1; 0: unknown (created outside an execution) */
  uintptr_t created_at;
} rc_owner;

hd_rc *hd__real_rc_new(size_t size, void (*destroy)(void *payload));
hd_rc *hd__real_rc_clone(hd_rc *r);
void hd__real_rc_drop(hd_rc *r);
void *hd__real_rc_get(hd_rc *r);

static void rc_touch(hd_rc *r, const char *what, const void *pc) {
  if (!r || !hd__sched_active())
    return;
  rc_owner *o = hd__obj_get((uintptr_t)r, HD__OBJ_RC, sizeof *o);
  unsigned me = hd__sched_self();
  if (!o || !o->owner || o->owner == (int)me + 1)
    return;
  char msg[256], note[64];
  if (snprintf(msg, sizeof msg,
               "hd_rc %p (not Send: a plain count) is %s by thread %u; it belongs to thread %d, "
               "which created it",
               (void *)r, what, me, o->owner - 1) < 0)
    return;
  snprintf(note, sizeof note, "created here by thread %d", o->owner - 1);
  hd__loc locs[2] = {{(uintptr_t)pc, "touched here"}, {o->created_at, note}};
  hd__report(HD__REPORT_NON_SEND_ACCESS, msg, locs, 2);
}

hd_rc *hd_rc_new(size_t size, void (*destroy)(void *payload)) {
  hd_rc *r = hd__real_rc_new(size, destroy);
  if (r && hd__sched_active()) {
    rc_owner *o = hd__obj_get((uintptr_t)r, HD__OBJ_RC, sizeof *o);
    if (o) {
      o->owner = (int)hd__sched_self() + 1;
      o->created_at = (uintptr_t)__builtin_return_address(0);
    }
  }
  return r;
}

hd_rc *hd_rc_clone(hd_rc *r) {
  rc_touch(r, "cloned", __builtin_return_address(0));
  return hd__real_rc_clone(r);
}

void hd_rc_drop(hd_rc *r) {
  rc_touch(r, "dropped", __builtin_return_address(0));
  hd__real_rc_drop(r);
}

void *hd_rc_get(hd_rc *r) {
  rc_touch(r, "read (hd_rc_get)", __builtin_return_address(0));
  return hd__real_rc_get(r);
}
