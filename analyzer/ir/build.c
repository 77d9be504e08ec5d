/* ir/build.c - CFG construction from libclang cursors (see build.h). */
#include "ir/build.h"

#include <search.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feasibility/from_cursor.h"
#include "heddle/error.h"
#include "ir/lockid.h"
#include "ir/send.h"

/* ---- cursor helpers ---------------------------------------------------- */

typedef struct kids {
  CXCursor *v;
  int n, cap;
} kids;

static enum CXChildVisitResult collect(CXCursor c, CXCursor parent, CXClientData d) {
  kids *k = d;
  if (k->n == k->cap) {
    int cap = k->cap ? k->cap * 2 : 8;
    CXCursor *grown = realloc(k->v, sizeof *grown * (size_t)cap);
    if (!grown)
      return CXChildVisit_Break;
    k->v = grown;
    k->cap = cap;
  }
  k->v[k->n++] = c;
  return CXChildVisit_Continue;
}

static kids children(CXCursor c) {
  kids k = {NULL, 0, 0};
  clang_visitChildren(c, collect, &k);
  return k;
}

static bool is_code(CXCursor c) {
  enum CXCursorKind k = clang_getCursorKind(c);
  return clang_isExpression(k) || clang_isStatement(k);
}

static char *spelling(CXCursor c) {
  CXString s = clang_getCursorSpelling(c);
  char *out = strdup(clang_getCString(s));
  clang_disposeString(s);
  return out;
}

/* ---- builder state ----------------------------------------------------- */

typedef struct label {
  char *name;
  int node;
} label;

typedef struct pending_goto {
  char *name;
  int from;
} pending_goto;

/* A local that holds the result of a try-lock call, waiting for the
 * condition that tests it. */
typedef struct try_var {
  CXCursor var;
  const hd__api_fn *api;
  int lock;
  hd__loc loc;
} try_var;

/* A variable declared with __attribute__((cleanup(fn))): fn(&var) runs
 * when its block ends (or a return leaves it). */
typedef struct cleanup {
  const char *fn_key; /* the cleanup function's key (found by name if extern) */
  const char *arg;    /* canonical "&var" */
  CXCursor var;
} cleanup;

typedef struct switch_ctx {
  int dispatch;
  bool resume; /* the coroutine resume dispatch: cases are fall-through only */
  bool has_default;
  /* Path feasibility: the controlling value, the negated case conditions
   * (what the edge to default assumes) and that edge's node. */
  const hd__fexpr *value;
  hd__fsteps not_cases;
  int to_default;
} switch_ctx;

/* What a callee means, cached per TU by name. */
typedef struct callee_info {
  char *name;
  const hd__api_fn *api;
  bool noreturn;
  bool system;
  bool is_static;
} callee_info;

typedef struct builder {
  hd__program *prog;
  const hd__model *model;
  CXTranslationUnit tu;
  const char *tu_file;
  const char *resume_member;
  void *callees; /* tsearch tree of callee_info */
  hd__function *fn;
  hd__lockid_ctx lctx;
  int brk, cont;
  int brk_depth, cont_depth; /* cleanups in scope where brk / cont lead */
  switch_ctx *sw;
  label *labels;
  int nlabels, caplabels;
  pending_goto *gotos;
  int ngotos, capgotos;
  try_var *tries;
  int ntries, captries;
  CXCursor *alias_vars; /* see hd__lockid_ctx */
  const char **alias_roots;
  int naliases, capaliases;
  int nawaits;     /* AWAIT nodes built so far in this function */
  bool suspending; /* inside the `return HD_PENDING` branch of an await */
  const char *poll_suffix;
  cleanup *cleanups; /* variables with __attribute__((cleanup(fn))) in scope */
  int ncleanups, capcleanups;
  int built;   /* functions added so far */
  int in_expr; /* inside an expression statement (see cond_value) */
  /* future constructors and escaping pointers (hd__node.ctor_obj, escapes) */
  CXCursor stmt_top;      /* the expression of the expression statement */
  CXCursor ctor_arg;      /* argument 1 of the constructor being built */
  CXCursor sink_call;     /* a value being stored in a plain local ... */
  const char *sink_local; /* ... that local ("@v") */
  CXType future_type;     /* what the await marker's argument 1 points to */
  int future_known;       /* 0: not looked up yet, 1: found, -1: none */
  CXCursor result_call;   /* a call whose result is assigned to ... */
  const char *result_lhs; /* ... this lvalue (hd__node.result_to) */
} builder;

static const char *intern_file(builder *b, CXFile file) {
  if (!file)
    return hd__program_intern(b->prog, "<unknown>");
  CXString real = clang_File_tryGetRealPathName(file);
  const char *r = clang_getCString(real);
  const char *out;
  if (r && *r) {
    out = hd__program_intern(b->prog, r);
  } else {
    CXString name = clang_getFileName(file);
    out = hd__program_intern(b->prog, clang_getCString(name));
    clang_disposeString(name);
  }
  clang_disposeString(real);
  return out;
}

/* Outermost macro expansion site of the start of c. */
static hd__loc loc_of(builder *b, CXCursor c) {
  CXSourceLocation sl = clang_getRangeStart(clang_getCursorExtent(c));
  CXFile file;
  unsigned line, col, off;
  clang_getExpansionLocation(sl, &file, &line, &col, &off);
  return (hd__loc){intern_file(b, file), (int)line, (int)col};
}

static int node(builder *b, hd__ev ev, hd__loc loc, int from) {
  int n = hd__function_add_node(b->fn, ev, loc);
  if (n >= 0)
    hd__function_add_edge(b->fn, from, n);
  return n;
}

static int join(builder *b, int x, int y, hd__loc loc) {
  if (x < 0)
    return y;
  if (y < 0 || x == y)
    return x;
  int j = node(b, HD__EV_NONE, loc, x);
  hd__function_add_edge(b->fn, y, j);
  return j;
}

static bool grow(void **v, int *cap, int n, size_t elem) {
  if (n < *cap)
    return true;
  int c = *cap ? *cap * 2 : 8;
  void *g = realloc(*v, elem * (size_t)c);
  if (!g)
    return false;
  *v = g;
  *cap = c;
  return true;
}

/* ---- callees ----------------------------------------------------------- */

static int cmp_callee(const void *a, const void *b) {
  return strcmp(((const callee_info *)a)->name, ((const callee_info *)b)->name);
}

/* _Noreturn is a declaration attribute that libclang shows only as an
 * unexposed attribute: its tokens tell which one it is. */
static bool is_noreturn_attr(CXCursor c) {
  CXTranslationUnit tu = clang_Cursor_getTranslationUnit(c);
  CXToken *toks = NULL;
  unsigned n = 0;
  bool yes = false;
  clang_tokenize(tu, clang_getCursorExtent(c), &toks, &n);
  for (unsigned i = 0; i < n && !yes; i++) {
    CXString sp = clang_getTokenSpelling(tu, toks[i]);
    const char *t = clang_getCString(sp);
    yes =
        strcmp(t, "_Noreturn") == 0 || strcmp(t, "noreturn") == 0 || strcmp(t, "__noreturn__") == 0;
    clang_disposeString(sp);
  }
  if (toks)
    clang_disposeTokens(tu, toks, n);
  return yes;
}

/* out[0] builder, out[1] the pack entry found, out[2] non-NULL if noreturn */
static enum CXChildVisitResult find_annotation(CXCursor c, CXCursor parent, CXClientData d) {
  void **out = d;
  builder *b = out[0];
  if (clang_getCursorKind(c) == CXCursor_UnexposedAttr && is_noreturn_attr(c))
    out[2] = out[0];
  if (clang_getCursorKind(c) == CXCursor_AnnotateAttr && !out[1]) {
    CXString s = clang_getCursorSpelling(c);
    const hd__api_fn *api = hd__model_lookup_annotation(b->model, clang_getCString(s));
    clang_disposeString(s);
    if (api)
      out[1] = (void *)api;
  }
  return CXChildVisit_Continue;
}

static const callee_info *callee_of(builder *b, CXCursor decl) {
  callee_info key = {.name = spelling(decl)};
  if (!key.name)
    return NULL;
  void **found = tfind(&key, &b->callees, cmp_callee);
  if (found) {
    free(key.name);
    return *found;
  }
  callee_info *ci = calloc(1, sizeof *ci);
  if (!ci) {
    free(key.name);
    return NULL;
  }
  ci->name = key.name;
  ci->api = hd__model_lookup(b->model, ci->name);
  void *ctx[3] = {b, NULL, NULL};
  clang_visitChildren(decl, find_annotation, ctx);
  if (!ci->api)
    ci->api = ctx[1];
  CXString ts = clang_getTypeSpelling(clang_getCursorType(decl));
  ci->noreturn = ctx[2] != NULL || strstr(clang_getCString(ts), "noreturn") != NULL ||
                 strcmp(ci->name, "__builtin_unreachable") == 0 ||
                 (ci->api && ci->api->role == HD__ROLE_NORETURN);
  clang_disposeString(ts);
  ci->system = clang_Location_isInSystemHeader(clang_getCursorLocation(decl)) != 0;
  ci->is_static = clang_Cursor_getStorageClass(decl) == CX_SC_Static;
  if (!tsearch(ci, &b->callees, cmp_callee)) {
    free(ci->name);
    free(ci);
    return NULL;
  }
  return ci;
}

static void free_callee(void *p) {
  callee_info *ci = p;
  free(ci->name);
  free(ci);
}

/* The function key: external functions by name (they link across TUs),
 * static ones qualified by their TU. */
static const char *fn_key(builder *b, const char *name, bool is_static) {
  if (!is_static)
    return hd__program_intern(b->prog, name);
  size_t n = strlen(b->tu_file) + strlen(name) + 2;
  char *k = malloc(n);
  if (!k)
    return NULL;
  snprintf(k, n, "%s:%s", b->tu_file, name);
  const char *out = hd__program_intern(b->prog, k);
  free(k);
  return out;
}

/* The callee of a direct call, or NULL for calls through pointers. */
static const callee_info *call_target(builder *b, CXCursor call) {
  CXCursor decl = clang_getCursorReferenced(call);
  if (clang_getCursorKind(decl) != CXCursor_FunctionDecl)
    return NULL;
  return callee_of(b, decl);
}

static bool lock_role(const hd__api_fn *api) {
  return api && api->family_ref && api->family_ref->kind != HD__LOCK_ASYNC &&
         (api->role == HD__ROLE_LOCK_ACQUIRE || api->role == HD__ROLE_LOCK_RELEASE ||
          api->role == HD__ROLE_LOCK_TRY);
}

