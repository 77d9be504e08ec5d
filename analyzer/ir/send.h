/* ir/send.h - the facts non-send-spawn needs from the cursors, recorded
 * while the TU is alive (the IR builder calls these; the check reads
 * hd__node.spawn and hd__function.bounds after the TUs are gone).
 *
 *   spawn frames  at each call of a pack `spawn` function: the type of the
 *                 future handed over (the record whose first member is
 *                 the runtime's future header: `&s.hd` -> s's type, a
 *                 `T *` argument -> T, a constructor's argument 1), the
 *                 canonical text of that object in the spawner, and every
 *                 field of the frame walked recursively through structs
 *                 and unions embedded by value (child frames included):
 *                 its path, type, declaration and, for a field whose type
 *                 (or pointee) is not Send, why (an HD_NOT_SEND
 *                 annotation, a pack `types:` entry with not_send). Types
 *                 annotated HD_SEND / HD_SYNC, or sync in a pack, are
 *                 trusted and not walked; pointers are not followed.
 *   bounds        thread-bound values stored or returned: the result of a
 *                 pack `thread_bound` function (pthread_getspecific,
 *                 pthread_self), the address of a _Thread_local object
 *                 (`&tls`, an array that decays, `arena + n`), a local that
 *                 holds one, or the result of a program function (resolved
 *                 by the check: the function may return one).
 *
 * Everything is interned in the program; hd__spawn_frame is owned by its
 * node and freed with the function. */
#ifndef HEDDLE_ANALYZER_IR_SEND_H
#define HEDDLE_ANALYZER_IR_SEND_H

#include <clang-c/Index.h>

#include "ir/ir.h"
#include "ir/lockid.h"
#include "model/model.h"

/* What the hooks need from the builder. */
typedef struct hd__send_ctx {
  hd__program *prog;
  const hd__model *model;
  const hd__lockid_ctx *lctx;
  hd__function *fn;
  const char *tu_file; /* interned: the TU's main file (static keys) */
} hd__send_ctx;

/* Call `call` of spawn entry `api` is node n: records n's frame. */
void hd__send_spawn(const hd__send_ctx *c, CXCursor call, const hd__api_fn *api, int n);
/* `lhs = rhs` (lhs an expression, or the VarDecl it initialises) whose
 * store happens after node n: records a bound when rhs is thread-bound. */
void hd__send_assign(const hd__send_ctx *c, CXCursor lhs, CXCursor rhs, int n);
/* `return e;` after node n: records a returned bound. */
void hd__send_return(const hd__send_ctx *c, CXCursor ret, int n);

#endif
