/* feasibility/z3_solver.h - path steps as bit-vector formulas, decided by Z3.
 *
 * One hd__fsolver owns one long-lived Z3 context (reference-counted ASTs)
 * and one solver; each query pushes a scope, asserts the path, checks and
 * pops, so nothing accumulates between queries. Before Z3, a concrete
 * guess (feasibility/guess.h) settles most feasible paths (on the
 * lock-across-await corpus, 44 of the 55 paths that have conditions). A
 * solver and its context belong to one thread: create one per worker
 * thread (or use hd__fsolver_thread) and never share it.
 *
 * Encoding (C semantics, see docs/feasibility.md):
 *   - a value of type (w, signed) is a bit-vector of width w; _Bool is one
 *     bit; pointers are 64-bit unsigned values (only NULL tests and
 *     equalities are meaningful);
 *   - + - * and << wrap modulo 2^w for signed and unsigned types alike: we
 *     model signed overflow as -fwrapv does. Assuming it never happens
 *     could only prove more paths infeasible, i.e. silently drop findings
 *     on code that does overflow; wrapping keeps them;
 *   - / and % truncate toward zero (bvsdiv/bvsrem for signed); >> of a
 *     signed value is arithmetic (what gcc and clang do); division by zero
 *     and out-of-range shift amounts take Z3's fixed bit-vector results
 *     (C leaves them undefined);
 *   - a condition holds when its value is != 0; comparisons, !, && and ||
 *     yield 0 or 1 of type int;
 *   - variables are versioned along the path (SSA): an ASSIGN or a HAVOC at
 *     step k starts version k+1 of what it touches; version 0 is the value
 *     on entry, unconstrained; UNKNOWN leaves are fresh per step.
 *
 * Limits: every check runs under Z3's `rlimit` (a deterministic count of
 * solver work, unlike `timeout`), so the same query gives the same verdict
 * on any machine; running out of it gives HD__FUNKNOWN. Z3 errors (an
 * ill-sorted term, an unknown parameter) go to an installed error handler
 * instead of exiting the process, and make the query HD__FUNKNOWN.
 */
#ifndef HEDDLE_ANALYZER_FEASIBILITY_Z3_SOLVER_H
#define HEDDLE_ANALYZER_FEASIBILITY_Z3_SOLVER_H

#include "feasibility/expr.h"

typedef enum hd__fverdict {
  HD__FEASIBLE,   /* some input takes the path (or the path has no condition) */
  HD__INFEASIBLE, /* no input takes the path */
  HD__FUNKNOWN,   /* rlimit reached or Z3 error: treat as feasible */
} hd__fverdict;

/* Counters, per solver; add them up over threads with hd__fstats_add. */
typedef struct hd__fstats {
  unsigned long queries;  /* checks that reached Z3 */
  unsigned long trivial;  /* paths without a condition: feasible, no Z3 */
  unsigned long guessed;  /* feasible by a concrete guess, no Z3 */
  unsigned long feasible; /* verdicts of all paths, trivial and guessed too */
  unsigned long infeasible;
  unsigned long unknown;           /* rlimit reached or error */
  unsigned long errors;            /* of those, Z3 errors */
  unsigned long findings;          /* findings checked (hd__fsolver_note_finding) */
  unsigned long findings_removed;  /* of those, every witness infeasible */
  unsigned long witnesses_dropped; /* infeasible witnesses skipped */
  double seconds;                  /* time spent in encoding and Z3 */
} hd__fstats;

typedef struct hd__fsolver hd__fsolver;

/* The default resource limit per query, in Z3's rlimit units: the
 * corpus's queries stay far below it; a pathological one (factoring a
 * 62-bit product) gives up after some 40 to 80 ms on this machine class. */
#define HD__FSOLVER_RLIMIT 100000u

/* A solver with resource limit `rlimit` per query (0 = HD__FSOLVER_RLIMIT),
 * or NULL when Z3 cannot start. */
hd__fsolver *hd__fsolver_new(unsigned rlimit);
void hd__fsolver_free(hd__fsolver *s);

/* Whether hd__fsolver_check tries the concrete guess before Z3 (on by
 * default; off to exercise or measure the encoding alone). */
void hd__fsolver_use_guess(hd__fsolver *s, bool on);

/* Decides whether steps[0..n), in order, can all happen in one run. */
hd__fverdict hd__fsolver_check(hd__fsolver *s, const hd__fstep *steps, int n);

/* Records that a finding was checked and whether all its witnesses were
 * infeasible (the finding is then not reported). */
void hd__fsolver_note_finding(hd__fsolver *s, bool removed, unsigned long witnesses_dropped);
/* Records a further search for a finding already counted (and not
 * removed) by hd__fsolver_note_finding: its infeasible witnesses, and
 * whether the finding is removed after all. A check that decides one
 * finding by several searches so counts it once. */
void hd__fsolver_note_again(hd__fsolver *s, bool removed, unsigned long witnesses_dropped);

const hd__fstats *hd__fsolver_stats(const hd__fsolver *s);
void hd__fstats_add(hd__fstats *into, const hd__fstats *from);

/* The calling thread's solver, made on first use with the default rlimit
 * and freed when the thread exits; NULL when Z3 cannot start (callers then
 * keep their findings). This is how checks get a solver without one being
 * threaded through every interface. */
hd__fsolver *hd__fsolver_thread(void);
/* The sum of the statistics of every thread's solver so far, those of
 * exited threads included. Call it when the checks are done: a running
 * thread's counters are read without synchronisation. */
void hd__fstats_total(hd__fstats *out);

#endif
