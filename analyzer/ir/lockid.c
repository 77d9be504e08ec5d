/* ir/lockid.c - canonical lock pointer text from libclang cursors. */
#include "ir/lockid.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct kids {
  CXCursor v[8];
  int n;
} kids;

static enum CXChildVisitResult collect(CXCursor c, CXCursor parent, CXClientData d) {
  kids *k = d;
  if (k->n < 8)
    k->v[k->n++] = c;
  return CXChildVisit_Continue;
}

static kids children(CXCursor c) {
  kids k = {.n = 0};
  clang_visitChildren(c, collect, &k);
  return k;
}

CXCursor hd__cursor_strip(CXCursor e) {
  for (;;) {
    enum CXCursorKind k = clang_getCursorKind(e);
    if (k == CXCursor_ParenExpr || k == CXCursor_UnexposedExpr || k == CXCursor_CStyleCastExpr) {
      kids ch = children(e);
      if (ch.n == 0)
        return e;
      e = ch.v[ch.n - 1]; /* a C-style cast may carry a type ref first */
      continue;
    }
    return e;
  }
}

static char *dup_printf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *s = NULL;
  if (vasprintf(&s, fmt, ap) < 0)
    s = NULL;
  va_end(ap);
  return s;
}

static bool is_ident_char(char c) {
  return isalnum((unsigned char)c) || c == '_';
}

char *hd__expr_text(CXCursor e) {
  CXTranslationUnit tu = clang_Cursor_getTranslationUnit(e);
  CXToken *toks = NULL;
  unsigned n = 0;
  clang_tokenize(tu, clang_getCursorExtent(e), &toks, &n);
  size_t cap = 64, len = 0;
  char *out = malloc(cap);
  if (!out)
    goto done;
  out[0] = '\0';
  for (unsigned i = 0; i < n; i++) {
    CXString s = clang_getTokenSpelling(tu, toks[i]);
    const char *t = clang_getCString(s);
    size_t tl = strlen(t);
    bool space = len > 0 && is_ident_char(out[len - 1]) && is_ident_char(t[0]);
    if (len + tl + 2 > cap) {
      while (len + tl + 2 > cap)
        cap *= 2;
      char *grown = realloc(out, cap);
      if (!grown) {
        clang_disposeString(s);
        free(out);
        out = NULL;
        goto done;
      }
      out = grown;
    }
    if (space)
      out[len++] = ' ';
    memcpy(out + len, t, tl + 1);
    len += tl;
    clang_disposeString(s);
  }
done:
  if (toks)
    clang_disposeTokens(tu, toks, n);
  return out;
}

static char *var_root(CXCursor ref, const hd__lockid_ctx *ctx) {
  CXCursor decl = clang_getCursorReferenced(ref);
  CXString sp = clang_getCursorSpelling(decl);
  const char *name = clang_getCString(sp);
  char *out;
  enum CXCursorKind dk = clang_getCursorKind(decl);
  int param = -1;
  for (int i = 0; i < ctx->nparams; i++)
    if (clang_equalCursors(ctx->params[i], decl))
      param = i;
  const char *alias = NULL;
  for (int i = 0; i < ctx->naliases; i++)
    if (clang_equalCursors(ctx->alias_vars[i], decl))
      alias = ctx->alias_roots[i];
  if (alias) {
    out = strdup(alias);
  } else if (param >= 0) {
    out = dup_printf("$%d", param);
  } else if (dk == CXCursor_VarDecl &&
             clang_getCursorKind(clang_getCursorSemanticParent(decl)) == CXCursor_FunctionDecl) {
    if (clang_Cursor_getStorageClass(decl) == CX_SC_Static)
      out = dup_printf("%s::%s", ctx->fname, name);
    else
      out = dup_printf("@%s", name);
  } else if (dk == CXCursor_ParmDecl) {
    out = dup_printf("@%s", name); /* a parameter of a nested declarator */
  } else {
    out = strdup(name);
  }
  clang_disposeString(sp);
  return out;
}

static char *canon_obj(CXCursor e, const hd__lockid_ctx *ctx);

/* "*P" written so that "&X" dereferences back to "X". */
static char *deref(char *p) {
  if (!p)
    return NULL;
  char *out = p[0] == '&' ? strdup(p + 1) : dup_printf("(*%s)", p);
  free(p);
  return out;
}

char *hd__lockid_ptr(CXCursor e, const hd__lockid_ctx *ctx) {
  e = hd__cursor_strip(e);
  enum CXCursorKind k = clang_getCursorKind(e);
  if (k == CXCursor_UnaryOperator &&
      clang_getCursorUnaryOperatorKind(e) == CXUnaryOperator_AddrOf) {
    kids ch = children(e);
    if (ch.n == 1) {
      char *o = canon_obj(ch.v[0], ctx);
      char *out = o ? dup_printf("&%s", o) : NULL;
      free(o);
      return out;
    }
  }
  if (k == CXCursor_DeclRefExpr || k == CXCursor_MemberRefExpr ||
      k == CXCursor_ArraySubscriptExpr ||
      (k == CXCursor_UnaryOperator && clang_getCursorUnaryOperatorKind(e) == CXUnaryOperator_Deref))
    return canon_obj(e, ctx);
  return hd__expr_text(e);
}

