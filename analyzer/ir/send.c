/* ir/send.c - spawn frames and thread-bound values from cursors (see
 * send.h). */
#include "ir/send.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Frames nest at most this deep (structs, unions, child frames). */
#define MAX_DEPTH 8
/* Fields recorded per spawned frame. */
#define MAX_ITEMS 1024

/* ---- cursor helpers ---------------------------------------------------- */

static const char *intern_cx(hd__program *p, CXString s) {
  const char *out = hd__program_intern(p, clang_getCString(s));
  clang_disposeString(s);
  return out;
}

/* The same file name the IR builder uses: the real path when known. */
static const char *intern_file(hd__program *p, CXFile file) {
  if (!file)
    return hd__program_intern(p, "<unknown>");
  CXString real = clang_File_tryGetRealPathName(file);
  const char *r = clang_getCString(real);
  const char *out = r && *r ? hd__program_intern(p, r) : intern_cx(p, clang_getFileName(file));
  clang_disposeString(real);
  return out;
}

/* Where the code at c is, as a node is located (the outermost expansion). */
static hd__loc expansion_loc(hd__program *p, CXCursor c) {
  CXFile file;
  unsigned line, col;
  clang_getExpansionLocation(clang_getRangeStart(clang_getCursorExtent(c)), &file, &line, &col,
                             NULL);
  return (hd__loc){intern_file(p, file), (int)line, (int)col};
}

/* Where declaration d is written (inside a macro argument: the argument). */
static hd__loc decl_loc(hd__program *p, CXCursor d) {
  CXFile file;
  unsigned line, col;
  clang_getFileLocation(clang_getCursorLocation(d), &file, &line, &col, NULL);
  return (hd__loc){intern_file(p, file), (int)line, (int)col};
}

typedef struct kids {
  CXCursor v[4];
  int n;
} kids;

static enum CXChildVisitResult collect(CXCursor c, CXCursor parent, CXClientData d) {
  kids *k = d;
  if (k->n < 4)
    k->v[k->n++] = c;
  return CXChildVisit_Continue;
}

static kids children(CXCursor c) {
  kids k = {.n = 0};
  clang_visitChildren(c, collect, &k);
  return k;
}

static bool is_array(enum CXTypeKind k) {
  return k == CXType_ConstantArray || k == CXType_IncompleteArray || k == CXType_VariableArray ||
         k == CXType_DependentSizedArray;
}

/* t without typedefs and elaborations on top. */
static CXType desugar(CXType t) {
  for (int i = 0; i < 32; i++) {
    if (t.kind == CXType_Elaborated)
      t = clang_Type_getNamedType(t);
    else if (t.kind == CXType_Typedef)
      t = clang_getTypedefDeclUnderlyingType(clang_getTypeDeclaration(t));
    else
      break;
  }
  return t;
}

/* ---- types: Send or not ------------------------------------------------ */

typedef enum verdict { PLAIN, NOT_SEND, TRUSTED } verdict;

typedef struct annot {
  bool not_send, trusted;
} annot;

static enum CXChildVisitResult find_send_annot(CXCursor c, CXCursor parent, CXClientData d) {
  annot *a = d;
  if (clang_getCursorKind(c) != CXCursor_AnnotateAttr)
    return CXChildVisit_Continue;
  CXString s = clang_getCursorSpelling(c);
  const char *t = clang_getCString(s);
  if (strcmp(t, "heddle.not_send") == 0)
    a->not_send = true;
  else if (strcmp(t, "heddle.sync") == 0 || strcmp(t, "heddle.send") == 0)
    a->trusted = true;
  clang_disposeString(s);
  return CXChildVisit_Continue;
}

/* The declaration of each typedef on the way from t down to the record,
 * and the record's own (at most max). */
