/* feasibility/guess.h - a concrete run that takes the path, without Z3.
 *
 * Most witness paths a check asks about are feasible for some obvious
 * input: every free value 0, or 1, or all ones. Before a query reaches Z3,
 * the path is executed on those guesses with exactly the semantics of the
 * bit-vector encoding (feasibility/z3_solver.h); when one guess satisfies
 * every condition the path is feasible, and Z3 is not asked. The guess
 * only ever answers "feasible": a failed guess proves nothing, and an
 * operation whose C meaning is undefined (division by zero, a shift by the
 * width or more, INT_MIN / -1) makes the guess give up rather than pick a
 * result. */
#ifndef HEDDLE_ANALYZER_FEASIBILITY_GUESS_H
#define HEDDLE_ANALYZER_FEASIBILITY_GUESS_H

#include <stdbool.h>

#include "feasibility/expr.h"

/* True when one of the guesses runs steps[0..n) to the end. */
bool hd__fguess_feasible(const hd__fstep *steps, int n);

#endif
