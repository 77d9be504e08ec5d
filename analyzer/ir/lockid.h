/* ir/lockid.h - canonical text of lock pointers (lock identity).
 *
 * The pointer to a lock is written canonically so that different spellings
 * of one lvalue compare equal as strings:
 *     &m          -> "&m"            m (a pthread_mutex_t *) -> "m"
 *     &f->mu      -> "&(*f).mu"      &(*f).mu -> "&(*f).mu"
 *     &s.locks[i] -> "&s.locks[i]"   casts and parentheses vanish
 * Roots: globals by name, static locals as "fn::name", other locals as
 * "@name" (or the parameter a local pointer was initialised from), parameters of the function being
 * built as "$N" (0-based) so a summary can be re-rooted at a call site with hd__lockid_subst(). */
#ifndef HEDDLE_ANALYZER_LOCKID_H
#define HEDDLE_ANALYZER_LOCKID_H

#include <clang-c/Index.h>

typedef struct hd__lockid_ctx {
  CXCursor fn;       /* the function whose body is being built */
  const char *fname; /* its name, for static locals */
  CXCursor *params;  /* its parameters, in order */
  int nparams;
  /* locals initialised from a parameter (`name *f = (name *)self;`):
   * they are written as that parameter's root */
  CXCursor *alias_vars;
  const char **alias_roots;
  int naliases;
} hd__lockid_ctx;

/* Canonical text of pointer-valued expression e (malloc'd, NULL on OOM). */
char *hd__lockid_ptr(CXCursor e, const hd__lockid_ctx *ctx);
/* Source text of e as written, tokens joined (malloc'd). */
char *hd__expr_text(CXCursor e);
/* Re-roots a callee's lock id at a call site: "$N" becomes args[N] and
 * "(*$N)" its dereference. Returns NULL when the id is rooted in a callee
 * local ('@') or an argument is missing: such an effect has no name in the
 * caller. */
char *hd__lockid_subst(const char *id, const char *const *args, int nargs);
/* Readable form of an id for messages: "&(*f).mu" -> "f->mu", "&m" ->
 * "m", "$N" -> params[N] (the function's parameter names) (malloc'd). */
char *hd__lockid_pretty(const char *id, const char *const *params, int nparams);
/* Skips parentheses and implicit casts (unexposed single-child nodes). */
CXCursor hd__cursor_strip(CXCursor e);

#endif