static int type_chain(CXType t, CXCursor *decls, int max) {
  int n = 0;
  for (int i = 0; i < 32 && n < max; i++) {
    if (t.kind == CXType_Elaborated) {
      t = clang_Type_getNamedType(t);
      continue;
    }
    if (t.kind != CXType_Typedef && t.kind != CXType_Record)
      break;
    decls[n++] = clang_getTypeDeclaration(t);
    if (t.kind == CXType_Record)
      break;
    t = clang_getTypedefDeclUnderlyingType(decls[n - 1]);
  }
  return n;
}

/* What t says about Send: HD_NOT_SEND / HD_SYNC / HD_SEND annotations on
 * any declaration of its chain (typedefs, then the record) first, then the
 * packs' `types:` by name. *why (interned) explains NOT_SEND. */
static verdict type_verdict(const hd__send_ctx *c, CXType t, const char **why) {
  CXCursor decls[16];
  int n = type_chain(t, decls, 16);
  for (int pass = 0; pass < 2; pass++)
    for (int i = 0; i < n; i++) {
      CXString sp = clang_getCursorSpelling(decls[i]);
      const char *name = clang_getCString(sp);
      verdict v = PLAIN;
      const char *how = NULL;
      if (pass == 0) {
        annot a = {false, false};
        clang_visitChildren(decls[i], find_send_annot, &a);
        v = a.not_send ? NOT_SEND : a.trusted ? TRUSTED : PLAIN;
        how = "annotated heddle.not_send";
      } else {
        const hd__api_type *pt = *name ? hd__model_lookup_type(c->model, name) : NULL;
        v = pt && pt->sync ? TRUSTED : pt && pt->not_send ? NOT_SEND : PLAIN;
        how = "rule pack: not_send";
      }
      char *text = NULL;
      if (v == NOT_SEND && asprintf(&text, "%s is not Send (%s)", name, how) >= 0) {
        *why = hd__program_intern(c->prog, text);
        free(text);
      }
      clang_disposeString(sp);
      if (v != PLAIN)
        return v;
    }
  return PLAIN;
}

/* ---- the frame walk ---------------------------------------------------- */

typedef struct walker {
  const hd__send_ctx *c;
  hd__frame_item *items;
  int n, cap;
  char path[512];
  int depth;
} walker;

static void walk(walker *w, CXType rec);

static const char *type_text(const hd__send_ctx *c, CXType t) {
  CXString s = clang_getTypeSpelling(t);
  const char *sp = clang_getCString(s);
  const char *out;
  if (strstr(sp, "(unnamed") || strstr(sp, "(anonymous"))
    out =
        hd__program_intern(c->prog, strncmp(sp, "union", 5) == 0 ? "union {...}" : "struct {...}");
  else
    out = hd__program_intern(c->prog, sp);
  clang_disposeString(s);
  return out;
}

static hd__frame_item *add_item(walker *w) {
  if (w->n == w->cap) {
    int cap = w->cap ? w->cap * 2 : 16;
    if (cap > MAX_ITEMS)
      return NULL;
    hd__frame_item *g = realloc(w->items, sizeof *g * (size_t)cap);
    if (!g)
      return NULL;
    w->items = g;
    w->cap = cap;
  }
  hd__frame_item *it = &w->items[w->n++];
  memset(it, 0, sizeof *it);
  return it;
}

