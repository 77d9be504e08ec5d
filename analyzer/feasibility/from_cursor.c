/* feasibility/from_cursor.c - libclang expressions -> hd__fexpr (see from_cursor.h). */
#include "feasibility/from_cursor.h"

#include <stdio.h>
#include <string.h>

#include "heddle/error.h"

typedef struct kids {
  CXCursor v[4];
  int n; /* may exceed 4: only the first four are kept */
} kids;

static enum CXChildVisitResult collect(CXCursor c, CXCursor parent, CXClientData d) {
  (void)parent;
  kids *k = d;
  if (k->n < 4)
    k->v[k->n] = c;
  k->n++;
  return CXChildVisit_Continue;
}

static kids children(CXCursor c) {
  kids k = {.n = 0};
  clang_visitChildren(c, collect, &k);
  return k;
}

static CXCursor last_expr(CXCursor e) {
  kids k = children(e);
  for (int i = (k.n < 4 ? k.n : 4) - 1; i >= 0; i--)
    if (clang_isExpression(clang_getCursorKind(k.v[i])))
      return k.v[i];
  return clang_getNullCursor();
}

/* Parentheses and implicit casts (unexposed single-child nodes). */
static CXCursor strip(CXCursor e) {
  for (;;) {
    enum CXCursorKind k = clang_getCursorKind(e);
    if (k != CXCursor_ParenExpr && k != CXCursor_UnexposedExpr)
      return e;
    kids ch = children(e);
    if (ch.n != 1 || !clang_isExpression(clang_getCursorKind(ch.v[0])))
      return e;
    e = ch.v[0];
  }
}

/* ---- types ------------------------------------------------------------- */

static bool scalar_type(CXType t, hd__ftype *out) {
  t = clang_getCanonicalType(t);
  if (t.kind == CXType_Atomic)
    t = clang_getCanonicalType(clang_Type_getValueType(t));
  if (t.kind == CXType_Enum)
    t = clang_getCanonicalType(clang_getEnumDeclIntegerType(clang_getTypeDeclaration(t)));
  bool sg;
  switch (t.kind) {
  case CXType_Bool:
    *out = HD__FTYPE_BOOL;
    return true;
  case CXType_Char_U:
  case CXType_UChar:
  case CXType_UShort:
  case CXType_UInt:
  case CXType_ULong:
  case CXType_ULongLong:
  case CXType_Char16:
  case CXType_Char32:
  case CXType_Pointer:
  case CXType_BlockPointer:
    sg = false;
    break;
  case CXType_Char_S:
  case CXType_SChar:
  case CXType_WChar:
  case CXType_Short:
  case CXType_Int:
  case CXType_Long:
  case CXType_LongLong:
    sg = true;
    break;
  default:
    return false;
  }
  long long size = clang_Type_getSizeOf(t);
  if (size <= 0 || size > 8)
    return false;
  *out = (hd__ftype){(uint8_t)(size * 8), sg};
  return true;
}

static bool is_pointer(CXType t) {
  t = clang_getCanonicalType(t);
  return t.kind == CXType_Pointer;
}

static bool is_array(CXType t) {
  enum CXTypeKind k = clang_getCanonicalType(t).kind;
  return k == CXType_ConstantArray || k == CXType_IncompleteArray || k == CXType_VariableArray ||
         k == CXType_DependentSizedArray;
}

/* An array object (not a parameter declared as an array, which libclang
 * shows with its array type although it is a pointer). */
static bool is_array_object(CXCursor e) {
  if (!is_array(clang_getCursorType(e)))
    return false;
  return clang_getCursorKind(e) != CXCursor_DeclRefExpr ||
         clang_getCursorKind(clang_getCursorReferenced(e)) != CXCursor_ParmDecl;
}

static bool const_int(CXCursor e, uint64_t *v) {
  CXEvalResult r = clang_Cursor_Evaluate(e);
  if (!r)
    return false;
  bool ok = clang_EvalResult_getKind(r) == CXEval_Int;
  if (ok)
    *v = clang_EvalResult_isUnsignedInt(r) ? (uint64_t)clang_EvalResult_getAsUnsigned(r)
                                           : (uint64_t)clang_EvalResult_getAsLongLong(r);
  clang_EvalResult_dispose(r);
  return ok;
}