/* Lock index for the lock argument of a lock call, or -1. */
static int lock_arg(builder *b, CXCursor call, const hd__api_fn *api) {
  if ((int)api->lock_arg > clang_Cursor_getNumArguments(call))
    return -1;
  CXCursor arg = clang_Cursor_getArgument(call, api->lock_arg - 1);
  char *id = hd__lockid_ptr(arg, &b->lctx);
  char *text = hd__expr_text(arg);
  int lock = -1;
  if (id && text) {
    const char *disp = text[0] == '&' ? text + 1 : text;
    lock = hd__function_lock(b->fn, hd__program_intern(b->prog, id),
                             hd__program_intern(b->prog, disp), api->family_ref);
  }
  free(id);
  free(text);
  return lock;
}

/* ---- expressions ------------------------------------------------------- */

static int stmt(builder *b, CXCursor s, int cur);
static int expr(builder *b, CXCursor e, int cur);
static void cond(builder *b, CXCursor e, int cur, int *t, int *f);

static int eval_children(builder *b, CXCursor e, int cur) {
  kids k = children(e);
  for (int i = 0; i < k.n; i++)
    if (is_code(k.v[i]))
      cur = expr(b, k.v[i], cur);
  free(k.v);
  return cur;
}

static void set_call_args(builder *b, int n, CXCursor call) {
  int na = clang_Cursor_getNumArguments(call);
  if (na <= 0)
    return;
  const char **args = calloc((size_t)na, sizeof *args);
  if (!args)
    return;
  for (int i = 0; i < na; i++) {
    CXCursor a = clang_Cursor_getArgument(call, (unsigned)i);
    CXType t = clang_getCanonicalType(clang_getCursorType(a));
    if (t.kind != CXType_Pointer)
      continue;
    char *id = hd__lockid_ptr(a, &b->lctx);
    if (id)
      args[i] = hd__program_intern(b->prog, id);
    free(id);
  }
  b->fn->nodes[n].args = args;
  b->fn->nodes[n].nargs = na;
}

/* The poll function of the frame a future constructor initialises: its
 * first argument points to the frame type T, whose poll function is
 * T + the pack's poll_suffix (HD_ASYNC's `name##__poll`). */
static const char *frame_poll(builder *b, CXCursor call) {
  if (!b->poll_suffix || clang_Cursor_getNumArguments(call) < 1)
    return NULL;
  CXType t = clang_getCursorType(clang_Cursor_getArgument(call, 0));
  if (clang_getCanonicalType(t).kind != CXType_Pointer)
    return NULL;
  CXType pointee = clang_getPointeeType(t);
  if (clang_getCanonicalType(pointee).kind != CXType_Record)
    return NULL;
  CXString sp = clang_getTypeSpelling(clang_getUnqualifiedType(pointee));
  const char *name = clang_getCString(sp);
  if (strncmp(name, "struct ", 7) == 0)
    name += 7;
  char *poll = NULL;
  if (!strchr(name, ' ') && asprintf(&poll, "%s%s", name, b->poll_suffix) < 0)
    poll = NULL;
  clang_disposeString(sp);
  const char *out = poll ? hd__program_intern(b->prog, poll) : NULL;
  free(poll);
  return out;
}

/* An await marker's child: the constructor called in the same macro
 * expansion just before it (`f->hd.child = read_frame_init(&f->rf, ...)`).
 * The await then has the effect of the child's poll function completing. */
static void link_child(builder *b, int await) {
  hd__node *a = &b->fn->nodes[await];
  for (int i = await - 1; i > 0; i--) {
    hd__node *c = &b->fn->nodes[i];
    if (c->loc.line != a->loc.line || c->loc.file != a->loc.file)
      break;
    if (c->ev == HD__EV_CALL && c->child_name && c->nargs > 0) {
      a->child_name = c->child_name;
      a->callee = fn_key(b, c->child_name, true);
      a->args = calloc(1, sizeof *a->args);
      if (a->args) {
        a->args[0] = c->args[0];
        a->nargs = 1;
      }
      return;
    }
  }
}

/* ---- future constructors and escaping pointers ------------------------ */

/* Roles the checks look up on CALL nodes (hd__node.api). */
static bool checked_role(const hd__api_fn *api) {
  return api && (api->role == HD__ROLE_BLOCKING || api->role == HD__ROLE_BLOCK_ON ||
                 api->role == HD__ROLE_SPAWN || api->role == HD__ROLE_CANCELLING ||
                 api->role == HD__ROLE_FUTURE);
}

static enum CXVisitorResult first_field(CXCursor c, CXClientData d) {
  *(CXType *)d = clang_getCanonicalType(clang_getCursorType(c));
  return CXVisit_Break;
}

/* Finds the await marker's declaration (a pack entry by name with role
 * await): its argument 1 points to the runtime's future type. */
static enum CXChildVisitResult find_marker(CXCursor c, CXCursor parent, CXClientData d) {
  builder *b = d;
  if (clang_getCursorKind(c) != CXCursor_FunctionDecl || clang_Cursor_getNumArguments(c) < 1)
    return CXChildVisit_Continue;
  char *name = spelling(c);
  const hd__api_fn *api = name ? hd__model_lookup(b->model, name) : NULL;
  free(name);
  CXType t = clang_getCanonicalType(clang_getCursorType(clang_Cursor_getArgument(c, 0)));
  if (!api || api->role != HD__ROLE_AWAIT || t.kind != CXType_Pointer)
    return CXChildVisit_Continue;
  b->future_type = clang_getCanonicalType(clang_getPointeeType(t));
  b->future_known = 1;
  return CXChildVisit_Break;
}

/* True when the runtime's future type is known (b->future_type). */
static bool know_future_type(builder *b) {
  if (!b->future_known) {
    b->future_known = -1;
    clang_visitChildren(clang_getTranslationUnitCursor(b->tu), find_marker, b);
  }
  return b->future_known > 0;
}

/* A future constructor: pack role future, or `F *T_init(T *x, ...)` where
 * F, the runtime's future type (what the await marker takes), is the type
 * of T's first member (hd_sleep_init returns &x->hd). */
static bool is_ctor(builder *b, CXCursor call, const hd__api_fn *api) {
  if (clang_Cursor_getNumArguments(call) < 1)
    return false;
  if (api && api->role == HD__ROLE_FUTURE)
    return true;
  if (!know_future_type(b))
    return false;
  CXType ret = clang_getCanonicalType(clang_getCursorType(call));
  CXType arg = clang_getCanonicalType(clang_getCursorType(clang_Cursor_getArgument(call, 0)));
  if (ret.kind != CXType_Pointer || arg.kind != CXType_Pointer)
    return false;
  CXType rec = clang_getCanonicalType(clang_getPointeeType(arg));
  if (rec.kind != CXType_Record)
    return false;
  CXType first = {.kind = CXType_Invalid};
  clang_Type_visitFields(rec, first_field, &first);
  return first.kind != CXType_Invalid && clang_equalTypes(first, b->future_type) &&
         clang_equalTypes(first, clang_getCanonicalType(clang_getPointeeType(ret)));
}

/* True when the value of e is thrown away: e is the whole expression of
 * the statement (casts to void and parentheses aside) or an operand of a
 * comma that is. */
static bool discarded(CXCursor top, CXCursor e) {
  top = hd__cursor_strip(top);
  if (clang_equalCursors(top, e))
    return true;
  if (clang_getCursorKind(top) != CXCursor_BinaryOperator ||
      clang_getCursorBinaryOperatorKind(top) != CXBinaryOperator_Comma)
    return false;
  kids k = children(top);
  bool yes = false;
  for (int i = 0; i < k.n && !yes; i++)
    yes = discarded(k.v[i], e);
  free(k.v);
  return yes;
}

static void add_escape(builder *b, int cur, const char *text) {
  const char *id = text ? hd__program_intern(b->prog, text) : NULL;
  if (cur < 0 || !id)
    return;
  hd__node *n = &b->fn->nodes[cur];
  for (int i = 0; i < n->nescapes; i++)
    if (n->escapes[i] == id)
      return;
  if (grow((void **)&n->escapes, &n->capescapes, n->nescapes, sizeof *n->escapes))
    n->escapes[n->nescapes++] = id;
}

/* Pointer value v (`&x`, a call argument, an assigned, initialising or
 * returned value) leaves the code after node cur. */
static void escape(builder *b, int cur, CXCursor v) {
  CXCursor s = hd__cursor_strip(v);
  enum CXCursorKind k = clang_getCursorKind(s);
  enum CXTypeKind t = clang_getCanonicalType(clang_getCursorType(s)).kind;
  if (cur < 0 || clang_equalCursors(s, b->ctor_arg) ||
      (t != CXType_Pointer && t != CXType_ConstantArray && t != CXType_IncompleteArray) ||
      (k != CXCursor_DeclRefExpr && k != CXCursor_MemberRefExpr &&
       k != CXCursor_ArraySubscriptExpr && k != CXCursor_UnaryOperator))
    return;
  char *id = hd__lockid_ptr(s, &b->lctx);
  add_escape(b, cur, id);
  free(id);
}

/* `return &x->m;` also hands over *x, and with it the futures x holds
 * (a hand-written combinator's constructor returning &x->hd). */
static void escape_returned(builder *b, CXCursor ret, int cur) {
  kids k = children(ret);
  for (int i = 0; i < k.n; i++) {
    if (!is_code(k.v[i]))
      continue;
    escape(b, cur, k.v[i]);
    CXCursor s = hd__cursor_strip(k.v[i]);
    if (cur < 0 || clang_getCursorKind(s) != CXCursor_UnaryOperator)
      continue;
    char *id = hd__lockid_ptr(s, &b->lctx);
    char *dot = id ? strrchr(id, '.') : NULL;
    if (dot && dot > id + 1 && !strpbrk(dot, ")]")) {
      *dot = '\0';
      add_escape(b, cur, id);
    }
    free(id);
  }
  free(k.v);
}

/* A plain (automatic) local variable. */
static bool plain_local(CXCursor var) {
  return clang_getCursorKind(var) == CXCursor_VarDecl &&
         clang_getCursorKind(clang_getCursorSemanticParent(var)) == CXCursor_FunctionDecl &&
         clang_Cursor_getStorageClass(var) != CX_SC_Static &&
         clang_Cursor_getStorageClass(var) != CX_SC_Extern;
}