static enum CXVisitorResult visit_field(CXCursor field, CXClientData d) {
  walker *w = d;
  const hd__send_ctx *c = w->c;
  CXType ft = clang_getCursorType(field);
  CXString ns = clang_getCursorSpelling(field);
  const char *name = clang_getCString(ns);
  size_t len = strlen(w->path);
  /* an anonymous struct/union member: its members are the frame's own
   * (libclang spells it "struct T::(anonymous at ...)") */
  bool anonymous = !*name || strpbrk(name, " (:") != NULL;
  if (!anonymous)
    snprintf(w->path + len, sizeof w->path - len, "%s%s", len ? "." : "", name);
  clang_disposeString(ns);
  CXType elem = desugar(ft);
  while (is_array(elem.kind))
    elem = desugar(clang_getArrayElementType(elem));
  hd__frame_item *it = anonymous ? NULL : add_item(w);
  if (it) {
    it->path = hd__program_intern(c->prog, w->path);
    it->type = type_text(c, ft);
    it->loc = decl_loc(c->prog, field);
  }
  const char *why = NULL;
  if (elem.kind == CXType_Record) {
    /* the element type with its typedefs, for the verdict */
    CXType named = ft;
    while (is_array(desugar(named).kind))
      named = clang_getArrayElementType(desugar(named));
    verdict v = type_verdict(c, named, &why);
    if (v == NOT_SEND && it) {
      it->why = why;
    } else if (v == PLAIN) {
      CXCursor decl = clang_getTypeDeclaration(elem);
      if (it && !clang_Cursor_isAnonymous(decl)) {
        CXString tag = clang_getCursorSpelling(decl);
        it->record = hd__program_intern(c->prog, clang_getCString(tag));
        clang_disposeString(tag);
      }
      if (w->depth < MAX_DEPTH) {
        w->depth++;
        walk(w, elem);
        w->depth--;
      }
    }
  } else if (elem.kind == CXType_Pointer && it) {
    if (type_verdict(c, clang_getPointeeType(elem), &why) == NOT_SEND)
      it->why = why;
  }
  w->path[len] = '\0';
  return CXVisit_Continue;
}

static void walk(walker *w, CXType rec) {
  clang_Type_visitFields(clang_getCanonicalType(rec), visit_field, w);
}

/* ---- the spawned future ------------------------------------------------ */

static enum CXVisitorResult first_field(CXCursor c, CXClientData d) {
  *(CXCursor *)d = c;
  return CXVisit_Break;
}

static CXCursor first_field_of(CXType rec) {
  CXCursor f = clang_getNullCursor();
  clang_Type_visitFields(clang_getCanonicalType(rec), first_field, &f);
  return f;
}

/* A frame: a record whose first member is a record (the future header). */
static bool is_frame(CXType t) {
  t = clang_getCanonicalType(t);
  if (t.kind != CXType_Record)
    return false;
  CXCursor f = first_field_of(t);
  return !clang_Cursor_isNull(f) &&
         clang_getCanonicalType(clang_getCursorType(f)).kind == CXType_Record;
}

static char *strip_amp(char *text) {
  if (text && text[0] == '&')
    memmove(text, text + 1, strlen(text));
  return text;
}

/* The frame type of the future that argument e points to, and the frame
 * object's canonical text (*obj, malloc'd, may be NULL). */
static bool spawned_frame(const hd__send_ctx *c, CXCursor e, CXType *frame, char **obj, int depth) {
  e = hd__cursor_strip(e);
  enum CXCursorKind k = clang_getCursorKind(e);
  if (k == CXCursor_CallExpr) /* a constructor: its argument 1 */
    return depth < 4 && clang_Cursor_getNumArguments(e) >= 1 &&
           spawned_frame(c, clang_Cursor_getArgument(e, 0), frame, obj, depth + 1);
  if (k == CXCursor_UnaryOperator &&
      clang_getCursorUnaryOperatorKind(e) == CXUnaryOperator_AddrOf) {
    kids ch = children(e);
    CXCursor o = ch.n == 1 ? hd__cursor_strip(ch.v[0]) : clang_getNullCursor();
    if (clang_getCursorKind(o) == CXCursor_MemberRefExpr) {
      kids mb = children(o);
      CXCursor base = mb.n >= 1 ? hd__cursor_strip(mb.v[0]) : clang_getNullCursor();
      CXType bt = clang_getCanonicalType(clang_getCursorType(base));
      if (bt.kind == CXType_Pointer)
        bt = clang_getCanonicalType(clang_getPointeeType(bt));
      if (!clang_Cursor_isNull(base) && is_frame(bt) &&
          clang_equalCursors(clang_getCursorReferenced(o), first_field_of(bt))) {
        /* `&x.hd`: "&X.hd" -> "X" */
        *frame = bt;
        char *text = strip_amp(hd__lockid_ptr(e, c->lctx));
        char *dot = text ? strrchr(text, '.') : NULL;
        if (dot)
          *dot = '\0';
        *obj = text;
        return true;
      }
    }
  }
  CXType t = clang_getCanonicalType(clang_getCursorType(e));
  if (t.kind != CXType_Pointer || !is_frame(clang_getPointeeType(t)))
    return false;
  *frame = clang_getCanonicalType(clang_getPointeeType(t));
  char *text = hd__lockid_ptr(e, c->lctx);
  if (text && text[0] == '&') {
    *obj = strip_amp(text);
  } else {
    char *d = NULL;
    if (text && asprintf(&d, "(*%s)", text) < 0)
      d = NULL;
    free(text);
    *obj = d;
  }
  return true;
}