/* ---- lvalues ----------------------------------------------------------- */

typedef struct text {
  char *buf;
  size_t size, len;
  bool ok;
} text;

static void add(text *t, const char *s) {
  size_t n = strlen(s);
  if (t->len + n + 1 > t->size) {
    t->ok = false;
    return;
  }
  memcpy(t->buf + t->len, s, n + 1);
  t->len += n;
}

/* Appending a postfix (`.x`, `->x`, `[k]`) to `*p` needs parentheses. */
static void postfix_base(text *t, size_t start) {
  if (t->buf[start] != '*' || !t->ok)
    return;
  if (t->len + 3 > t->size) {
    t->ok = false;
    return;
  }
  memmove(t->buf + start + 1, t->buf + start, t->len - start + 1);
  t->buf[start] = '(';
  t->len++;
  add(t, ")");
}

/* What the lvalue text went through: pointer hops and a global root. */
typedef struct where {
  int hops;
  bool global;
} where;

static void lvalue(CXCursor e, text *t, where *mem);

static void decl_ref(CXCursor e, text *t, where *mem) {
  CXCursor d = clang_getCursorReferenced(e);
  enum CXCursorKind k = clang_getCursorKind(d);
  if (k != CXCursor_VarDecl && k != CXCursor_ParmDecl) {
    t->ok = false;
    return;
  }
  if (k == CXCursor_VarDecl && clang_Cursor_hasVarDeclGlobalStorage(d))
    mem->global = true;
  CXString s = clang_getCursorSpelling(d);
  add(t, clang_getCString(s));
  clang_disposeString(s);
}

static void member(CXCursor e, text *t, where *mem) {
  kids k = children(e);
  CXString s = clang_getCursorSpelling(e);
  const char *name = clang_getCString(s);
  if (k.n != 1 || !clang_isExpression(clang_getCursorKind(k.v[0]))) {
    t->ok = false;
  } else {
    CXCursor base = strip(k.v[0]);
    size_t start = t->len;
    bool arrow = is_pointer(clang_getCursorType(base));
    if (!arrow && clang_getCursorKind(base) == CXCursor_UnaryOperator &&
        clang_getCursorUnaryOperatorKind(base) == CXUnaryOperator_Deref) {
      kids op = children(base); /* (*p).x is p->x */
      if (op.n == 1) {
        base = strip(op.v[0]);
        arrow = true;
      }
    }
    if (arrow && clang_getCursorKind(base) == CXCursor_UnaryOperator &&
        clang_getCursorUnaryOperatorKind(base) == CXUnaryOperator_AddrOf) {
      kids op = children(base); /* (&x)->m is x.m (HD_ASYNC_INIT's &(&t)->hd) */
      if (op.n == 1) {
        base = strip(op.v[0]);
        arrow = false;
      }
    }
    lvalue(base, t, mem);
    if (*name) { /* anonymous struct and union members add nothing */
      postfix_base(t, start);
      add(t, arrow ? "->" : ".");
      add(t, name);
    }
    mem->hops += arrow;
  }
  clang_disposeString(s);
}

static void subscript(CXCursor e, text *t, where *mem) {
  kids k = children(e);
  uint64_t idx;
  if (k.n != 2 || !const_int(k.v[1], &idx)) {
    t->ok = false;
    return;
  }
  CXCursor base = strip(k.v[0]);
  mem->hops += !is_array_object(base);
  size_t start = t->len;
  if (idx == 0) { /* p[0] is *p */
    add(t, "*");
    lvalue(base, t, mem);
    return;
  }
  lvalue(base, t, mem);
  postfix_base(t, start);
  char num[32];
  snprintf(num, sizeof num, "[%llu]", (unsigned long long)idx);
  add(t, num);
}

static void lvalue(CXCursor e, text *t, where *mem) {
  if (!t->ok)
    return;
  e = strip(e);
  switch (clang_getCursorKind(e)) {
  case CXCursor_DeclRefExpr:
    decl_ref(e, t, mem);
    return;
  case CXCursor_MemberRefExpr:
    member(e, t, mem);
    return;
  case CXCursor_ArraySubscriptExpr:
    subscript(e, t, mem);
    return;
  case CXCursor_UnaryOperator:
    if (clang_getCursorUnaryOperatorKind(e) == CXUnaryOperator_Deref) {
      kids k = children(e);
      if (k.n == 1) {
        mem->hops++;
        add(t, "*");
        lvalue(k.v[0], t, mem);
        return;
      }
    }
    break;
  default:
    break;
  }
  t->ok = false;
}