/* ---- accesses to locals (local-across-await) --------------------------- */

/* The variable id of an automatic local `var` written in the source (not
 * by a macro), or NULL. */
static const char *local_id(builder *b, CXCursor var) {
  if (!plain_local(var))
    return NULL;
  CXSourceLocation l = clang_getCursorLocation(var);
  CXFile f1, f2;
  unsigned line, col, o1, o2;
  clang_getExpansionLocation(l, &f1, &line, &col, &o1);
  clang_getSpellingLocation(l, &f2, NULL, NULL, &o2);
  if (!clang_File_isEqual(f1, f2) || o1 != o2)
    return NULL;
  char *vn = spelling(var), *id = NULL;
  if (vn && asprintf(&id, "%s:%u:%u", vn, line, col) < 0)
    id = NULL;
  const char *out = id ? hd__program_intern(b->prog, id) : NULL;
  free(vn);
  free(id);
  return out;
}

/* The local that lvalue e is (`v`) or is part of (`v.m`, `v[i]`). */
static CXCursor local_base(CXCursor e) {
  for (;;) {
    e = hd__cursor_strip(e);
    enum CXCursorKind k = clang_getCursorKind(e);
    if (k == CXCursor_DeclRefExpr)
      return clang_getCursorReferenced(e);
    if (k != CXCursor_MemberRefExpr && k != CXCursor_ArraySubscriptExpr)
      return clang_getNullCursor();
    kids ch = children(e);
    CXCursor base = ch.n >= 1 ? ch.v[0] : clang_getNullCursor();
    free(ch.v);
    enum CXTypeKind bt = clang_getCanonicalType(clang_getCursorType(hd__cursor_strip(base))).kind;
    if (clang_Cursor_isNull(base) || bt == CXType_Pointer)
      return clang_getNullCursor(); /* `p->m`, `p[i]`: not the local itself */
    e = base;
  }
}

static void access_var(builder *b, int cur, CXCursor var, hd__loc loc, hd__acc_kind kind) {
  const char *id = cur >= 0 && !clang_Cursor_isNull(var) ? local_id(b, var) : NULL;
  if (!id)
    return;
  enum CXTypeKind t = clang_getCanonicalType(clang_getCursorType(var)).kind;
  if (kind == HD__ACC_READ &&
      (t == CXType_ConstantArray || t == CXType_IncompleteArray || t == CXType_VariableArray))
    kind = HD__ACC_ADDR; /* an array read decays to its address */
  hd__node *n = &b->fn->nodes[cur];
  if (grow((void **)&n->acc, &n->capacc, n->nacc, sizeof *n->acc))
    n->acc[n->nacc++] = (hd__access){id, loc, kind};
}

/* ---- accesses through members, elements, pointees (shared-capture-race) */

/* An lvalue that names part of an object: `p->m`, `s.m`, `a[k]`, `*p`. */
static bool mem_lvalue(CXCursor e) {
  e = hd__cursor_strip(e);
  enum CXCursorKind k = clang_getCursorKind(e);
  return k == CXCursor_MemberRefExpr || k == CXCursor_ArraySubscriptExpr ||
         (k == CXCursor_UnaryOperator &&
          clang_getCursorUnaryOperatorKind(e) == CXUnaryOperator_Deref);
}

static enum CXChildVisitResult find_sync(CXCursor c, CXCursor parent, CXClientData d) {
  (void)parent;
  if (clang_getCursorKind(c) == CXCursor_AnnotateAttr) {
    char *s = spelling(c);
    if (s && strcmp(s, "heddle.sync") == 0)
      *(bool *)d = true;
    free(s);
  }
  return CXChildVisit_Continue;
}

/* lv is part of a struct annotated HD_SYNC (the innermost pointee or the
 * object itself, through `.` and `[k]`). */
static bool sync_member(CXCursor lv) {
  for (;;) {
    lv = hd__cursor_strip(lv);
    enum CXCursorKind k = clang_getCursorKind(lv);
    if (k != CXCursor_MemberRefExpr && k != CXCursor_ArraySubscriptExpr)
      return false;
    kids ch = children(lv);
    CXCursor base = ch.n >= 1 ? hd__cursor_strip(ch.v[0]) : clang_getNullCursor();
    free(ch.v);
    if (clang_Cursor_isNull(base))
      return false;
    CXType t = clang_getCanonicalType(clang_getCursorType(base));
    bool ptr = t.kind == CXType_Pointer;
    if (ptr)
      t = clang_getCanonicalType(clang_getPointeeType(t));
    bool sync = false;
    if (t.kind == CXType_Record)
      clang_visitChildren(clang_getTypeDeclaration(t), find_sync, &sync);
    if (sync || ptr)
      return sync;
    lv = base;
  }
}

/* A read or write of scalar lvalue lv after node cur; `value` is what a
 * plain `=` stores (a pointer's canonical text is kept). */
static void mem_access(builder *b, int cur, CXCursor lv, hd__acc_kind kind, CXCursor value) {
  CXCursor e = hd__cursor_strip(lv);
  if (cur < 0 || !mem_lvalue(e))
    return;
  CXType t = clang_getCanonicalType(clang_getCursorType(e));
  if (t.kind == CXType_Record || t.kind == CXType_ConstantArray ||
      t.kind == CXType_IncompleteArray || t.kind == CXType_VariableArray ||
      t.kind == CXType_Invalid)
    return; /* a struct or array as a whole: its parts are accessed instead */
  char *obj = hd__lockid_ptr(e, &b->lctx);
  char *val = !clang_Cursor_isNull(value) && t.kind == CXType_Pointer
                  ? hd__lockid_ptr(value, &b->lctx)
                  : NULL;
  hd__node *n = &b->fn->nodes[cur];
  if (obj && grow((void **)&n->mem, &n->capmem, n->nmem, sizeof *n->mem))
    n->mem[n->nmem++] = (hd__mem){hd__program_intern(b->prog, obj),
                                  val ? hd__program_intern(b->prog, val) : NULL,
                                  loc_of(b, e),
                                  kind,
                                  t.kind == CXType_Atomic,
                                  sync_member(e)};
  free(obj);
  free(val);
}

/* Evaluates lvalue lv as an assignment target or `&` operand: its parts
 * (pointers, indexes) are read, lv itself is not. */
static int eval_lvalue(builder *b, CXCursor lv, int cur) {
  return mem_lvalue(lv) ? eval_children(b, hd__cursor_strip(lv), cur) : expr(b, lv, cur);
}

/* `&lv`: evaluates lv's parts without reading it. */
static int eval_addr_of(builder *b, CXCursor e, int cur) {
  kids ch = children(e);
  for (int i = 0; i < ch.n; i++)
    if (is_code(ch.v[i]))
      cur = eval_lvalue(b, ch.v[i], cur);
  free(ch.v);
  return cur;
}

/* `*p` read, `++lv`, `lv--`, `lv op= v` write after node cur. */
static void mem_operator(builder *b, int cur, CXCursor e) {
  kids ch = children(e);
  enum CXCursorKind k = clang_getCursorKind(e);
  enum CXUnaryOperatorKind uk =
      k == CXCursor_UnaryOperator ? clang_getCursorUnaryOperatorKind(e) : CXUnaryOperator_Invalid;
  if (uk == CXUnaryOperator_Deref)
    mem_access(b, cur, e, HD__ACC_READ, clang_getNullCursor());
  else if (ch.n >= 1 && (k == CXCursor_CompoundAssignOperator || uk == CXUnaryOperator_PostInc ||
                         uk == CXUnaryOperator_PostDec || uk == CXUnaryOperator_PreInc ||
                         uk == CXUnaryOperator_PreDec))
    mem_access(b, cur, ch.v[0], HD__ACC_WRITE, clang_getNullCursor());
  free(ch.v);
}

/* The poll function of the frame a spawn hands over (`&t.hd` or `&t->hd`
 * with t of frame type T: T + the pack's poll_suffix), or NULL. */
static const char *spawned_poll(builder *b, CXCursor call, unsigned future_arg) {
  if (!b->poll_suffix || future_arg < 1 || (int)future_arg > clang_Cursor_getNumArguments(call))
    return NULL;
  CXCursor a = hd__cursor_strip(clang_Cursor_getArgument(call, future_arg - 1));
  if (clang_getCursorKind(a) != CXCursor_UnaryOperator ||
      clang_getCursorUnaryOperatorKind(a) != CXUnaryOperator_AddrOf)
    return NULL;
  kids ch = children(a);
  CXCursor m = ch.n == 1 ? hd__cursor_strip(ch.v[0]) : clang_getNullCursor();
  free(ch.v);
  if (clang_Cursor_isNull(m) || clang_getCursorKind(m) != CXCursor_MemberRefExpr)
    return NULL;
  ch = children(m);
  CXCursor base = ch.n >= 1 ? hd__cursor_strip(ch.v[0]) : clang_getNullCursor();
  free(ch.v);
  if (clang_Cursor_isNull(base))
    return NULL;
  CXType t = clang_getCursorType(base);
  if (clang_getCanonicalType(t).kind == CXType_Pointer)
    t = clang_getPointeeType(t);
  if (clang_getCanonicalType(t).kind != CXType_Record)
    return NULL;
  CXString sp = clang_getTypeSpelling(clang_getUnqualifiedType(t));
  const char *name = clang_getCString(sp);
  if (strncmp(name, "struct ", 7) == 0)
    name += 7;
  char *poll = NULL;
  if (!strchr(name, ' ') && asprintf(&poll, "%s%s", name, b->poll_suffix) < 0)
    poll = NULL;
  clang_disposeString(sp);
  const char *out = poll ? hd__program_intern(b->prog, poll) : NULL;
  free(poll);
  return out;
}

/* The assignment target lhs, when it is a local or part of one. */
static CXCursor assigned_local(CXCursor lhs) {
  CXCursor v = local_base(lhs);
  return !clang_Cursor_isNull(v) && plain_local(v) ? v : clang_getNullCursor();
}

/* `v = value` where v is a plain local: a constructor's result stored
 * there is still to be used through v. */