static char *canon_obj(CXCursor e, const hd__lockid_ctx *ctx) {
  e = hd__cursor_strip(e);
  enum CXCursorKind k = clang_getCursorKind(e);
  kids ch = children(e);
  if (k == CXCursor_DeclRefExpr)
    return var_root(e, ctx);
  if (k == CXCursor_MemberRefExpr && ch.n >= 1) {
    CXCursor base = ch.v[0];
    CXType bt = clang_getCanonicalType(clang_getCursorType(hd__cursor_strip(base)));
    char *b = bt.kind == CXType_Pointer ? deref(hd__lockid_ptr(base, ctx)) : canon_obj(base, ctx);
    CXString m = clang_getCursorSpelling(e);
    char *out = b ? dup_printf("%s.%s", b, clang_getCString(m)) : NULL;
    clang_disposeString(m);
    free(b);
    return out;
  }
  if (k == CXCursor_UnaryOperator && clang_getCursorUnaryOperatorKind(e) == CXUnaryOperator_Deref &&
      ch.n == 1) {
    char *p = hd__lockid_ptr(ch.v[0], ctx);
    return p ? deref(p) : NULL;
  }
  if (k == CXCursor_ArraySubscriptExpr && ch.n == 2) {
    char *b = canon_obj(ch.v[0], ctx);
    char *i = hd__expr_text(ch.v[1]);
    char *out = b && i ? dup_printf("%s[%s]", b, i) : NULL;
    free(b);
    free(i);
    return out;
  }
  return hd__expr_text(e);
}

char *hd__lockid_subst(const char *id, const char *const *args, int nargs) {
  size_t cap = strlen(id) + 64, len = 0;
  char *out = malloc(cap);
  if (!out)
    return NULL;
  for (const char *p = id; *p;) {
    const char *piece = NULL;
    char *owned = NULL;
    size_t skip = 0;
    if (*p == '@') {
      free(out);
      return NULL;
    }
    bool star = strncmp(p, "(*$", 3) == 0;
    if (*p == '$' || star) {
      const char *d = p + (star ? 3 : 1);
      int n = 0;
      const char *q = d;
      while (isdigit((unsigned char)*q))
        n = n * 10 + (*q++ - '0');
      if (q == d || (star && *q != ')')) {
        piece = NULL;
      } else {
        if (n >= nargs || !args[n]) {
          free(out);
          return NULL;
        }
        if (star) {
          owned = deref(strdup(args[n]));
          piece = owned;
          skip = (size_t)(q + 1 - p);
        } else {
          piece = args[n];
          skip = (size_t)(q - p);
        }
      }
    }
    if (!piece) {
      piece = p;
      skip = 1;
    }
    size_t pl = piece == p ? 1 : strlen(piece);
    if (len + pl + 1 > cap) {
      while (len + pl + 1 > cap)
        cap *= 2;
      char *grown = realloc(out, cap);
      if (!grown) {
        free(out);
        free(owned);
        return NULL;
      }
      out = grown;
    }
    memcpy(out + len, piece, pl);
    len += pl;
    free(owned);
    p += skip;
  }
  out[len] = '\0';
  return out;
}

/* Rewrites the first "(*P)." into "P->"; false when there is none. */
static bool arrow_once(char *s) {
  for (char *p = s; (p = strstr(p, "(*")) != NULL; p++) {
    int depth = 0;
    char *q = p;
    for (; *q; q++) {
      if (*q == '(')
        depth++;
      else if (*q == ')' && --depth == 0)
        break;
    }
    if (*q == ')' && q[1] == '.') {
      /* "(*P)." -> "P->": drop "(*", turn ")." into "->" */
      memmove(p, p + 2, strlen(p + 2) + 1);
      q -= 2;
      q[0] = '-';
      q[1] = '>';
      return true;
    }
  }
  return false;
}

char *hd__lockid_pretty(const char *id, const char *const *params, int nparams) {
  char *plain = strdup(id[0] == '&' ? id + 1 : id);
  if (!plain)
    return NULL;
  char *o = plain;
  for (char *p = plain; *p; p++)
    if (*p != '@')
      *o++ = *p;
  *o = '\0';
  char *s = hd__lockid_subst(plain, params, nparams);
  if (!s)
    s = plain;
  else
    free(plain);
  while (arrow_once(s))
    ;
  return s;
}
