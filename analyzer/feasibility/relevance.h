/* feasibility/relevance.h - the part of a path prefix the rest of a search depends on.
 *
 * The witness search (feasibility/witness.h) extends feasible prefixes.
 * When it reaches state q again with a different prefix, the paths from q
 * only need exploring again if the difference can matter. Split the prefix
 * into the steps connected to what q's future mentions (the variables in
 * the conditions and effects of every node reachable from q, closed over
 * the prefix steps that share a variable with them, plus the havocs that
 * touch one) and the rest. The rest shares no variable with anything
 * else and is satisfiable (the whole prefix is), so the feasibility of
 * prefix + suffix depends only on the connected steps, in their order.
 * Two prefixes with the same connected steps (the same step objects, in
 * the same order) therefore have the same feasible continuations from q:
 * that sequence is the key under which the search remembers a state whose
 * continuations were all refuted. (KLEE's constraint independence, used
 * for merging instead of slicing.)
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