static void sink(builder *b, CXCursor lhs, CXCursor value) {
  CXCursor l = hd__cursor_strip(lhs);
  const char *local = NULL;
  if (clang_getCursorKind(l) == CXCursor_VarDecl && plain_local(l)) {
    char *vn = spelling(l), *id = NULL;
    if (vn && asprintf(&id, "@%s", vn) < 0)
      id = NULL;
    local = id ? hd__program_intern(b->prog, id) : NULL;
    free(vn);
    free(id);
  } else if (clang_getCursorKind(l) == CXCursor_DeclRefExpr &&
             plain_local(clang_getCursorReferenced(l))) {
    char *id = hd__lockid_ptr(l, &b->lctx);
    local = id ? hd__program_intern(b->prog, id) : NULL;
    free(id);
  }
  b->sink_call = local ? hd__cursor_strip(value) : clang_getNullCursor();
  b->sink_local = local;
}

/* Marks CALL node n of constructor `call`: the future it initialises, and
 * whether its result is discarded or kept in a plain local (any other use
 * of the result uses the future). */
static void mark_ctor(builder *b, int n, CXCursor call) {
  bool is_void = clang_getCanonicalType(clang_getCursorType(call)).kind == CXType_Void;
  char *id = hd__lockid_ptr(clang_Cursor_getArgument(call, 0), &b->lctx);
  hd__node *nd = &b->fn->nodes[n];
  nd->ctor_obj = id ? hd__program_intern(b->prog, id) : NULL;
  free(id);
  if (!is_void && b->sink_local && clang_equalCursors(call, b->sink_call))
    nd->ctor_local = b->sink_local;
  nd->ctor_unused = is_void || nd->ctor_local || discarded(b->stmt_top, call);
}

/* What the non-send-spawn hooks (ir/send.h) need. */
static hd__send_ctx send_ctx(builder *b) {
  return (hd__send_ctx){b->prog, b->model, &b->lctx, b->fn, b->tu_file};
}

/* ---- futures referred to by call arguments (cancel-unsafe-select) ----- */

/* rec (canonical) is a record whose first member is the future type. */
static bool future_record(builder *b, CXType rec) {
  if (rec.kind != CXType_Record || !know_future_type(b))
    return false;
  CXType first = {.kind = CXType_Invalid};
  clang_Type_visitFields(rec, first_field, &first);
  return first.kind != CXType_Invalid && clang_equalTypes(first, b->future_type);
}

static void add_futref(builder *b, int n, int arg, CXCursor at, const char *obj, CXType rec) {
  hd__node *nd = &b->fn->nodes[n];
  if (!obj)
    return;
  hd__futref *g = realloc(nd->futs, sizeof *g * (size_t)(nd->nfuts + 1));
  if (!g)
    return;
  nd->futs = g;
  hd__futref *r = &nd->futs[nd->nfuts++];
  *r = (hd__futref){arg, hd__program_intern(b->prog, obj), NULL, HD__SAFETY_UNKNOWN, loc_of(b, at)};
  if (rec.kind != CXType_Record)
    return;
  CXString sp = clang_getTypeSpelling(clang_getUnqualifiedType(rec));
  const char *name = clang_getCString(sp);
  if (strncmp(name, "struct ", 7) == 0)
    name += 7;
  if (!strchr(name, ' '))
    r->type = hd__program_intern(b->prog, name);
  clang_disposeString(sp);
  void *ctx[3] = {b, NULL, NULL};
  clang_visitChildren(clang_getTypeDeclaration(rec), find_annotation, ctx);
  const hd__api_fn *api = ctx[1];
  if (api && api->role == HD__ROLE_FUTURE)
    r->safety = api->cancel_safe;
}

/* Records on CALL node n the future argument `arg` (expression a) refers
 * to, if any (see hd__futref). */
static void future_ref(builder *b, int n, int arg, CXCursor a) {
  a = hd__cursor_strip(a);
  enum CXCursorKind k = clang_getCursorKind(a);
  if (k == CXCursor_CompoundLiteralExpr || k == CXCursor_InitListExpr) {
    kids ch = children(a);
    for (int i = 0; i < ch.n; i++)
      if (is_code(ch.v[i]))
        future_ref(b, n, arg, ch.v[i]);
    free(ch.v);
    return;
  }
  if (k == CXCursor_CallExpr) {
    const callee_info *ci = call_target(b, a);
    if (!ci || !is_ctor(b, a, ci->api))
      return;
    CXCursor x = clang_Cursor_getArgument(a, 0);
    char *id = hd__lockid_ptr(x, &b->lctx);
    add_futref(b, n, arg, a, id,
               clang_getCanonicalType(clang_getPointeeType(clang_getCursorType(x))));
    free(id);
    return;
  }
  CXType t = clang_getCanonicalType(clang_getCursorType(a));
  if (t.kind != CXType_Pointer || !know_future_type(b))
    return;
  CXType pt = clang_getCanonicalType(clang_getPointeeType(t));
  char *id = hd__lockid_ptr(a, &b->lctx);
  if (!id)
    return;
  if (future_record(b, pt) && !clang_equalTypes(pt, b->future_type)) {
    add_futref(b, n, arg, a, id, pt); /* `&x`, x a future struct */
  } else if (clang_equalTypes(pt, b->future_type)) {
    /* `&x.hd`: the header of x when it is x's first member */
    CXType rec = {.kind = CXType_Invalid};
    kids op = children(a);
    CXCursor m = op.n == 1 ? hd__cursor_strip(op.v[0]) : clang_getNullCursor();
    free(op.v);
    if (clang_getCursorKind(a) == CXCursor_UnaryOperator &&
        clang_getCursorUnaryOperatorKind(a) == CXUnaryOperator_AddrOf &&
        clang_getCursorKind(m) == CXCursor_MemberRefExpr) {
      kids base = children(m);
      if (base.n >= 1) {
        rec = clang_getCanonicalType(clang_getCursorType(base.v[0]));
        if (rec.kind == CXType_Pointer)
          rec = clang_getCanonicalType(clang_getPointeeType(rec));
      }
      free(base.v);
    }
    char *member = spelling(m);
    size_t li = strlen(id), lm = member ? strlen(member) : 0;
    if (future_record(b, rec) && lm && li > lm + 1 && id[li - lm - 1] == '.' &&
        strcmp(id + li - lm, member) == 0) {
      id[li - lm - 1] = '\0';
      add_futref(b, n, arg, a, id, rec);
    } else {
      add_futref(b, n, arg, a, id, (CXType){.kind = CXType_Invalid});
    }
    free(member);
  }
  free(id);
}

static int call(builder *b, CXCursor e, int cur) {
  const callee_info *ci = call_target(b, e);
  bool ctor = ci && is_ctor(b, e, ci->api);
  CXCursor saved_arg = b->ctor_arg;
  if (ctor)
    b->ctor_arg = hd__cursor_strip(clang_Cursor_getArgument(e, 0));
  cur = eval_children(b, e, cur);
  int nargs = clang_Cursor_getNumArguments(e);
  for (int i = 0; i < nargs; i++)
    escape(b, cur, clang_Cursor_getArgument(e, (unsigned)i));
  b->ctor_arg = saved_arg;
  if (!ci)
    return cur;
  hd__loc loc = loc_of(b, e);
  const hd__api_fn *api = ci->api;
  int n = -1;
  if (api && (api->role == HD__ROLE_AWAIT || api->role == HD__ROLE_SUSPENDING)) {
    n = node(b, HD__EV_AWAIT, loc, cur);
    if (n >= 0) {
      b->nawaits++;
      link_child(b, n);
      b->fn->nodes[n].api = api;
    }
  } else if (lock_role(api) && api->role != HD__ROLE_LOCK_TRY) {
    int lock = lock_arg(b, e, api);
    if (lock >= 0) {
      n = node(b, api->role == HD__ROLE_LOCK_ACQUIRE ? HD__EV_ACQUIRE : HD__EV_RELEASE, loc, cur);
      if (n >= 0) {
        b->fn->nodes[n].lock = lock;
        b->fn->nodes[n].mode = api->mode;
      }
    }
  } else if ((!ci->system && !api) || checked_role(api)) {
    n = node(b, HD__EV_CALL, loc, cur);
    if (n >= 0) {
      b->fn->nodes[n].callee = fn_key(b, ci->name, ci->is_static);
      set_call_args(b, n, e);
      b->fn->nodes[n].child_name = frame_poll(b, e);
      b->fn->nodes[n].api = api;
      if (ctor)
        mark_ctor(b, n, e);
      if (api && api->role == HD__ROLE_SPAWN)
        b->fn->nodes[n].task_poll = spawned_poll(b, e, api->future_arg);
      for (int i = 0; i < nargs; i++)
        future_ref(b, n, i, clang_Cursor_getArgument(e, (unsigned)i));
      if (b->result_lhs && clang_equalCursors(e, b->result_call))
        b->fn->nodes[n].result_to = b->result_lhs;
      if (api && api->role == HD__ROLE_SPAWN) {
        hd__send_ctx sc = send_ctx(b);
        hd__send_spawn(&sc, e, api, n);
      }
    }
  }
  if (n >= 0)
    cur = n;
  if (ci->noreturn) {
    if (n < 0)
      node(b, HD__EV_NONE, loc, cur);
    return -1;
  }
  return cur;
}

static try_var *find_try(builder *b, CXCursor ref) {
  CXCursor decl = clang_getCursorReferenced(ref);
  for (int i = b->ntries - 1; i >= 0; i--)
    if (clang_equalCursors(b->tries[i].var, decl))
      return &b->tries[i];
  return NULL;
}

static void remember_try(builder *b, CXCursor var, const hd__api_fn *api, int lock, hd__loc loc) {
  if (!grow((void **)&b->tries, &b->captries, b->ntries, sizeof *b->tries))
    return;
  b->tries[b->ntries++] = (try_var){var, api, lock, loc};
}

/* If e is a call of a try-lock function, its pack entry. */
static const hd__api_fn *try_call(builder *b, CXCursor e) {
  e = hd__cursor_strip(e);
  if (clang_getCursorKind(e) != CXCursor_CallExpr)
    return NULL;
  const callee_info *ci = call_target(b, e);
  return ci && lock_role(ci->api) && ci->api->role == HD__ROLE_LOCK_TRY ? ci->api : NULL;
}

/* A blocking acquire whose result a condition tests (`if
 * (pthread_mutex_lock(&m) != 0) return -1;`): like a try, it holds the
 * lock only on its success branch. */
static const hd__api_fn *tested_lock_call(builder *b, CXCursor e) {
  const hd__api_fn *api = try_call(b, e);
  if (api)
    return api;
  e = hd__cursor_strip(e);
  if (clang_getCursorKind(e) != CXCursor_CallExpr)
    return NULL;
  const callee_info *ci = call_target(b, e);
  return ci && lock_role(ci->api) && ci->api->role == HD__ROLE_LOCK_ACQUIRE ? ci->api : NULL;
}