void hd__send_spawn(const hd__send_ctx *c, CXCursor call, const hd__api_fn *api, int n) {
  unsigned arg = api->future_arg ? api->future_arg - 1 : 0;
  if ((int)arg >= clang_Cursor_getNumArguments(call))
    return;
  CXType frame;
  char *obj = NULL;
  if (!spawned_frame(c, clang_Cursor_getArgument(call, arg), &frame, &obj, 0))
    return;
  hd__spawn_frame *sf = calloc(1, sizeof *sf);
  if (!sf) {
    free(obj);
    return;
  }
  sf->type = intern_cx(c->prog, clang_getCursorSpelling(clang_getTypeDeclaration(frame)));
  sf->obj = obj ? hd__program_intern(c->prog, obj) : NULL;
  sf->tu = c->tu_file;
  free(obj);
  const char *why = NULL;
  walker w = {.c = c};
  switch (type_verdict(c, frame, &why)) { /* an annotated frame type is its own verdict */
  case PLAIN:
    walk(&w, frame);
    break;
  case TRUSTED:
    sf->trusted = true;
    break;
  case NOT_SEND: {
    hd__frame_item *it = add_item(&w);
    if (it) {
      it->path = hd__program_intern(c->prog, "");
      it->type = type_text(c, frame);
      it->why = why;
      it->loc = decl_loc(c->prog, clang_getTypeDeclaration(frame));
    }
    break;
  }
  }
  sf->items = w.items;
  sf->nitems = w.n;
  c->fn->nodes[n].spawn = sf;
}

/* ---- thread-bound values ----------------------------------------------- */

/* The _Thread_local variable lvalue e is, or is part of (`tls`,
 * `tls.buf`, `tls[i]`), or a null cursor. */
static CXCursor tls_object(CXCursor e) {
  for (int i = 0; i < 32; i++) {
    e = hd__cursor_strip(e);
    enum CXCursorKind k = clang_getCursorKind(e);
    if (k == CXCursor_DeclRefExpr) {
      CXCursor d = clang_getCursorReferenced(e);
      return clang_getCursorKind(d) == CXCursor_VarDecl && clang_getCursorTLSKind(d) != CXTLS_None
                 ? d
                 : clang_getNullCursor();
    }
    if (k != CXCursor_MemberRefExpr && k != CXCursor_ArraySubscriptExpr)
      break;
    kids ch = children(e);
    if (ch.n < 1)
      break;
    CXCursor base = hd__cursor_strip(ch.v[0]);
    enum CXTypeKind bt = clang_getCanonicalType(clang_getCursorType(base)).kind;
    if (bt == CXType_Pointer)
      break; /* `p->m`, `p[i]`: somewhere else */
    e = base;
  }
  return clang_getNullCursor();
}