bool hd__flvalue_text(CXCursor e, char *buf, size_t size, hd__fmem *mem) {
  if (size == 0)
    return false;
  buf[0] = '\0';
  text t = {buf, size, 0, true};
  where w = {0, false};
  lvalue(e, &t, &w);
  *mem = w.global || w.hops >= 2 ? HD__FMEM_SHARED : w.hops ? HD__FMEM_OWNED : HD__FMEM_LOCAL;
  return t.ok && t.len > 0;
}

/* ---- values and effects ------------------------------------------------ */

typedef struct conv {
  hd__farena *ar;
  hd__fsteps *fx;   /* NULL: effects not wanted */
  bool conditional; /* inside a part of the expression that may not run */
  bool oom;
} conv;

enum { LV_MAX = 512 };

static const hd__fexpr *value(conv *c, CXCursor e);

static void effect(conv *c, hd__fstep st) {
  if (!c->fx)
    return;
  if ((st.kind != HD__FSTEP_HAVOC_MEM && !st.lv) || hd__fsteps_push(c->ar, c->fx, st) < 0)
    c->oom = true;
}

static const hd__fexpr *unknown(conv *c, CXCursor e) {
  hd__ftype t;
  if (!scalar_type(clang_getCursorType(e), &t))
    t = HD__FTYPE_INT;
  return hd__fexpr_unknown(c->ar, t);
}

/* The children of e evaluated for their effects only, as if they might
 * not run (what an expression kind we do not model does is unclear). */
static enum CXChildVisitResult effects_of(CXCursor ch, CXCursor parent, CXClientData d) {
  (void)parent;
  conv *c = d;
  if (clang_isExpression(clang_getCursorKind(ch)))
    value(c, ch);
  return CXChildVisit_Continue;
}

static const hd__fexpr *opaque(conv *c, CXCursor e) {
  bool saved = c->conditional;
  c->conditional = true;
  clang_visitChildren(e, effects_of, c);
  c->conditional = saved;
  return unknown(c, e);
}

/* A VAR for lvalue e, or NULL when it cannot be named or is not a scalar. */
static const hd__fexpr *var_of(conv *c, CXCursor e) {
  char buf[LV_MAX];
  hd__fmem mem;
  hd__ftype t;
  if (!scalar_type(clang_getCursorType(e), &t) || !hd__flvalue_text(e, buf, sizeof buf, &mem))
    return NULL;
  return hd__fexpr_var(c->ar, buf, t, mem);
}

/* The objects a write to lvalue e may change, when e itself has no name:
 * the whole array or what a named pointer points to, else all memory. */
static void havoc_target(conv *c, CXCursor e) {
  char buf[LV_MAX];
  hd__fmem mem;
  e = strip(e);
  if (hd__flvalue_text(e, buf, sizeof buf, &mem)) {
    effect(c, (hd__fstep){.kind = HD__FSTEP_HAVOC,
                          .lv = hd__fexpr_var(c->ar, buf, HD__FTYPE_INT, mem)});
    return;
  }
  if (clang_getCursorKind(e) == CXCursor_ArraySubscriptExpr) {
    kids k = children(e);
    if (k.n == 2) {
      CXCursor base = strip(k.v[0]);
      if (hd__flvalue_text(base, buf, sizeof buf, &mem)) {
        bool ptr = is_pointer(clang_getCursorType(base));
        effect(c, (hd__fstep){.kind = ptr ? HD__FSTEP_HAVOC_PTS : HD__FSTEP_HAVOC,
                              .lv = hd__fexpr_var(c->ar, buf, HD__FTYPE_INT, mem)});
        return;
      }
    }
  }
  effect(c, (hd__fstep){.kind = HD__FSTEP_HAVOC_MEM});
}

/* Records that lvalue `lv` (cursor target) takes value v. Returns what the
 * expression then reads as the object's value. */
