/* ir/build.h - libclang cursors -> per-function CFG with model events.
 *
 * Rebuilds source-level control flow for every C statement (if, loops,
 * switch with fall-through, goto, break/continue, return, &&, ||, ?:,
 * comma, GNU statement expressions) and drops the coroutine resume
 * dispatch: the switch on the frame's resume member (named by the packs'
 * `resume_switch`) is entered at its first case, its case labels are plain
 * fall-through points, and each await marker call becomes an AWAIT node
 * whose `return HD_PENDING` branch is the suspend edge. Calls that do not
 * return (pack role noreturn, _Noreturn / noreturn declarations,
 * __builtin_unreachable) end their path. Constant conditions (while (1),
 * do ... while (0)) produce only the edge that can be taken. Every node is
 * located at the outermost macro expansion, so the whole HD_AWAIT maps to
 * its own line. */
#ifndef HEDDLE_ANALYZER_BUILD_H
#define HEDDLE_ANALYZER_BUILD_H

#include <clang-c/Index.h>

#include "ir/ir.h"
#include "model/model.h"

/* Adds every function defined in tu outside system headers to prog.
 * Returns the number of functions added or a negative HD_E* code. */
int hd__ir_build_tu(hd__program *prog, const hd__model *model, CXTranslationUnit tu);

#endif
