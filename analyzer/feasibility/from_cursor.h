/* feasibility/from_cursor.h - libclang 19 expressions -> feasibility IR.
 *
 * Turns the value of a C expression into an hd__fexpr and its side effects
 * into path steps, in C's evaluation order, so the IR builder can put the
 * effects of each statement on its CFG node and the condition on each
 * BRANCH node. Everything made lives in the caller's arena, so the result
 * outlives the translation unit.
 *
 * What it understands: integer and character literals, enum constants,
 * sizeof/_Alignof and other constant expressions (clang_Cursor_Evaluate),
 * variables and parameters, `.` and `->` members, `*p`, subscripts with a
 * constant index, unary and binary operators (C types from clang: widths
 * from clang_Type_getSizeOf, signedness from the canonical type kind,
 * implicit conversions from the implicit-cast nodes), explicit casts, `?:`,
 * comma, assignments, compound assignments and ++/--, and
 * __builtin_expect(v, k) as v (likely/unlikely macros).
 *
 * Canonical lvalue text: `f->state` for both `f->state` and `(*f).state`,
 * `s.n`, `*p` for both `*p` and `p[0]`, `a[3]`; parentheses and casts of
 * the value vanish. Two spellings of one object give one text, which is
 * how a condition tested twice is recognised as the same value.
 *
 * Effects, in evaluation order:
 *   x = e, x op= e, ++x, x++   ASSIGN x (HAVOC when the assignment runs
 *                              only on some paths through the expression:
 *                              right of && or ||, an arm of ?:);
 *   a write to an lvalue it cannot name (`a[i] = 0`, `*f() = 1`): HAVOC of
 *                              the named base (`a`), else HAVOC_MEM;
 *   a call: HAVOC x for each `&x` argument and each array argument x,
 *                              HAVOC_PTS p for each pointer argument p,
 *                              HAVOC_MEM for a pointer argument it cannot
 *                              name; arguments pointing to const are
 *                              skipped (the callee cannot write through
 *                              them). Calls do not havoc globals: see the
 *                              known limits in docs/feasibility.md.
 * Anything else (calls' results, floating point, memory it cannot name)
 * becomes an UNKNOWN leaf; a GNU statement expression is a leaf too (the IR
 * builder visits its statements itself).
 */
#ifndef HEDDLE_ANALYZER_FEASIBILITY_FROM_CURSOR_H
#define HEDDLE_ANALYZER_FEASIBILITY_FROM_CURSOR_H

#include <clang-c/Index.h>

#include "feasibility/expr.h"

/* The value of expression e (int-typed UNKNOWN when it is not a scalar),
 * with e's side effects appended to fx (NULL: not wanted). Returns NULL
 * only when out of memory. */
const hd__fexpr *hd__fexpr_from_cursor(hd__farena *ar, CXCursor e, hd__fsteps *fx);

/* The effects of executing declaration `var` (a VarDecl cursor): its
 * initializer's effects then ASSIGN var (HAVOC for aggregates and for no
 * initializer); nothing for static and extern locals, which are not
 * initialised on the path. Returns 0 or HD_ENOMEM. */
int hd__fsteps_from_decl(hd__farena *ar, CXCursor var, hd__fsteps *fx);

/* The condition under which a `switch` on `value` enters case statement
 * cs (a CaseStmt cursor): `value == K`, or `lo <= value && value <= hi`
 * for a GNU case range; NULL when a bound is not an integer constant. */
const hd__fexpr *hd__fcase_cond(hd__farena *ar, const hd__fexpr *value, CXCursor cs);

/* The canonical lvalue text of e (see above) in buf, or false when e is not
 * an lvalue it can name or buf is too small. *mem says where the object
 * lives: LOCAL, OWNED (one pointer away), SHARED (a global, or two or more
 * pointers away). */
bool hd__flvalue_text(CXCursor e, char *buf, size_t size, hd__fmem *mem);

#endif