static const char *var_key(const hd__send_ctx *c, CXCursor var) {
  CXString sp = clang_getCursorSpelling(var);
  const char *name = clang_getCString(sp);
  char *key = NULL;
  int rc = 0;
  if (clang_getCursorKind(clang_getCursorSemanticParent(var)) != CXCursor_FunctionDecl)
    key = strdup(name);
  else if (clang_Cursor_getStorageClass(var) == CX_SC_Static)
    rc = asprintf(&key, "%s::%s", c->lctx->fname, name);
  else
    rc = asprintf(&key, "@%s", name);
  if (rc < 0)
    key = NULL;
  clang_disposeString(sp);
  const char *out = key ? hd__program_intern(c->prog, key) : NULL;
  free(key);
  return out;
}

static const char *callee_key(const hd__send_ctx *c, CXCursor fdecl, const char *name) {
  if (clang_Cursor_getStorageClass(fdecl) != CX_SC_Static)
    return hd__program_intern(c->prog, name);
  char *k = NULL;
  if (asprintf(&k, "%s:%s", c->tu_file, name) < 0)
    return NULL;
  const char *out = hd__program_intern(c->prog, k);
  free(k);
  return out;
}

static enum CXChildVisitResult find_bound_annot(CXCursor a, CXCursor parent, CXClientData d) {
  const void **io = d; /* io[0] model, io[1] the entry found */
  if (clang_getCursorKind(a) == CXCursor_AnnotateAttr && !io[1]) {
    CXString s = clang_getCursorSpelling(a);
    const hd__api_fn *api = hd__model_lookup_annotation(io[0], clang_getCString(s));
    clang_disposeString(s);
    if (api && api->role == HD__ROLE_THREAD_BOUND)
      io[1] = api;
  }
  return CXChildVisit_Continue;
}

/* Whether the value of e is thread-bound (see send.h); fills what/callee/
 * tls of *b. */
static bool bound_value(const hd__send_ctx *c, CXCursor e, hd__bound *b, int depth) {
  if (depth > 8)
    return false;
  e = hd__cursor_strip(e);
  enum CXCursorKind k = clang_getCursorKind(e);
  enum CXTypeKind t = clang_getCanonicalType(clang_getCursorType(e)).kind;
  if (k == CXCursor_CallExpr) {
    CXCursor d = clang_getCursorReferenced(e);
    if (clang_getCursorKind(d) != CXCursor_FunctionDecl)
      return false;
    CXString sp = clang_getCursorSpelling(d);
    char *name = strdup(clang_getCString(sp));
    clang_disposeString(sp);
    if (!name)
      return false;
    const hd__api_fn *api = hd__model_lookup(c->model, name);
    const void *io[2] = {c->model, NULL};
    if (!api || api->role != HD__ROLE_THREAD_BOUND) {
      clang_visitChildren(d, find_bound_annot, io);
      if (io[1])
        api = io[1];
    }
    bool yes = false;
    if (api && api->role == HD__ROLE_THREAD_BOUND) {
      b->what = hd__program_intern(c->prog, name);
      yes = b->what != NULL;
    } else if (!api && !clang_Location_isInSystemHeader(clang_getCursorLocation(d))) {
      b->callee = callee_key(c, d, name);
      yes = b->callee != NULL;
    }
    free(name);
    return yes;
  }
  if (k == CXCursor_UnaryOperator &&
      clang_getCursorUnaryOperatorKind(e) == CXUnaryOperator_AddrOf) {
    kids ch = children(e);
    CXCursor v = ch.n == 1 ? tls_object(ch.v[0]) : clang_getNullCursor();
    if (clang_Cursor_isNull(v))
      return false;
    b->what = intern_cx(c->prog, clang_getCursorSpelling(v));
    b->tls = true;
    return b->what != NULL;
  }
  if ((k == CXCursor_DeclRefExpr || k == CXCursor_MemberRefExpr ||
       k == CXCursor_ArraySubscriptExpr) &&
      is_array(t)) { /* an array decays to its address */
    CXCursor v = tls_object(e);
    if (clang_Cursor_isNull(v))
      return false;
    b->what = intern_cx(c->prog, clang_getCursorSpelling(v));
    b->tls = true;
    return b->what != NULL;
  }
  if (k == CXCursor_DeclRefExpr) { /* a local that holds one */
    CXCursor d = clang_getCursorReferenced(e);
    if (clang_getCursorKind(d) != CXCursor_VarDecl)
      return false;
    const char *key = var_key(c, d);
    for (int i = c->fn->nbounds - 1; key && i >= 0; i--)
      if (c->fn->bounds[i].target == key) { /* the last store written before */
        b->what = c->fn->bounds[i].what;
        b->callee = c->fn->bounds[i].callee;
        b->tls = c->fn->bounds[i].tls;
        return b->what || b->callee;
      }
    return false;
  }
  if (k == CXCursor_BinaryOperator && t == CXType_Pointer) { /* `arena + used` */
    enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(e);
    if (op != CXBinaryOperator_Add && op != CXBinaryOperator_Sub)
      return false;
    kids ch = children(e);
    for (int i = 0; i < ch.n; i++) {
      enum CXTypeKind ot =
          clang_getCanonicalType(clang_getCursorType(hd__cursor_strip(ch.v[i]))).kind;
      if ((ot == CXType_Pointer || is_array(ot)) && bound_value(c, ch.v[i], b, depth + 1))
        return true;
    }
    return false;
  }
  if (k == CXCursor_ConditionalOperator) {
    kids ch = children(e);
    return ch.n == 3 &&
           (bound_value(c, ch.v[1], b, depth + 1) || bound_value(c, ch.v[2], b, depth + 1));
  }
  return false;
}