/* `v = trylock(...)`: evaluates the call and remembers v for a later test. */
static bool assign_try(builder *b, CXCursor var, CXCursor rhs, int *cur) {
  const hd__api_fn *api = try_call(b, rhs);
  if (!api)
    return false;
  CXCursor c = hd__cursor_strip(rhs);
  *cur = eval_children(b, c, *cur);
  int lock = lock_arg(b, c, api);
  if (lock >= 0)
    remember_try(b, var, api, lock, loc_of(b, c));
  return true;
}

static void end_alias(builder *b, CXCursor lhs);

static int binop(builder *b, CXCursor e, int cur) {
  enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(e);
  if (op == CXBinaryOperator_LAnd || op == CXBinaryOperator_LOr) {
    int t, f;
    cond(b, e, cur, &t, &f);
    return join(b, t, f, loc_of(b, e));
  }
  kids k = children(e);
  if (k.n == 2 && op == CXBinaryOperator_Assign) {
    end_alias(b, k.v[0]);
    CXCursor lhs = hd__cursor_strip(k.v[0]);
    if (clang_getCursorKind(lhs) == CXCursor_DeclRefExpr &&
        assign_try(b, clang_getCursorReferenced(lhs), k.v[1], &cur)) {
      free(k.v);
      return cur;
    }
  }
  bool assign = k.n == 2 && op == CXBinaryOperator_Assign;
  CXCursor target = assign ? assigned_local(k.v[0]) : clang_getNullCursor();
  if (assign)
    sink(b, k.v[0], k.v[1]);
  CXCursor saved_call = b->result_call;
  const char *saved_lhs = b->result_lhs;
  if (assign && clang_getCanonicalType(clang_getCursorType(k.v[0])).kind == CXType_Pointer) {
    char *id = hd__lockid_ptr(k.v[0], &b->lctx);
    b->result_call = hd__cursor_strip(k.v[1]);
    b->result_lhs = id ? hd__program_intern(b->prog, id) : NULL;
    free(id);
  }
  for (int i = 0; i < k.n; i++)
    if (is_code(k.v[i]) && (i > 0 || clang_Cursor_isNull(target)))
      cur = i == 0 && assign ? eval_lvalue(b, k.v[0], cur) : expr(b, k.v[i], cur);
  b->result_call = saved_call;
  b->result_lhs = saved_lhs;
  if (assign) {
    escape(b, cur, k.v[1]);
    hd__send_ctx sc = send_ctx(b);
    hd__send_assign(&sc, k.v[0], k.v[1], cur);
    b->sink_local = NULL;
    access_var(b, cur, target, loc_of(b, k.v[0]), HD__ACC_WRITE);
    mem_access(b, cur, k.v[0], HD__ACC_WRITE, k.v[1]);
  }
  free(k.v);
  return cur;
}

static int expr(builder *b, CXCursor e, int cur) {
  switch (clang_getCursorKind(e)) {
  case CXCursor_CallExpr:
    return call(b, e, cur);
  case CXCursor_BinaryOperator:
    return binop(b, e, cur);
  case CXCursor_ConditionalOperator: {
    kids k = children(e);
    if (k.n != 3) {
      free(k.v);
      return eval_children(b, e, cur);
    }
    int t, f;
    cond(b, k.v[0], cur, &t, &f);
    t = expr(b, k.v[1], t);
    f = expr(b, k.v[2], f);
    free(k.v);
    return join(b, t, f, loc_of(b, e));
  }
  case CXCursor_UnaryOperator: {
    enum CXUnaryOperatorKind uk = clang_getCursorUnaryOperatorKind(e);
    kids ch = children(e);
    CXCursor v = ch.n == 1 ? assigned_local(ch.v[0]) : clang_getNullCursor();
    hd__loc at = ch.n == 1 ? loc_of(b, ch.v[0]) : loc_of(b, e);
    free(ch.v);
    if (uk == CXUnaryOperator_AddrOf) {
      escape(b, cur, e);
      access_var(b, cur, v, at, HD__ACC_ADDR);
      return clang_Cursor_isNull(v) ? eval_addr_of(b, e, cur) : cur;
    }
    cur = eval_children(b, e, cur);
    if (uk == CXUnaryOperator_PostInc || uk == CXUnaryOperator_PostDec ||
        uk == CXUnaryOperator_PreInc || uk == CXUnaryOperator_PreDec)
      access_var(b, cur, v, at, HD__ACC_WRITE);
    mem_operator(b, cur, e);
    return cur;
  }
  case CXCursor_CompoundAssignOperator: {
    kids ch = children(e);
    CXCursor v = ch.n == 2 ? assigned_local(ch.v[0]) : clang_getNullCursor();
    hd__loc at = ch.n == 2 ? loc_of(b, ch.v[0]) : loc_of(b, e);
    free(ch.v);
    cur = eval_children(b, e, cur); /* reads the target too */
    access_var(b, cur, v, at, HD__ACC_WRITE);
    mem_operator(b, cur, e);
    return cur;
  }
  case CXCursor_MemberRefExpr:
  case CXCursor_ArraySubscriptExpr:
    cur = eval_children(b, e, cur);
    mem_access(b, cur, e, HD__ACC_READ, clang_getNullCursor());
    return cur;
  case CXCursor_DeclRefExpr:
    access_var(b, cur, clang_getCursorReferenced(e), loc_of(b, e), HD__ACC_READ);
    return cur;
  case CXCursor_UnaryExpr: /* sizeof, _Alignof: not evaluated */
    return cur;
  case CXCursor_UnexposedExpr: {
    /* GNU `a ?: b` is unexposed with four children: a, then a twice more
     * (the opaque condition and value), then b, evaluated only when a is 0 */
    kids k = children(e);
    if (k.n == 4 &&
        clang_equalRanges(clang_getCursorExtent(k.v[0]), clang_getCursorExtent(k.v[1])) &&
        clang_equalRanges(clang_getCursorExtent(k.v[0]), clang_getCursorExtent(k.v[2]))) {
      int t, f;
      cond(b, k.v[0], cur, &t, &f);
      f = expr(b, k.v[3], f);
      free(k.v);
      return join(b, t, f, loc_of(b, e));
    }
    free(k.v);
    return eval_children(b, e, cur);
  }
  case CXCursor_StmtExpr: {
    kids k = children(e);
    for (int i = 0; i < k.n; i++)
      cur = stmt(b, k.v[i], cur);
    free(k.v);
    return cur;
  }
  default:
    return eval_children(b, e, cur);
  }
}

/* ---- conditions -------------------------------------------------------- */

static enum CXChildVisitResult find_effect(CXCursor c, CXCursor parent, CXClientData d) {
  bool *found = d;
  enum CXCursorKind k = clang_getCursorKind(c);
  if (k == CXCursor_CallExpr || k == CXCursor_StmtExpr || k == CXCursor_CompoundAssignOperator ||
      (k == CXCursor_BinaryOperator &&
       clang_getCursorBinaryOperatorKind(c) == CXBinaryOperator_Assign)) {
    *found = true;
    return CXChildVisit_Break;
  }
  if (k == CXCursor_UnaryOperator) {
    enum CXUnaryOperatorKind op = clang_getCursorUnaryOperatorKind(c);
    if (op == CXUnaryOperator_PostInc || op == CXUnaryOperator_PostDec ||
        op == CXUnaryOperator_PreInc || op == CXUnaryOperator_PreDec) {
      *found = true;
      return CXChildVisit_Break;
    }
  }
  return CXChildVisit_Recurse;
}

static bool has_effect(CXCursor e) {
  bool effect = false;
  find_effect(e, e, &effect);
  if (!effect)
    clang_visitChildren(e, find_effect, &effect);
  return effect;
}

/* The value of e when it is an integer constant without side effects
 * (clang folds `(lock(&m), 1)` to 1, but the lock must still be seen). */
static bool const_int(CXCursor e, long long *v) {
  if (has_effect(e))
    return false;
  CXEvalResult r = clang_Cursor_Evaluate(e);
  if (!r)
    return false;
  bool ok = clang_EvalResult_getKind(r) == CXEval_Int;
  if (ok)
    *v = clang_EvalResult_getAsLongLong(r);
  clang_EvalResult_dispose(r);
  return ok;
}

/* ---- values, for path feasibility -------------------------------------- */

/* Records the value effects of expression statement e on node n. */
static void stmt_values(builder *b, CXCursor e, int n) {
  if (n >= 0 && b->fn->farena)
    hd__fexpr_from_cursor(b->fn->farena, e, &b->fn->nodes[n].fx);
}

/* The value of condition e, whose effects happen at node n. Inside an
 * expression statement (`y = x++ ? a : b;`) the statement's effects are
 * recorded once, after it: a condition with effects of its own is then
 * unconstrained and only havocs what it writes. */
static const hd__fexpr *cond_value(builder *b, CXCursor e, int n) {
  if (n < 0 || !b->fn->farena)
    return NULL;
  hd__fsteps fx = {0};
  const hd__fexpr *v = hd__fexpr_from_cursor(b->fn->farena, e, &fx);
  for (int i = 0; i < fx.n; i++) {
    if (b->in_expr && fx.v[i].kind == HD__FSTEP_ASSIGN)
      fx.v[i] = (hd__fstep){.kind = HD__FSTEP_HAVOC, .lv = fx.v[i].lv};
    hd__fsteps_push(b->fn->farena, &b->fn->nodes[n].fx, fx.v[i]);
  }
  return b->in_expr && fx.n ? NULL : v;
}

static int expr_stmt(builder *b, CXCursor e, int cur) {
  CXCursor saved_top = b->stmt_top;
  b->stmt_top = e;
  b->in_expr++;
  cur = expr(b, e, cur);
  b->in_expr--;
  b->stmt_top = saved_top;
  stmt_values(b, e, cur);
  return cur;
}

/* A two-way branch after `cur` on condition `c` (NULL: not modelled): *t
 * and *f are fresh nodes on each side. */
static void branch(builder *b, hd__loc loc, int cur, int *t, int *f, const hd__fexpr *c) {
  if (cur < 0) {
    *t = *f = -1;
    return;
  }
  int br = node(b, HD__EV_BRANCH, loc, cur);
  if (br >= 0)
    b->fn->nodes[br].cond = c;
  *t = node(b, HD__EV_NONE, loc, br);
  *f = node(b, HD__EV_NONE, loc, br);
}

