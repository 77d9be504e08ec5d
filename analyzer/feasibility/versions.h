/* feasibility/versions.h - which value of a variable a path step reads.
 *
 * Variables are versioned along a path (SSA): an ASSIGN or a havoc at step
 * k starts version k+1 of every object it touches; version 0 is the value
 * on entry. What a step touches follows the canonical lvalue texts:
 *   ASSIGN lv, HAVOC lv  lv itself and everything under or behind it
 *                        (`lv.x`, `lv->y`, `lv[2]`, `*lv`, `(*lv).x`);
 *   HAVOC_PTS p          what p points to (`p->x`, `p[2]`, `*p`), not p;
 *   HAVOC_MEM            every variable in memory (`mem` not LOCAL);
 *   HAVOC_SHARED         every variable other tasks may share (`mem` SHARED).
 * Shared by the Z3 encoding and the concrete guess, which must agree. */
#ifndef HEDDLE_ANALYZER_FEASIBILITY_VERSIONS_H
#define HEDDLE_ANALYZER_FEASIBILITY_VERSIONS_H

#include "feasibility/expr.h"

/* Does step st start a new version of VAR node var? */
bool hd__fstep_touches(const hd__fstep *st, const hd__fexpr *var);
/* The version of VAR node var that step `at` reads. */
int hd__fversion(const hd__fstep *steps, const hd__fexpr *var, int at);
/* The ASSIGN step that made version `ver` of var (same text, same type),
 * or NULL when that version is unconstrained (entry, havoc, a write of a
 * containing object, a different type). */
const hd__fstep *hd__fversion_def(const hd__fstep *steps, const hd__fexpr *var, int ver);

#endif