static void add_bound(const hd__send_ctx *c, hd__bound b) {
  hd__function *fn = c->fn;
  if (fn->nbounds == fn->capbounds) {
    int cap = fn->capbounds ? fn->capbounds * 2 : 8;
    hd__bound *g = realloc(fn->bounds, sizeof *g * (size_t)cap);
    if (!g)
      return;
    fn->bounds = g;
    fn->capbounds = cap;
  }
  fn->bounds[fn->nbounds++] = b;
}

static const char *target_text(const hd__send_ctx *c, CXCursor lhs) {
  CXCursor l = hd__cursor_strip(lhs);
  enum CXCursorKind k = clang_getCursorKind(l);
  if (k == CXCursor_VarDecl)
    return var_key(c, l);
  if (k == CXCursor_DeclRefExpr &&
      clang_getCursorKind(clang_getCursorReferenced(l)) == CXCursor_VarDecl)
    return var_key(c, clang_getCursorReferenced(l));
  char *text = hd__lockid_ptr(l, c->lctx);
  const char *out = text ? hd__program_intern(c->prog, text) : NULL;
  free(text);
  return out;
}

void hd__send_assign(const hd__send_ctx *c, CXCursor lhs, CXCursor rhs, int n) {
  if (n < 0)
    return;
  hd__bound b = {.node = n};
  bool bound = bound_value(c, rhs, &b, 0);
  if (!bound && c->fn->nbounds == 0)
    return;
  b.target = target_text(c, lhs);
  if (!b.target)
    return;
  if (!bound) { /* a plain store: kept only when it ends an earlier bound one */
    bool earlier = false;
    for (int i = 0; i < c->fn->nbounds && !earlier; i++)
      earlier =
          c->fn->bounds[i].target == b.target && (c->fn->bounds[i].what || c->fn->bounds[i].callee);
    if (!earlier)
      return;
    b = (hd__bound){.node = n, .target = b.target};
  }
  b.loc = expansion_loc(c->prog, rhs);
  add_bound(c, b);
}

void hd__send_return(const hd__send_ctx *c, CXCursor ret, int n) {
  kids ch = children(ret);
  if (n < 0 || ch.n != 1)
    return;
  hd__bound b = {.node = n};
  if (!bound_value(c, ch.v[0], &b, 0))
    return;
  b.loc = expansion_loc(c->prog, ch.v[0]);
  add_bound(c, b);
}