/* The try-lock being tested by e (a call, a variable holding its result
 * or an assignment of one), evaluating what it must; NULL if e is not one.
 * *truthy says whether the test is "result != 0". */
static bool try_test(builder *b, CXCursor e, int *cur, const hd__api_fn **api, int *lock,
                     hd__loc *loc) {
  e = hd__cursor_strip(e);
  enum CXCursorKind k = clang_getCursorKind(e);
  if (k == CXCursor_CallExpr && (*api = tested_lock_call(b, e))) {
    *cur = eval_children(b, e, *cur);
    *lock = lock_arg(b, e, *api);
    *loc = loc_of(b, e);
    return *lock >= 0;
  }
  if (k == CXCursor_DeclRefExpr) {
    try_var *tv = find_try(b, e);
    if (!tv)
      return false;
    *api = tv->api;
    *lock = tv->lock;
    *loc = tv->loc;
    return true;
  }
  if (k == CXCursor_BinaryOperator &&
      clang_getCursorBinaryOperatorKind(e) == CXBinaryOperator_Assign) {
    kids ch = children(e);
    bool ok = false;
    if (ch.n == 2 && (*api = try_call(b, ch.v[1]))) {
      CXCursor c = hd__cursor_strip(ch.v[1]);
      *cur = eval_children(b, c, *cur);
      *lock = lock_arg(b, c, *api);
      *loc = loc_of(b, c);
      CXCursor lhs = hd__cursor_strip(ch.v[0]);
      if (*lock >= 0 && clang_getCursorKind(lhs) == CXCursor_DeclRefExpr)
        remember_try(b, clang_getCursorReferenced(lhs), *api, *lock, *loc);
      ok = *lock >= 0;
    }
    free(ch.v);
    return ok;
  }
  return false;
}

/* Adds the acquisition of a successful try on the edge leaving `side`. */
static int acquire_on(builder *b, int side, const hd__api_fn *api, int lock, hd__loc loc) {
  if (side < 0)
    return side;
  int n = node(b, HD__EV_ACQUIRE, loc, side);
  if (n >= 0) {
    b->fn->nodes[n].lock = lock;
    b->fn->nodes[n].mode = api->mode;
    b->fn->nodes[n].via = api->name;
  }
  return n;
}

/* Tests of a try-lock: `T`, `!T` (handled by cond), `T == K`, `T != K`. */
static bool try_cond(builder *b, CXCursor e, int cur, int *t, int *f) {
  const hd__api_fn *api;
  int lock;
  hd__loc loc;
  bool truthy = true; /* the true branch means "result != 0" */
  int c = cur;
  CXCursor s = hd__cursor_strip(e);
  if (try_test(b, s, &c, &api, &lock, &loc)) {
    truthy = true;
  } else if (clang_getCursorKind(s) == CXCursor_BinaryOperator) {
    enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(s);
    if (op != CXBinaryOperator_EQ && op != CXBinaryOperator_NE)
      return false;
    kids ch = children(s);
    long long k = 0;
    bool ok = false;
    if (ch.n == 2) {
      int side = const_int(ch.v[1], &k) ? 0 : const_int(ch.v[0], &k) ? 1 : -1;
      if (side >= 0 && try_test(b, ch.v[side], &c, &api, &lock, &loc)) {
        ok = true;
        /* "T == 0" is true when the result is zero; "T == K" (K != 0)
         * when it is nonzero (for a try, any nonzero value is the same). */
        truthy = (k != 0) == (op == CXBinaryOperator_EQ);
      }
    }
    free(ch.v);
    if (!ok)
      return false;
  } else {
    return false;
  }
  hd__loc bl = loc_of(b, e);
  branch(b, bl, c, t, f, NULL);
  bool success_when_true = (api->success == HD__SUCCESS_NONZERO) == truthy;
  if (success_when_true)
    *t = acquire_on(b, *t, api, lock, loc);
  else
    *f = acquire_on(b, *f, api, lock, loc);
  return true;
}

/* A test of the pack's runtime_current call against NULL (`rc()`,
 * `rc() == NULL`, `rc() != NULL`; `!rc()` through cond): the side where it
 * is NULL runs only outside any runtime, never as async code. */
static bool runtime_cond(builder *b, CXCursor s, int cur, int *t, int *f) {
  CXCursor c = s;
  bool null_when_true = false;
  if (clang_getCursorKind(s) == CXCursor_BinaryOperator) {
    enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(s);
    if (op != CXBinaryOperator_EQ && op != CXBinaryOperator_NE)
      return false;
    kids ch = children(s);
    long long k = 1;
    int side = -1;
    if (ch.n == 2)
      side = const_int(hd__cursor_strip(ch.v[1]), &k)   ? 0
             : const_int(hd__cursor_strip(ch.v[0]), &k) ? 1
                                                        : -1;
    if (side >= 0)
      c = hd__cursor_strip(ch.v[side]);
    free(ch.v);
    if (side < 0 || k != 0)
      return false;
    null_when_true = op == CXBinaryOperator_EQ;
  }
  if (clang_getCursorKind(c) != CXCursor_CallExpr)
    return false;
  const callee_info *ci = call_target(b, c);
  if (!ci || !ci->api || ci->api->role != HD__ROLE_RUNTIME_CURRENT)
    return false;
  int at = expr(b, s, cur);
  branch(b, loc_of(b, s), at, t, f, cond_value(b, s, at));
  int off = null_when_true ? *t : *f;
  if (off >= 0)
    b->fn->nodes[off].off_runtime = true;
  return true;
}

static void cond(builder *b, CXCursor e, int cur, int *t, int *f) {
  CXCursor s = hd__cursor_strip(e);
  enum CXCursorKind k = clang_getCursorKind(s);
  long long v;
  if (const_int(s, &v)) {
    *t = v ? cur : -1;
    *f = v ? -1 : cur;
    return;
  }
  if (k == CXCursor_BinaryOperator) {
    enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(s);
    if (op == CXBinaryOperator_LAnd || op == CXBinaryOperator_LOr) {
      kids ch = children(s);
      if (ch.n == 2) {
        int lt, lf, rt, rf;
        cond(b, ch.v[0], cur, &lt, &lf);
        if (op == CXBinaryOperator_LAnd) {
          cond(b, ch.v[1], lt, &rt, &rf);
          *t = rt;
          *f = join(b, lf, rf, loc_of(b, s));
        } else {
          cond(b, ch.v[1], lf, &rt, &rf);
          *t = join(b, lt, rt, loc_of(b, s));
          *f = rf;
        }
        free(ch.v);
        return;
      }
      free(ch.v);
    }
  }
  if (k == CXCursor_UnaryOperator && clang_getCursorUnaryOperatorKind(s) == CXUnaryOperator_LNot) {
    kids ch = children(s);
    if (ch.n == 1) {
      cond(b, ch.v[0], cur, f, t);
      free(ch.v);
      return;
    }
    free(ch.v);
  }
  if (runtime_cond(b, s, cur, t, f))
    return;
  if (try_cond(b, s, cur, t, f))
    return;
  int c = expr(b, e, cur);
  branch(b, loc_of(b, e), c, t, f, cond_value(b, e, c));
}

/* ---- statements -------------------------------------------------------- */

/* Which children of a for statement are init, cond and inc: libclang
 * leaves out the missing ones, so they are placed by the semicolons. */
static void for_parts(builder *b, CXCursor s, kids *k, int *init, int *cnd, int *inc) {
  *init = *cnd = *inc = -1;
  if (k->n == 4) {
    *init = 0;
    *cnd = 1;
    *inc = 2;
    return;
  }
  CXToken *toks;
  unsigned n;
  clang_tokenize(b->tu, clang_getCursorExtent(s), &toks, &n);
  unsigned semi[2] = {0, 0};
  int nsemi = 0, depth = 0;
  for (unsigned i = 0; i < n && nsemi < 2; i++) {
    CXString sp = clang_getTokenSpelling(b->tu, toks[i]);
    const char *t = clang_getCString(sp);
    if (strcmp(t, "(") == 0)
      depth++;
    else if (strcmp(t, ")") == 0)
      depth--;
    else if (strcmp(t, ";") == 0 && depth == 1) {
      CXSourceLocation l = clang_getTokenLocation(b->tu, toks[i]);
      clang_getFileLocation(l, NULL, NULL, NULL, &semi[nsemi++]);
    }
    clang_disposeString(sp);
  }
  clang_disposeTokens(b->tu, toks, n);
  if (nsemi < 2) {
    /* the header comes from a macro (WITH_LOCK-style): place the parts by
     * count, a declaration being the init */
    int parts = k->n - 1, i = 0;
    if (parts == 3 || (parts >= 1 && clang_getCursorKind(k->v[0]) == CXCursor_DeclStmt))
      *init = i++;
    if (i < parts)
      *cnd = i++;
    if (i < parts)
      *inc = i++;
    return;
  }
  for (int i = 0; i + 1 < k->n; i++) {
    unsigned off;
    clang_getFileLocation(clang_getRangeStart(clang_getCursorExtent(k->v[i])), NULL, NULL, NULL,
                          &off);
    if (off < semi[0])
      *init = i;
    else if (off < semi[1])
      *cnd = i;
    else
      *inc = i;
  }
}

static int loop_stmt(builder *b, CXCursor s, int cur, enum CXCursorKind kind) {
  kids k = children(s);
  hd__loc loc = loc_of(b, s);
  int saved_brk = b->brk, saved_cont = b->cont;
  int saved_brk_depth = b->brk_depth, saved_cont_depth = b->cont_depth;
  b->brk_depth = b->cont_depth = b->ncleanups;
  int out = node(b, HD__EV_NONE, loc, -1);
  int result = -1;
  if (k.n == 0)
    goto done;
  if (kind == CXCursor_WhileStmt && k.n == 2) {
    int head = node(b, HD__EV_NONE, loc, cur);
    int t, f;
    cond(b, k.v[0], head, &t, &f);
    b->brk = out;
    b->cont = head;
    hd__function_add_edge(b->fn, stmt(b, k.v[1], t), head);
    hd__function_add_edge(b->fn, f, out);
  } else if (kind == CXCursor_DoStmt && k.n == 2) {
    int head = node(b, HD__EV_NONE, loc, cur);
    int test = node(b, HD__EV_NONE, loc_of(b, k.v[1]), -1);
    b->brk = out;
    b->cont = test;
    hd__function_add_edge(b->fn, stmt(b, k.v[0], head), test);
    int t, f;
    cond(b, k.v[1], test, &t, &f);
    hd__function_add_edge(b->fn, t, head);
    hd__function_add_edge(b->fn, f, out);
  } else if (kind == CXCursor_ForStmt) {
    int init, cnd, inc;
    for_parts(b, s, &k, &init, &cnd, &inc);
    if (init >= 0)
      cur = stmt(b, k.v[init], cur);
    int head = node(b, HD__EV_NONE, loc, cur);
    int t = head, f = -1;
    if (cnd >= 0)
      cond(b, k.v[cnd], head, &t, &f);
    int step = node(b, HD__EV_NONE, loc, -1);
    b->brk = out;
    b->cont = step;
    hd__function_add_edge(b->fn, stmt(b, k.v[k.n - 1], t), step);
    int after = inc >= 0 ? expr_stmt(b, k.v[inc], step) : step;
    hd__function_add_edge(b->fn, after, head);
    hd__function_add_edge(b->fn, f, out);
  }
  result = out;
done:
  b->brk = saved_brk;
  b->cont = saved_cont;
  b->brk_depth = saved_brk_depth;
  b->cont_depth = saved_cont_depth;
  free(k.v);
  return result;
}