static const hd__fexpr *assign(conv *c, CXCursor target, const hd__fexpr *lv, const hd__fexpr *v) {
  if (!lv) {
    havoc_target(c, target);
    return unknown(c, target);
  }
  v = hd__fexpr_cast(c->ar, v, lv->type);
  if (c->conditional)
    effect(c, (hd__fstep){.kind = HD__FSTEP_HAVOC, .lv = lv});
  else
    effect(c, (hd__fstep){.kind = HD__FSTEP_ASSIGN, .lv = lv, .e = v});
  return lv;
}

static hd__fop arith_op(enum CXBinaryOperatorKind op) {
  switch (op) {
  case CXBinaryOperator_Mul:
  case CXBinaryOperator_MulAssign:
    return HD__FOP_MUL;
  case CXBinaryOperator_Div:
  case CXBinaryOperator_DivAssign:
    return HD__FOP_DIV;
  case CXBinaryOperator_Rem:
  case CXBinaryOperator_RemAssign:
    return HD__FOP_REM;
  case CXBinaryOperator_Add:
  case CXBinaryOperator_AddAssign:
    return HD__FOP_ADD;
  case CXBinaryOperator_Sub:
  case CXBinaryOperator_SubAssign:
    return HD__FOP_SUB;
  case CXBinaryOperator_Shl:
  case CXBinaryOperator_ShlAssign:
    return HD__FOP_SHL;
  case CXBinaryOperator_Shr:
  case CXBinaryOperator_ShrAssign:
    return HD__FOP_SHR;
  case CXBinaryOperator_And:
  case CXBinaryOperator_AndAssign:
    return HD__FOP_AND;
  case CXBinaryOperator_Xor:
  case CXBinaryOperator_XorAssign:
    return HD__FOP_XOR;
  case CXBinaryOperator_Or:
  case CXBinaryOperator_OrAssign:
    return HD__FOP_OR;
  case CXBinaryOperator_LT:
    return HD__FOP_LT;
  case CXBinaryOperator_GT:
    return HD__FOP_GT;
  case CXBinaryOperator_LE:
    return HD__FOP_LE;
  case CXBinaryOperator_GE:
    return HD__FOP_GE;
  case CXBinaryOperator_EQ:
    return HD__FOP_EQ;
  case CXBinaryOperator_NE:
    return HD__FOP_NE;
  case CXBinaryOperator_LAnd:
    return HD__FOP_LAND;
  case CXBinaryOperator_LOr:
    return HD__FOP_LOR;
  default:
    return HD__FOP_UNKNOWN;
  }
}

/* a op b where both are integers (pointers only for comparisons). */
static bool modelled(enum CXBinaryOperatorKind op, CXCursor l, CXCursor r) {
  hd__ftype t;
  CXType lt = clang_getCursorType(l), rt = clang_getCursorType(r);
  if (!scalar_type(lt, &t) || !scalar_type(rt, &t))
    return false;
  bool ptr = is_pointer(lt) || is_pointer(rt);
  return !ptr || (op >= CXBinaryOperator_LT && op <= CXBinaryOperator_NE) ||
         op == CXBinaryOperator_LAnd || op == CXBinaryOperator_LOr;
}

static const hd__fexpr *binary(conv *c, CXCursor e) {
  kids k = children(e);
  if (k.n != 2)
    return opaque(c, e);
  enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(e);
  CXCursor l = k.v[0], r = k.v[1];
  switch (op) {
  case CXBinaryOperator_Comma:
    value(c, l);
    return value(c, r);
  case CXBinaryOperator_Assign: {
    const hd__fexpr *v = value(c, r);
    return assign(c, l, var_of(c, l), v);
  }
  case CXBinaryOperator_LAnd:
  case CXBinaryOperator_LOr: {
    const hd__fexpr *a = value(c, l);
    bool saved = c->conditional;
    c->conditional = true;
    const hd__fexpr *b = value(c, r);
    c->conditional = saved;
    return hd__fexpr_binary(c->ar, arith_op(op), a, b);
  }
  default:
    break;
  }
  hd__fop fop = arith_op(op);
  bool compound = op >= CXBinaryOperator_MulAssign && op <= CXBinaryOperator_OrAssign;
  if (compound) {
    const hd__fexpr *lv = var_of(c, l);
    const hd__fexpr *v = value(c, r);
    if (!lv || !modelled(op, l, r) || fop == HD__FOP_UNKNOWN)
      return assign(c, l, NULL, v);
    return assign(c, l, lv, hd__fexpr_binary(c->ar, fop, lv, v));
  }
  const hd__fexpr *a = value(c, l), *b = value(c, r);
  if (fop == HD__FOP_UNKNOWN || !modelled(op, l, r))
    return unknown(c, e);
  return hd__fexpr_binary(c->ar, fop, a, b);
}

