/* feasibility/relevance.h - the part of a path prefix the rest of a search depends on.
 *
 * The witness search (feasibility/witness.h) extends feasible prefixes.
 * When it reaches state q again with a different prefix, the paths from q
 * only need exploring again if the difference can matter. What q's future
 * needs is computed backwards over the state graph: the variables its
 * conditions read, and what assignments to needed variables read. The
 * prefix then splits into the steps connected to those variables (sharing
 * a variable with them or with another connected step, or starting a new
 * version of one: havocs, assignments to a containing object) and the
 * rest. The rest shares no variable with anything the future constrains
 * and is satisfiable (the whole prefix is), so the feasibility of prefix +
 * suffix depends only on the connected steps, in their order. Two prefixes
 * with the same connected steps (the same step objects, in the same order)
 * therefore have the same feasible continuations from q: that sequence is
 * the key under which the search remembers a state whose continuations
 * were all refuted. (KLEE's constraint independence, used for merging.)
 */
#ifndef HEDDLE_ANALYZER_FEASIBILITY_RELEVANCE_H
#define HEDDLE_ANALYZER_FEASIBILITY_RELEVANCE_H

#include "feasibility/expr.h"
#include "feasibility/witness.h"

typedef struct hd__frelevance hd__frelevance;

/* Computes what the future of each state of g mentions. NULL when out of
 * memory. */
hd__frelevance *hd__frelevance_new(const hd__wgraph *g);
void hd__frelevance_free(hd__frelevance *r);
/* The steps of prefix[0..n) connected to state q's future, in order, in
 * *out (malloc'd; NULL when there are none) and their number in *nout.
 * Returns 0, or -1 when out of memory. */
int hd__frelevance_key(hd__frelevance *r, int q, const hd__fstep *prefix, int n, hd__fstep **out,
                       int *nout);

#endif
