/* feasibility/feasible.h - is a witness path possible? (pipeline stage 6)
 *
 * A check that found a bug along a path asks this stage whether the path
 * can run at all before it reports: the path's branch conditions, read with
 * C's integer semantics over the values the path assigns, must be
 * satisfiable together. The check replays its witness as a path: for each
 * CFG node in order, the node's effects (hd__fpath_steps) and, at a branch,
 * the condition with the edge taken (hd__fpath_cond); then
 * hd__fpath_check() answers:
 *   HD__FEASIBLE    report the finding;
 *   HD__INFEASIBLE  no run takes this path: drop this witness and try the
 *                   next one (the finding goes away when none is left);
 *   HD__FUNKNOWN    the solver gave up (rlimit) or could not encode the
 *                   path: report the finding, as if feasible.
 * A path is a plain growable array owned by the caller (reuse one per
 * thread with hd__fpath_clear); the steps it copies point into the arenas
 * of the functions' IR, which must outlive the check.
 *
 * Counting for `--stats`: hd__fsolver_check counts queries and verdicts;
 * the check calls hd__fsolver_note_finding once per finding it submitted;
 * the driver adds up the solvers' hd__fstats and prints them with
 * hd__fstats_print.
 */
#ifndef HEDDLE_ANALYZER_FEASIBILITY_FEASIBLE_H
#define HEDDLE_ANALYZER_FEASIBILITY_FEASIBLE_H

#include <stdio.h>

#include "feasibility/expr.h"
#include "feasibility/z3_solver.h"

typedef struct hd__fpath {
  hd__fstep *v;
  int n, cap;
  bool oom; /* a step was lost: the path answers HD__FUNKNOWN */
} hd__fpath;

void hd__fpath_init(hd__fpath *p);
void hd__fpath_free(hd__fpath *p);
/* Empties p, keeping its storage. */
void hd__fpath_clear(hd__fpath *p);
/* Appends the effects of one node (in the order they happen). */
void hd__fpath_steps(hd__fpath *p, const hd__fstep *steps, int n);
/* Appends a branch: `cond` held (taken) or not. A NULL cond (a condition
 * the converter did not see) adds nothing: the branch is unconstrained. */
void hd__fpath_cond(hd__fpath *p, const hd__fexpr *cond, bool taken);
hd__fverdict hd__fpath_check(hd__fsolver *s, const hd__fpath *p);

/* The `--stats` lines for st (two lines, each starting "feasibility:"). */
void hd__fstats_print(FILE *out, const hd__fstats *st);

#endif