static const hd__fexpr *inc_dec(conv *c, CXCursor target, bool inc, bool post) {
  const hd__fexpr *lv = var_of(c, target);
  if (!lv || is_pointer(clang_getCursorType(target)) || lv->type.width == 1)
    return assign(c, target, NULL, NULL);
  const hd__fexpr *one = hd__fexpr_const(c->ar, HD__FTYPE_INT, 1);
  const hd__fexpr *nv = hd__fexpr_binary(c->ar, inc ? HD__FOP_ADD : HD__FOP_SUB, lv, one);
  const hd__fexpr *now = assign(c, target, lv, nv);
  if (!post || now != lv)
    return now;
  /* The old value, read after the write: x++ is (new x) - 1. */
  return hd__fexpr_cast(c->ar, hd__fexpr_binary(c->ar, inc ? HD__FOP_SUB : HD__FOP_ADD, lv, one),
                        lv->type);
}

static const hd__fexpr *unary(conv *c, CXCursor e) {
  kids k = children(e);
  if (k.n != 1)
    return opaque(c, e);
  CXCursor a = k.v[0];
  enum CXUnaryOperatorKind op = clang_getCursorUnaryOperatorKind(e);
  hd__ftype t;
  switch (op) {
  case CXUnaryOperator_PostInc:
  case CXUnaryOperator_PostDec:
  case CXUnaryOperator_PreInc:
  case CXUnaryOperator_PreDec:
    return inc_dec(c, a, op == CXUnaryOperator_PostInc || op == CXUnaryOperator_PreInc,
                   op == CXUnaryOperator_PostInc || op == CXUnaryOperator_PostDec);
  case CXUnaryOperator_Deref: {
    value(c, a); /* the pointer's own effects */
    const hd__fexpr *v = var_of(c, e);
    return v ? v : unknown(c, e);
  }
  case CXUnaryOperator_Extension:
    return value(c, a);
  case CXUnaryOperator_Plus:
  case CXUnaryOperator_Minus:
  case CXUnaryOperator_Not:
  case CXUnaryOperator_LNot: {
    const hd__fexpr *v = value(c, a);
    if (!scalar_type(clang_getCursorType(a), &t) ||
        (op != CXUnaryOperator_LNot && is_pointer(clang_getCursorType(a))))
      return unknown(c, e);
    if (op == CXUnaryOperator_Plus)
      return hd__fexpr_cast(c->ar, v, hd__ftype_promote(v ? v->type : t));
    return hd__fexpr_unary(c->ar,
                           op == CXUnaryOperator_Minus ? HD__FOP_NEG
                           : op == CXUnaryOperator_Not ? HD__FOP_BNOT
                                                       : HD__FOP_LNOT,
                           v);
  }
  default: /* &x, __real, __imag: no integer value we track */
    value(c, a);
    return unknown(c, e);
  }
}

static bool points_to_const(CXType t) {
  t = clang_getCanonicalType(t);
  if (t.kind != CXType_Pointer)
    return false;
  CXType p = clang_getPointeeType(t);
  return clang_isConstQualifiedType(p) || clang_getCanonicalType(p).kind == CXType_FunctionProto ||
         clang_getCanonicalType(p).kind == CXType_FunctionNoProto;
}

