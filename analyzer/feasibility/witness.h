/* feasibility/witness.h - searching a feasible witness for a lock-state finding.
 *
 * The lock exploration (summary/summary.h) finds that some path reaches a
 * node with a lock held; its witness (the parent chain of one state) may be
 * a path no run can take, e.g. `if (c) lock; ... if (c) unlock;` with the
 * first test true and the second false. This search looks for any path of
 * the exploration's state graph from the entry to the finding that Z3
 * accepts:
 *   - only states from which the finding is reachable are entered;
 *   - a path is abandoned as soon as its branch conditions contradict
 *     (each branch taken adds its condition and asks Z3 about the prefix),
 *     so correlated branches cut the search early;
 *   - a state is entered at most twice per path (loops: one more pass
 *     than the exploration needs), the search stops after a budget of
 *     queries.
 * The answer is INFEASIBLE only when the search was exhaustive: every
 * path was refuted and none was cut by the bounds, the budget or a Z3
 * UNKNOWN. Anything else keeps the finding.
 *
 * Counting: each refuted path or prefix counts as a dropped witness; each
 * call counts one finding, removed when the answer is INFEASIBLE (see
 * hd__fstats).
 */
#ifndef HEDDLE_ANALYZER_FEASIBILITY_WITNESS_H
#define HEDDLE_ANALYZER_FEASIBILITY_WITNESS_H

#include <stdint.h>

#include "feasibility/z3_solver.h"
#include "ir/ir.h"
#include "summary/summary.h"

/* Paths checked per finding before the search gives up (HD__FUNKNOWN). */
#define HD__WITNESS_BUDGET 512

/* Can a run reach `node` of fn with every lock of `held` (bits of
 * fn->locks) held? f is fn's exploration from hd__lockflow_run with the
 * same program and summaries. */
hd__fverdict hd__witness_search(hd__fsolver *s, hd__program *p, hd__function *fn,
                                const hd__summaries *sums, const hd__lflow *f, int node,
                                uint64_t held);

#endif
