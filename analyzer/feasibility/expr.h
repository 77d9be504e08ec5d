/* feasibility/expr.h - C integer expressions and path steps for Z3.
 *
 * A small expression language with exactly C's integer semantics, built
 * from libclang cursors (feasibility/from_cursor.h) and encoded as
 * bit-vectors (feasibility/z3_solver.h). Every node has a type: a width in
 * bits and a signedness (_Bool is width 1, pointers are 64-bit unsigned
 * values), and the constructors apply C's integer promotions and usual
 * arithmetic conversions, inserting CAST nodes, so the operands of an
 * arithmetic or comparison node always have one common type:
 *   CONST    the low `width` bits of `value`;
 *   VAR      a canonical lvalue text (`f->state`, `flag`, `s.n`, `*p`,
 *            `a[3]`): one C object whose value is tracked along a path;
 *   UNKNOWN  anything else (call results, memory through pointers the
 *            converter cannot name, floating point): a fresh unconstrained
 *            value each time a path step evaluates it;
 *   unary    LNOT (!, int result), NEG (-), BNOT (~);
 *   binary   arithmetic and bitwise (+ - * / % << >> & | ^), comparisons
 *            (int result; signed or unsigned as the operand type says),
 *            LAND, LOR (int result);
 *   CAST     conversion to `type`: truncation, zero or sign extension as
 *            the source type says, or `!= 0` when converting to _Bool;
 *   ITE      `a ? b : c`.
 *
 * A path step says what one piece of a witness path does to the values:
 *   ASSIGN     lv (a VAR) takes the value `e` (already converted to lv's
 *              type); objects under lv (`lv.x`, `lv->y`, `*lv`) become
 *              unknown, since what they denote may have changed;
 *   HAVOC      lv and everything under it take unknown values (a call got
 *              `&lv`, or an assignment the converter cannot express);
 *   HAVOC_PTS  everything reached through pointer value lv (`lv->x`,
 *              `*lv`, `lv[k]`) becomes unknown, lv itself does not (a call
 *              got lv, a pointer to non-const);
 *   HAVOC_MEM  every VAR in memory (`mem` not LOCAL: globals, anything
 *              read through a pointer) becomes unknown: a write through a
 *              pointer the converter cannot name;
 *   HAVOC_SHARED  every VAR other tasks may change while this one is
 *              suspended (`mem` SHARED): the task awaited;
 *   COND       the branch condition `e` was found true (`taken`) or false.
 *
 * Ownership: an hd__farena owns every node, string and step list made in
 * it; nothing is freed before hd__farena_free. An arena is not thread-safe:
 * use one per function being built (or per parse worker). Nodes are
 * immutable once made, so any number of threads may read them.
 */
#ifndef HEDDLE_ANALYZER_FEASIBILITY_EXPR_H
#define HEDDLE_ANALYZER_FEASIBILITY_EXPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct hd__ftype {
  uint8_t width; /* 1 (_Bool) to 64 bits */
  bool is_signed;
} hd__ftype;

#define HD__FTYPE_INT ((hd__ftype){32, true})
#define HD__FTYPE_BOOL ((hd__ftype){1, false})

typedef enum hd__fop {
  HD__FOP_CONST,
  HD__FOP_VAR,
  HD__FOP_UNKNOWN,
  HD__FOP_LNOT,
  HD__FOP_NEG,
  HD__FOP_BNOT,
  HD__FOP_ADD,
  HD__FOP_SUB,
  HD__FOP_MUL,
  HD__FOP_DIV,
  HD__FOP_REM,
  HD__FOP_SHL,
  HD__FOP_SHR,
  HD__FOP_AND,
  HD__FOP_OR,
  HD__FOP_XOR,
  HD__FOP_EQ,
  HD__FOP_NE,
  HD__FOP_LT,
  HD__FOP_LE,
  HD__FOP_GT,
  HD__FOP_GE,
  HD__FOP_LAND,
  HD__FOP_LOR,
  HD__FOP_CAST,
  HD__FOP_ITE,
} hd__fop;

