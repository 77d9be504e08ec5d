/* feasibility/witness.h - searching a feasible witness for a finding.
 *
 * A path-sensitive check explores abstract states over a function's CFG
 * (lock sets, a local's written/stale state, ...) and finds a target state
 * reachable from the entry; its witness (one parent chain) may be a path
 * no run can take, e.g. `if (c) lock; ... if (c) unlock;` with the first
 * test true and the second false. hd__witness_find looks for ANY path of
 * the check's state graph from the entry state to a target that Z3
 * accepts:
 *   - only states from which a target is reachable are entered;
 *   - a path is abandoned as soon as its branch conditions contradict
 *     (each branch taken adds its condition and asks about the prefix), so
 *     correlated branches cut the search early;
 *   - a state is entered at most twice per path (loops get one more pass
 *     than the exploration needs), a path is at most 4096 states long; at
 *     most HD__WITNESS_BUDGET paths and prefixes are decided per search.
 * The answer is INFEASIBLE only when the search was exhaustive: every path
 * was refuted and none was cut by the bounds, the budget or a Z3 UNKNOWN.
 * Anything else keeps the finding; FEASIBLE comes with the path found, so
 * the finding can be reported on a witness that can run.
 *
 * The path of a state graph is replayed on the IR: for each state, the
 * value effects of its node (hd__node.fx), then, when the node is a BRANCH
 * with a condition, the condition with the edge taken (hd__node.cond,
 * succ[0] is the true edge). An AWAIT node first havocs what other tasks
 * may change while this one is suspended (HAVOC_SHARED: globals and
 * objects two or more pointers away; the frame's own fields and locals
 * keep their values).
 *
 * Counting: each refuted path or prefix counts as a dropped witness; each
 * search counts one finding, removed when the answer is INFEASIBLE (see
 * hd__fstats), except hd__witness_find_again, a further search for a
 * finding already counted.
 */
#ifndef HEDDLE_ANALYZER_FEASIBILITY_WITNESS_H
#define HEDDLE_ANALYZER_FEASIBILITY_WITNESS_H

#include <stdint.h>

#include "feasibility/z3_solver.h"
#include "ir/ir.h"
#include "summary/summary.h"

/* Paths and prefixes decided per search before it gives up (FUNKNOWN). */
#define HD__WITNESS_BUDGET 512

/* A check's state graph over fn: state q is at CFG node node[q]; its edges
 * go to to[start[q] .. start[q + 1]), pos[e] being the successor's index
 * in the node's succ; target[q] marks the finding's states. State 0 is
 * the entry. Owned by the caller. */
typedef struct hd__wgraph {
  const hd__function *fn;
  int n;
  const int *node;
  const int *start, *to, *pos;
  const bool *target;
} hd__wgraph;

/* Searches g (see above). On HD__FEASIBLE and when path is not NULL,
 * *path (malloc'd, the caller frees it) holds the states of the witness
 * from the entry to the target and *npath their number. */
hd__fverdict hd__witness_find(hd__fsolver *s, const hd__wgraph *g, int **path, int *npath);

/* hd__witness_find for a finding an earlier search already counted and
 * did not refute (hd__witness_search answered UNKNOWN): counts the paths
 * and prefixes it refutes, but no finding. When the further searches
 * refute the finding, the caller counts it removed with
 * hd__fsolver_note_again(s, true, 0). */
hd__fverdict hd__witness_find_again(hd__fsolver *s, const hd__wgraph *g, int **path, int *npath);

/* For lock-across-await: can a run reach `node` of fn with every lock of
 * `held` (bits of fn->locks) held? f is fn's exploration from
 * hd__lockflow_run with the same program and summaries; its states and
 * the edges it followed are the graph searched. On HD__FEASIBLE and when
 * path is not NULL, *path (malloc'd, the caller frees it) holds the
 * witness as indices into f->v, from the entry state to a state at `node`
 * holding `held`, and *npath their number. */
hd__fverdict hd__witness_search(hd__fsolver *s, hd__program *p, hd__function *fn,
                                const hd__summaries *sums, const hd__lflow *f, int node,
                                uint64_t held, int **path, int *npath);

#endif
