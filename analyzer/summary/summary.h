/* summary/summary.h - per-function summaries over the whole program, and
 * the lock-state exploration they and the lock checks share.
 *
 * A summary says what calling a function does to its caller:
 *   may_await  it (or a callee, transitively) may suspend the task; for a
 *              stackful runtime this is what makes a function `suspending`;
 *   acquires   locks it may return holding (parameter-rooted ids, "$N");
 *   releases   locks it may release that it did not take itself;
 *   blocks     it may call a pack `blocking` function (sleep, read(2),
 *              pthread_join...), itself or through callees that do not
 *              await (those are async code of their own), on a path that
 *              may run as async code (see hd__runtime_reach);
 *   blocks_on  the same for the pack's `block_on` (hd_block_on).
 * Summaries are computed bottom-up over the call graph of every TU
 * together: its strongly connected components (Tarjan) in callees-first
 * order, each component iterated to a fixed point (recursion converges:
 * the sets only grow and are bounded by the locks named in the program).
 *
 * Lock-state exploration (hd__lockflow_run): a breadth-first walk of
 * (node, held locks, released locks) states from the entry, so the state is
 * exact per path prefix up to those sets (a try-lock's success branch, a
 * lock taken in one branch only, loops); each state keeps its parent, which
 * is the witness path back to the entry. Bit i of a set is fn->locks[i];
 * callee effects add their locks to fn->locks (at most 64 per function;
 * further locks are ignored).
 */
#ifndef HEDDLE_ANALYZER_SUMMARY_H
#define HEDDLE_ANALYZER_SUMMARY_H

#include <stdbool.h>
#include <stdint.h>

#include "ir/ir.h"

typedef struct hd__effect {
  const char *id;
  const hd__lock_family *family;
  hd__lock_mode mode;
  hd__loc loc; /* where the lock is taken inside the callee */
} hd__effect;

/* A call that blocks the thread (or runs an executor), reached from the
 * function's entry. */
typedef struct hd__reach {
  bool yes;
  hd__loc loc;     /* the first such call in the function */
  const char *via; /* the callee's key there */
  bool direct;     /* via is the blocking (block_on) function itself */
} hd__reach;

typedef struct hd__summary {
  bool noreturn; /* no path returns (exit, abort, an endless loop): a call
                    to it ends the caller's path, as a noreturn declaration
                    would */
  bool may_await;
  hd__loc await_loc; /* the first await reached, for notes */
  hd__effect *acquires;
  int nacquires;
  const char **releases;
  int nreleases;
  hd__reach blocks, blocks_on;
} hd__summary;

typedef struct hd__summaries hd__summaries;

/* Computes every function's summary. Returns NULL when out of memory. */
hd__summaries *hd__summaries_compute(hd__program *p);
void hd__summaries_free(hd__summaries *s);
/* The nodes of fn that may run as async code: reachable from the entry
 * without passing an off_runtime node (ir/ir.h). A calloc'd array of
 * fn->nnodes flags, or NULL when out of memory. */
bool *hd__runtime_reach(const hd__function *fn);
/* The summary of the function defined with `key`, or NULL. */
const hd__summary *hd__summary_of(const hd__summaries *s, const char *key);
/* What node n runs to completion: a CALL's callee, an AWAIT's child poll
 * function (found by name in another TU if need be), or NULL. */
const hd__summary *hd__summary_of_node(const hd__summaries *s, const hd__node *n);

typedef struct hd__lstate {
  int node;
  uint64_t held, released; /* on entry to node */
  int parent;              /* index of the previous state, -1 at entry */
} hd__lstate;

typedef struct hd__lflow {
  hd__lstate *v;
  int n, cap;
  bool truncated; /* the state limit was reached */
} hd__lflow;

/* Explores fn (see above) applying callee summaries from s (may be NULL:
 * calls then do nothing). Returns 0 or HD_ENOMEM; free out with
 * hd__lflow_free. Locks of async families never enter a state. */
int hd__lockflow_run(hd__program *p, hd__function *fn, const hd__summaries *s, hd__lflow *out);
void hd__lflow_free(hd__lflow *f);
/* The state after node st->node's effect. */
void hd__lockflow_step(hd__program *p, hd__function *fn, const hd__summaries *s,
                       const hd__lstate *st, uint64_t *held, uint64_t *released);
/* The lock index a callee effect maps to at call node n, or -1. */
int hd__lockflow_callee_lock(hd__program *p, hd__function *fn, const hd__node *n, const char *id,
                             const hd__lock_family *family);

#endif