/* What a callee may write through argument `arg`. */
static void havoc_arg(conv *c, CXCursor arg) {
  CXType at = clang_getCursorType(arg);
  if (!is_pointer(at) || points_to_const(at))
    return;
  CXCursor s = strip(arg);
  uint64_t k;
  if (const_int(s, &k))
    return; /* NULL */
  char buf[LV_MAX];
  hd__fmem mem;
  enum CXCursorKind kind = clang_getCursorKind(s);
  if (kind == CXCursor_UnaryOperator &&
      clang_getCursorUnaryOperatorKind(s) == CXUnaryOperator_AddrOf) {
    kids ch = children(s);
    if (ch.n == 1 && hd__flvalue_text(ch.v[0], buf, sizeof buf, &mem)) {
      effect(c, (hd__fstep){.kind = HD__FSTEP_HAVOC,
                            .lv = hd__fexpr_var(c->ar, buf, HD__FTYPE_INT, mem)});
      return;
    }
    if (ch.n == 1) {
      havoc_target(c, ch.v[0]);
      return;
    }
  } else if (hd__flvalue_text(s, buf, sizeof buf, &mem)) {
    bool array = is_array_object(s);
    effect(c, (hd__fstep){.kind = array ? HD__FSTEP_HAVOC : HD__FSTEP_HAVOC_PTS,
                          .lv = hd__fexpr_var(c->ar, buf, HD__FTYPE_INT, mem)});
    return;
  }
  effect(c, (hd__fstep){.kind = HD__FSTEP_HAVOC_MEM});
}

/* __builtin_expect(v, k) and its variant are v (likely/unlikely macros). */
static bool is_expect(CXCursor call) {
  CXString s = clang_getCursorSpelling(call);
  const char *n = clang_getCString(s);
  bool yes = n && (strcmp(n, "__builtin_expect") == 0 ||
                   strcmp(n, "__builtin_expect_with_probability") == 0);
  clang_disposeString(s);
  return yes;
}

static const hd__fexpr *call(conv *c, CXCursor e) {
  int n = clang_Cursor_getNumArguments(e);
  const hd__fexpr *first = NULL;
  for (int i = 0; i < n; i++) {
    const hd__fexpr *v = value(c, clang_Cursor_getArgument(e, (unsigned)i));
    if (i == 0)
      first = v;
  }
  for (int i = 0; i < n; i++)
    havoc_arg(c, clang_Cursor_getArgument(e, (unsigned)i));
  hd__ftype t;
  if (n >= 2 && first && is_expect(e) && scalar_type(clang_getCursorType(e), &t))
    return hd__fexpr_cast(c->ar, first, t);
  return unknown(c, e);
}

static const hd__fexpr *conditional_op(conv *c, CXCursor e) {
  kids k = children(e);
  if (k.n != 3)
    return opaque(c, e);
  const hd__fexpr *cond = value(c, k.v[0]);
  bool saved = c->conditional;
  c->conditional = true;
  const hd__fexpr *a = value(c, k.v[1]), *b = value(c, k.v[2]);
  c->conditional = saved;
  hd__ftype t;
  if (!scalar_type(clang_getCursorType(e), &t) || is_pointer(clang_getCursorType(e)))
    return unknown(c, e);
  return hd__fexpr_cast(c->ar, hd__fexpr_ite(c->ar, cond, a, b), t);
}

/* An implicit or explicit conversion of child `a` to e's type. */
static const hd__fexpr *conversion(conv *c, CXCursor e, CXCursor a) {
  const hd__fexpr *v = value(c, a);
  hd__ftype from, to;
  CXType ft = clang_getCursorType(a);
  if (!scalar_type(clang_getCursorType(e), &to))
    return unknown(c, e);
  if (!scalar_type(ft, &from)) /* arrays decaying, functions, floats */
    return unknown(c, e);
  return hd__fexpr_cast(c->ar, v, to);
}

static const hd__fexpr *constant(conv *c, CXCursor e) {
  uint64_t v;
  hd__ftype t;
  if (scalar_type(clang_getCursorType(e), &t) && const_int(e, &v))
    return hd__fexpr_const(c->ar, t, v);
  return NULL;
}