/* Where a VAR lives, for the havocs: a local (or parameter, or a member
 * of one); an object reached through one pointer, such as an async
 * frame's own field `f->x`; a global, or an object reached through two or
 * more pointers (`f->m->x`), which other tasks may share. */
typedef enum hd__fmem { HD__FMEM_LOCAL, HD__FMEM_OWNED, HD__FMEM_SHARED } hd__fmem;

typedef struct hd__fexpr {
  hd__fop op;
  hd__ftype type;            /* of the result */
  hd__fmem mem;              /* VAR: where it lives (see HAVOC_MEM, HAVOC_SHARED) */
  uint32_t id;               /* UNKNOWN: distinct per leaf within an arena */
  uint64_t value;            /* CONST: the bits, above `width` zero */
  const char *name;          /* VAR: canonical lvalue text, arena-owned */
  const struct hd__fexpr *a; /* operands: a (unary, CAST), a b (binary), */
  const struct hd__fexpr *b; /* a b c (ITE: a ? b : c) */
  const struct hd__fexpr *c;
} hd__fexpr;

typedef enum hd__fstep_kind {
  HD__FSTEP_ASSIGN,
  HD__FSTEP_HAVOC,
  HD__FSTEP_HAVOC_PTS,
  HD__FSTEP_HAVOC_MEM,
  HD__FSTEP_HAVOC_SHARED,
  HD__FSTEP_COND,
} hd__fstep_kind;

typedef struct hd__fstep {
  hd__fstep_kind kind;
  bool taken;          /* COND: the condition held */
  const hd__fexpr *lv; /* ASSIGN, HAVOC, HAVOC_PTS: a VAR node */
  const hd__fexpr *e;  /* ASSIGN: the new value; COND: the condition */
} hd__fstep;

/* A growable step list whose storage lives in an arena. */
typedef struct hd__fsteps {
  hd__fstep *v;
  int n, cap;
} hd__fsteps;

typedef struct hd__farena hd__farena;

hd__farena *hd__farena_new(void);
void hd__farena_free(hd__farena *ar);
/* An arena-owned copy of s, or NULL when out of memory. */
const char *hd__farena_strdup(hd__farena *ar, const char *s);

/* Constructors. Each returns an arena-owned node, or NULL when out of
 * memory or when an operand is NULL (so a chain of calls needs one check
 * at the end). */
const hd__fexpr *hd__fexpr_const(hd__farena *ar, hd__ftype t, uint64_t value);
const hd__fexpr *hd__fexpr_var(hd__farena *ar, const char *name, hd__ftype t, hd__fmem mem);
const hd__fexpr *hd__fexpr_unknown(hd__farena *ar, hd__ftype t);
/* C conversion of e to t; e itself when it already has type t. */
const hd__fexpr *hd__fexpr_cast(hd__farena *ar, const hd__fexpr *e, hd__ftype t);
/* LNOT, NEG or BNOT with C's promotions. */
const hd__fexpr *hd__fexpr_unary(hd__farena *ar, hd__fop op, const hd__fexpr *a);
/* An arithmetic, shift, comparison or logical operator (ADD ... LOR) with
 * C's usual arithmetic conversions; shifts convert b to a's promoted type. */
const hd__fexpr *hd__fexpr_binary(hd__farena *ar, hd__fop op, const hd__fexpr *a,
                                  const hd__fexpr *b);
/* c ? a : b, with a and b converted to their common type. */
const hd__fexpr *hd__fexpr_ite(hd__farena *ar, const hd__fexpr *c, const hd__fexpr *a,
                               const hd__fexpr *b);

/* C's integer promotion of t, and the common type of a binary operator. */
hd__ftype hd__ftype_promote(hd__ftype t);
hd__ftype hd__ftype_common(hd__ftype a, hd__ftype b);

/* Appends a step (0, or HD_ENOMEM). */
int hd__fsteps_push(hd__farena *ar, hd__fsteps *s, hd__fstep step);

/* e as C-like text into buf (always terminated, truncated to size): for
 * messages, tests and debugging. Returns the length it needed. */
size_t hd__fexpr_format(const hd__fexpr *e, char *buf, size_t size);

#endif