/* True when s is the coroutine resume dispatch: a switch written by a
 * macro on the frame's resume member. */
static bool is_resume_switch(builder *b, CXCursor s, CXCursor c) {
  if (!b->resume_member)
    return false;
  CXCursor m = hd__cursor_strip(c);
  if (clang_getCursorKind(m) != CXCursor_MemberRefExpr)
    return false;
  CXString sp = clang_getCursorSpelling(m);
  bool named = strcmp(clang_getCString(sp), b->resume_member) == 0;
  clang_disposeString(sp);
  if (!named)
    return false;
  CXSourceLocation l = clang_getCursorLocation(s);
  CXFile f1, f2;
  unsigned o1, o2;
  clang_getExpansionLocation(l, &f1, NULL, NULL, &o1);
  clang_getSpellingLocation(l, &f2, NULL, NULL, &o2);
  return !clang_File_isEqual(f1, f2) || o1 != o2;
}

/* The dispatch edge of a switch to `to` (a case, or the end when there is
 * no default), through a node that assumes the case's condition and keeps
 * its negation for the edge to default (cs NULL), which switch_stmt fills
 * in once every case is known. */
static int case_edge(builder *b, switch_ctx *sw, const CXCursor *cs, hd__loc loc, int to) {
  int a = node(b, HD__EV_NONE, loc, sw->dispatch);
  hd__function_add_edge(b->fn, a, to);
  const hd__fexpr *c =
      cs && a >= 0 && b->fn->farena ? hd__fcase_cond(b->fn->farena, sw->value, *cs) : NULL;
  if (c) {
    hd__fsteps_push(b->fn->farena, &b->fn->nodes[a].fx,
                    (hd__fstep){.kind = HD__FSTEP_COND, .taken = true, .e = c});
    hd__fsteps_push(b->fn->farena, &sw->not_cases,
                    (hd__fstep){.kind = HD__FSTEP_COND, .taken = false, .e = c});
  }
  return a;
}

static int switch_stmt(builder *b, CXCursor s, int cur) {
  kids k = children(s);
  if (k.n < 2) {
    free(k.v);
    return cur;
  }
  hd__loc loc = loc_of(b, s);
  switch_ctx sw = {-1, is_resume_switch(b, s, k.v[0]), false, NULL, {0}, -1};
  switch_ctx *saved_sw = b->sw;
  int saved_brk = b->brk, saved_brk_depth = b->brk_depth;
  b->brk_depth = b->ncleanups;
  int out = node(b, HD__EV_NONE, loc, -1);
  int body_in;
  if (sw.resume) {
    body_in = cur; /* entry goes to `case 0`, the top of the body */
  } else {
    cur = expr(b, k.v[0], cur);
    sw.value = cond_value(b, k.v[0], cur);
    sw.dispatch = node(b, HD__EV_NONE, loc, cur);
    body_in = -1;
  }
  b->sw = &sw;
  b->brk = out;
  hd__function_add_edge(b->fn, stmt(b, k.v[k.n - 1], body_in), out);
  if (!sw.resume && !sw.has_default)
    sw.to_default = case_edge(b, &sw, NULL, loc, out);
  if (sw.to_default >= 0)
    b->fn->nodes[sw.to_default].fx = sw.not_cases;
  b->sw = saved_sw;
  b->brk = saved_brk;
  b->brk_depth = saved_brk_depth;
  free(k.v);
  return out;
}

static int case_stmt(builder *b, CXCursor s, int cur, bool is_default) {
  kids k = children(s);
  int n = node(b, HD__EV_NONE, loc_of(b, s), cur);
  if (b->sw && !b->sw->resume) {
    int e = case_edge(b, b->sw, is_default ? NULL : &s, loc_of(b, s), n);
    if (is_default)
      b->sw->to_default = e;
  }
  if (b->sw && is_default)
    b->sw->has_default = true;
  int out = k.n ? stmt(b, k.v[k.n - 1], n) : n;
  free(k.v);
  return out;
}

static void add_alias(builder *b, CXCursor var, const char *root) {
  if (!grow((void **)&b->alias_vars, &b->capaliases, b->naliases, sizeof *b->alias_vars))
    return;
  const char **g = realloc(b->alias_roots, sizeof *g * (size_t)b->capaliases);
  if (!g)
    return;
  b->alias_roots = g;
  b->alias_vars[b->naliases] = var;
  b->alias_roots[b->naliases++] = root;
  b->lctx.alias_vars = b->alias_vars;
  b->lctx.alias_roots = b->alias_roots;
  b->lctx.naliases = b->naliases;
}

/* `T *v = (T *)param;`, `T *v = &f->st->mu;`, `T *v = f->st;`: a local
 * pointer initialised without side effects is written with the root of
 * its initialiser from now on (the last alias of a variable wins). */
static void maybe_alias(builder *b, CXCursor var, CXCursor init) {
  CXCursor e = hd__cursor_strip(init);
  enum CXCursorKind k = clang_getCursorKind(e);
  if (clang_getCanonicalType(clang_getCursorType(var)).kind != CXType_Pointer ||
      (k != CXCursor_DeclRefExpr && k != CXCursor_MemberRefExpr &&
       !(k == CXCursor_UnaryOperator &&
         clang_getCursorUnaryOperatorKind(e) == CXUnaryOperator_AddrOf)) ||
      has_effect(e))
    return;
  CXCursor decl = clang_getCursorReferenced(e);
  for (int i = 0; k == CXCursor_DeclRefExpr && i < b->lctx.nparams; i++) {
    char *vn = spelling(var);
    if (clang_equalCursors(b->lctx.params[i], decl) && vn && i < b->fn->nparams)
      b->fn->params[i] = hd__program_intern(b->prog, vn); /* messages name the local */
    free(vn);
  }
  char *root = hd__lockid_ptr(e, &b->lctx);
  if (root)
    add_alias(b, var, hd__program_intern(b->prog, root));
  free(root);
}

/* `v = ...;` ends what maybe_alias said about v. */
static void end_alias(builder *b, CXCursor lhs) {
  CXCursor e = hd__cursor_strip(lhs);
  if (clang_getCursorKind(e) != CXCursor_DeclRefExpr)
    return;
  CXCursor decl = clang_getCursorReferenced(e);
  for (int i = 0; i < b->naliases; i++)
    if (clang_equalCursors(b->alias_vars[i], decl)) {
      add_alias(b, decl, NULL);
      return;
    }
}

/* The function named by a cleanup attribute, from its tokens (libclang
 * does not expose the attribute), or NULL. */
static char *cleanup_fn(CXCursor attr) {
  CXTranslationUnit tu = clang_Cursor_getTranslationUnit(attr);
  CXToken *toks = NULL;
  unsigned n = 0;
  char *out = NULL;
  clang_tokenize(tu, clang_getCursorExtent(attr), &toks, &n);
  for (unsigned i = 0; i + 2 < n && !out; i++) {
    CXString a = clang_getTokenSpelling(tu, toks[i]);
    const char *t = clang_getCString(a);
    if (strcmp(t, "cleanup") == 0 || strcmp(t, "__cleanup__") == 0) {
      CXString c = clang_getTokenSpelling(tu, toks[i + 2]);
      out = strdup(clang_getCString(c));
      clang_disposeString(c);
    }
    clang_disposeString(a);
  }
  if (toks)
    clang_disposeTokens(tu, toks, n);
  return out;
}

static void push_cleanup(builder *b, CXCursor var, const char *fname) {
  if (!grow((void **)&b->cleanups, &b->capcleanups, b->ncleanups, sizeof *b->cleanups))
    return;
  char *vn = spelling(var);
  char *arg = NULL;
  bool is_static = clang_Cursor_getStorageClass(var) == CX_SC_Static;
  if (vn && asprintf(&arg, is_static ? "&%s::%s" : "&@%s%s", is_static ? b->lctx.fname : vn,
                     is_static ? vn : "") < 0)
    arg = NULL;
  if (arg)
    b->cleanups[b->ncleanups++] =
        (cleanup){fn_key(b, fname, true), hd__program_intern(b->prog, arg), var};
  free(arg);
  free(vn);
}

/* Calls the cleanups of the scopes above `depth`, innermost first. */
static int run_cleanups(builder *b, int cur, int depth, hd__loc at) {
  for (int i = b->ncleanups - 1; i >= depth && cur >= 0; i--) {
    int n = node(b, HD__EV_CALL, at, cur);
    if (n < 0)
      return cur;
    hd__node *nd = &b->fn->nodes[n];
    nd->callee = b->cleanups[i].fn_key;
    nd->args = calloc(1, sizeof *nd->args);
    /* a variable that aliases pointer value R is passed as "&" R, so that
     * the callee's *p is R again (see maybe_alias) */
    const char *arg = b->cleanups[i].arg;
    for (int a = 0; a < b->naliases; a++)
      if (clang_equalCursors(b->alias_vars[a], b->cleanups[i].var))
        arg = b->alias_roots[a];
    char *aliased = NULL;
    if (arg != b->cleanups[i].arg && (!arg || asprintf(&aliased, "&%s", arg) < 0))
      aliased = NULL;
    if (arg != b->cleanups[i].arg)
      arg = aliased ? hd__program_intern(b->prog, aliased) : b->cleanups[i].arg;
    free(aliased);
    if (nd->args) {
      nd->args[0] = arg;
      nd->nargs = 1;
    }
    cur = n;
  }
  return cur;
}