static const hd__fexpr *value(conv *c, CXCursor e) {
  enum CXCursorKind kind = clang_getCursorKind(e);
  const hd__fexpr *v;
  switch (kind) {
  case CXCursor_IntegerLiteral:
  case CXCursor_CharacterLiteral:
  case CXCursor_UnaryExpr: /* sizeof, _Alignof */
    v = constant(c, e);
    return v ? v : unknown(c, e);
  case CXCursor_ParenExpr: {
    kids k = children(e);
    return k.n == 1 ? value(c, k.v[0]) : opaque(c, e);
  }
  case CXCursor_UnexposedExpr: {
    kids k = children(e);
    if (k.n == 1 && clang_isExpression(clang_getCursorKind(k.v[0])))
      return conversion(c, e, k.v[0]);
    v = constant(c, e);
    return v ? v : opaque(c, e);
  }
  case CXCursor_CStyleCastExpr: {
    CXCursor a = last_expr(e);
    return clang_Cursor_isNull(a) ? opaque(c, e) : conversion(c, e, a);
  }
  case CXCursor_DeclRefExpr: {
    CXCursor d = clang_getCursorReferenced(e);
    hd__ftype t;
    if (clang_getCursorKind(d) == CXCursor_EnumConstantDecl &&
        scalar_type(clang_getCursorType(e), &t))
      return hd__fexpr_const(c->ar, t, (uint64_t)clang_getEnumConstantDeclValue(d));
    v = var_of(c, e);
    return v ? v : unknown(c, e);
  }
  case CXCursor_MemberRefExpr: {
    kids k = children(e);
    if (k.n == 1)
      value(c, k.v[0]); /* effects of the base, e.g. f()->x */
    v = var_of(c, e);
    return v ? v : unknown(c, e);
  }
  case CXCursor_ArraySubscriptExpr: {
    kids k = children(e);
    for (int i = 0; i < k.n && i < 4; i++)
      value(c, k.v[i]);
    v = var_of(c, e);
    return v ? v : unknown(c, e);
  }
  case CXCursor_UnaryOperator:
    return unary(c, e);
  case CXCursor_BinaryOperator:
  case CXCursor_CompoundAssignOperator:
    return binary(c, e);
  case CXCursor_ConditionalOperator:
    return conditional_op(c, e);
  case CXCursor_CallExpr:
    return call(c, e);
  case CXCursor_StmtExpr: /* its statements are the IR builder's */
    return unknown(c, e);
  default:
    v = clang_isExpression(kind) ? constant(c, e) : NULL;
    return v ? v : opaque(c, e);
  }
}

const hd__fexpr *hd__fexpr_from_cursor(hd__farena *ar, CXCursor e, hd__fsteps *fx) {
  conv c = {ar, fx, false, false};
  const hd__fexpr *v = value(&c, e);
  return c.oom ? NULL : v;
}

const hd__fexpr *hd__fcase_cond(hd__farena *ar, const hd__fexpr *value, CXCursor cs) {
  kids k = children(cs); /* the bound(s), then the statement */
  conv c = {ar, NULL, false, false};
  const hd__fexpr *lo = k.n >= 2 ? constant(&c, k.v[0]) : NULL;
  const hd__fexpr *hi = k.n == 3 ? constant(&c, k.v[1]) : lo;
  if (!value || !lo || !hi || k.n > 3)
    return NULL;
  if (k.n == 2)
    return hd__fexpr_binary(ar, HD__FOP_EQ, value, lo);
  return hd__fexpr_binary(ar, HD__FOP_LAND, hd__fexpr_binary(ar, HD__FOP_LE, lo, value),
                          hd__fexpr_binary(ar, HD__FOP_LE, value, hi));
}

int hd__fsteps_from_decl(hd__farena *ar, CXCursor var, hd__fsteps *fx) {
  if (clang_getCursorKind(var) != CXCursor_VarDecl || clang_Cursor_hasVarDeclGlobalStorage(var))
    return 0;
  conv c = {ar, fx, false, false};
  CXString s = clang_getCursorSpelling(var);
  const char *name = clang_getCString(s);
  hd__ftype t;
  bool scalar = scalar_type(clang_getCursorType(var), &t);
  const hd__fexpr *lv = hd__fexpr_var(ar, name, scalar ? t : HD__FTYPE_INT, HD__FMEM_LOCAL);
  clang_disposeString(s);
  CXCursor init = clang_Cursor_getVarDeclInitializer(var);
  const hd__fexpr *v = NULL;
  if (!clang_Cursor_isNull(init))
    v = value(&c, init);
  if (scalar && v)
    effect(&c, (hd__fstep){.kind = HD__FSTEP_ASSIGN, .lv = lv, .e = hd__fexpr_cast(ar, v, t)});
  else
    effect(&c, (hd__fstep){.kind = HD__FSTEP_HAVOC, .lv = lv});
  return c.oom || !lv ? HD_ENOMEM : 0;
}