static int decl_stmt(builder *b, CXCursor s, int cur) {
  kids vars = children(s);
  for (int i = 0; i < vars.n; i++) {
    if (clang_getCursorKind(vars.v[i]) != CXCursor_VarDecl)
      continue;
    kids k = children(vars.v[i]);
    b->in_expr++;
    for (int j = 0; j < k.n; j++) {
      if (clang_getCursorKind(k.v[j]) == CXCursor_UnexposedAttr) {
        char *fname = cleanup_fn(k.v[j]);
        if (fname)
          push_cleanup(b, vars.v[i], fname);
        free(fname);
      }
      if (!is_code(k.v[j]))
        continue;
      maybe_alias(b, vars.v[i], k.v[j]);
      sink(b, vars.v[i], k.v[j]);
      if (!assign_try(b, vars.v[i], k.v[j], &cur))
        cur = expr(b, k.v[j], cur);
      escape(b, cur, k.v[j]);
      hd__send_ctx sc = send_ctx(b);
      hd__send_assign(&sc, vars.v[i], k.v[j], cur);
      b->sink_local = NULL;
      access_var(b, cur, vars.v[i], loc_of(b, vars.v[i]), HD__ACC_WRITE);
    }
    b->in_expr--;
    if (cur >= 0 && b->fn->farena)
      hd__fsteps_from_decl(b->fn->farena, vars.v[i], &b->fn->nodes[cur].fx);
    free(k.v);
  }
  free(vars.v);
  return cur;
}

static int stmt(builder *b, CXCursor s, int cur) {
  enum CXCursorKind kind = clang_getCursorKind(s);
  switch (kind) {
  case CXCursor_CompoundStmt: {
    int depth = b->ncleanups;
    kids k = children(s);
    for (int i = 0; i < k.n; i++)
      cur = stmt(b, k.v[i], cur);
    free(k.v);
    if (b->ncleanups > depth) {
      CXSourceRange r = clang_getCursorExtent(s);
      CXFile file;
      unsigned line, col;
      clang_getExpansionLocation(clang_getRangeEnd(r), &file, &line, &col, NULL);
      cur = run_cleanups(b, cur, depth, (hd__loc){intern_file(b, file), (int)line, (int)col});
      b->ncleanups = depth;
    }
    return cur;
  }
  case CXCursor_IfStmt: {
    kids k = children(s);
    int out = cur;
    if (k.n >= 2) {
      int t, f;
      int awaits = b->nawaits;
      cond(b, k.v[0], cur, &t, &f);
      bool saved = b->suspending;
      b->suspending = saved || b->nawaits > awaits;
      t = stmt(b, k.v[1], t);
      b->suspending = saved;
      if (k.n >= 3)
        f = stmt(b, k.v[2], f);
      out = join(b, t, f, loc_of(b, s));
    }
    free(k.v);
    return out;
  }
  case CXCursor_WhileStmt:
  case CXCursor_DoStmt:
  case CXCursor_ForStmt:
    return loop_stmt(b, s, cur, kind);
  case CXCursor_SwitchStmt:
    return switch_stmt(b, s, cur);
  case CXCursor_CaseStmt:
    return case_stmt(b, s, cur, false);
  case CXCursor_DefaultStmt:
    return case_stmt(b, s, cur, true);
  case CXCursor_LabelStmt: {
    int n = node(b, HD__EV_NONE, loc_of(b, s), cur);
    if (grow((void **)&b->labels, &b->caplabels, b->nlabels, sizeof *b->labels))
      b->labels[b->nlabels++] = (label){spelling(s), n};
    kids k = children(s);
    int out = k.n ? stmt(b, k.v[k.n - 1], n) : n;
    free(k.v);
    return out;
  }
  case CXCursor_GotoStmt: {
    kids k = children(s);
    if (k.n >= 1 && grow((void **)&b->gotos, &b->capgotos, b->ngotos, sizeof *b->gotos))
      b->gotos[b->ngotos++] = (pending_goto){spelling(k.v[0]), cur};
    free(k.v);
    return -1;
  }
  case CXCursor_IndirectGotoStmt:
    hd__function_add_edge(b->fn, eval_children(b, s, cur), b->fn->exit);
    return -1;
  case CXCursor_BreakStmt: /* leaving scopes runs their cleanups */
    hd__function_add_edge(b->fn, run_cleanups(b, cur, b->brk_depth, loc_of(b, s)), b->brk);
    return -1;
  case CXCursor_ContinueStmt:
    hd__function_add_edge(b->fn, run_cleanups(b, cur, b->cont_depth, loc_of(b, s)), b->cont);
    return -1;
  case CXCursor_ReturnStmt: {
    cur = eval_children(b, s, cur);
    escape_returned(b, s, cur);
    hd__send_ctx sc = send_ctx(b);
    hd__send_return(&sc, s, cur);
    int n = node(b, HD__EV_NONE, loc_of(b, s), cur);
    if (!b->suspending) /* a suspended coroutine keeps its scope alive */
      n = run_cleanups(b, n, 0, loc_of(b, s));
    if (b->suspending && b->fn->suspend < 0)
      b->fn->suspend = node(b, HD__EV_NONE, loc_of(b, s), -1);
    hd__function_add_edge(b->fn, n, b->suspending ? b->fn->suspend : b->fn->exit);
    return -1;
  }
  case CXCursor_DeclStmt:
    return decl_stmt(b, s, cur);
  case CXCursor_NullStmt:
  case CXCursor_GCCAsmStmt:
    return cur;
  default:
    if (clang_isExpression(kind))
      return expr_stmt(b, s, cur);
    if (clang_isStatement(kind)) { /* attributed statements and the like */
      kids k = children(s);
      for (int i = 0; i < k.n; i++)
        cur = stmt(b, k.v[i], cur);
      free(k.v);
    }
    return cur;
  }
}

/* ---- functions --------------------------------------------------------- */

static void reset_body_state(builder *b) {
  for (int i = 0; i < b->nlabels; i++)
    free(b->labels[i].name);
  for (int i = 0; i < b->ngotos; i++)
    free(b->gotos[i].name);
  b->nlabels = b->ngotos = b->ntries = b->naliases = b->nawaits = 0;
  b->suspending = false;
  b->ncleanups = 0;
  b->lctx.naliases = 0;
  b->brk = b->cont = -1;
  b->brk_depth = b->cont_depth = 0;
  b->sw = NULL;
}

static int build_function(builder *b, CXCursor fdecl) {
  kids k = children(fdecl);
  CXCursor body = clang_getNullCursor();
  for (int i = 0; i < k.n; i++)
    if (clang_getCursorKind(k.v[i]) == CXCursor_CompoundStmt)
      body = k.v[i];
  free(k.v);
  if (clang_Cursor_isNull(body))
    return 0;
  char *name = spelling(fdecl);
  if (!name)
    return HD_ENOMEM;
  bool is_static = clang_Cursor_getStorageClass(fdecl) == CX_SC_Static;
  hd__loc loc = loc_of(b, fdecl);
  hd__function *fn = hd__function_new(fn_key(b, name, is_static), hd__program_intern(b->prog, name),
                                      loc, is_static);
  if (!fn) {
    free(name);
    return HD_ENOMEM;
  }
  fn->farena = hd__farena_new(); /* NULL: no values recorded, nothing else lost */
  int np = clang_Cursor_getNumArguments(fdecl);
  CXCursor *params = np > 0 ? calloc((size_t)np, sizeof *params) : NULL;
  fn->params = np > 0 ? calloc((size_t)np, sizeof *fn->params) : NULL;
  for (int i = 0; params && i < np; i++) {
    params[i] = clang_Cursor_getArgument(fdecl, (unsigned)i);
    char *pn = spelling(params[i]);
    if (fn->params && pn)
      fn->params[fn->nparams++] = hd__program_intern(b->prog, pn);
    free(pn);
  }
  CXType ft = clang_getCursorType(fdecl);
  CXType self = clang_getCanonicalType(clang_getPointeeType(clang_getArgType(ft, 0)));
  fn->drop_hook = np == 1 && know_future_type(b) &&
                  clang_getCanonicalType(clang_getResultType(ft)).kind == CXType_Void &&
                  clang_equalTypes(self, b->future_type);
  b->fn = fn;
  b->lctx = (hd__lockid_ctx){fdecl, name, params, params ? np : 0, NULL, NULL, 0};
  reset_body_state(b);
  fn->exit = node(b, HD__EV_NONE, loc_of(b, body), -1);
  int end = stmt(b, body, 0);
  hd__function_add_edge(fn, end, fn->exit);
  for (int i = 0; i < b->ngotos; i++) {
    int target = fn->exit;
    for (int j = 0; j < b->nlabels; j++)
      if (strcmp(b->labels[j].name, b->gotos[i].name) == 0)
        target = b->labels[j].node;
    hd__function_add_edge(fn, b->gotos[i].from, target);
  }
  reset_body_state(b);
  free(params);
  free(name);
  b->fn = NULL;
  int rc = hd__program_add(b->prog, fn);
  if (rc < 0) {
    hd__function_free(fn);
    return rc;
  }
  b->built++;
  return 1;
}

static enum CXChildVisitResult top_level(CXCursor c, CXCursor parent, CXClientData d) {
  builder *b = d;
  if (clang_getCursorKind(c) == CXCursor_FunctionDecl && clang_isCursorDefinition(c) &&
      !clang_Location_isInSystemHeader(clang_getCursorLocation(c))) {
    int rc = build_function(b, c);
    if (rc < 0)
      return CXChildVisit_Break;
  }
  return CXChildVisit_Continue;
}

int hd__ir_build_tu(hd__program *prog, const hd__model *model, CXTranslationUnit tu) {
  builder b = {.prog = prog, .model = model, .tu = tu, .brk = -1, .cont = -1};
  CXString main_name = clang_getTranslationUnitSpelling(tu);
  b.tu_file = hd__program_intern(prog, clang_getCString(main_name));
  clang_disposeString(main_name);
  b.resume_member = hd__model_resume_member(model);
  b.poll_suffix = hd__model_poll_suffix(model);
  clang_visitChildren(clang_getTranslationUnitCursor(tu), top_level, &b);
  reset_body_state(&b);
  free(b.labels);
  free(b.gotos);
  free(b.tries);
  free(b.alias_vars);
  free(b.alias_roots);
  free(b.cleanups);
  tdestroy(b.callees, free_callee);
  return b.tu_file ? b.built : HD_ENOMEM;
}
