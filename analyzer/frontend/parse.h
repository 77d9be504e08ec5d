/* frontend/parse.h - one compile command -> one libclang TU.
 *
 * One CXIndex per worker thread (libclang indexes are not shared). The TU
 * keeps a detailed preprocessing record (macro expansions are how awaits
 * are located) and is parsed in keep-going mode; a TU with any error
 * diagnostic counts as failed: its errors are printed to stderr in clang's
 * format and it is not analyzed (a partial AST would give wrong CFGs). */
#ifndef HEDDLE_ANALYZER_PARSE_H
#define HEDDLE_ANALYZER_PARSE_H

#include <clang-c/Index.h>

#include "frontend/compdb.h"

/* 0 and *out set, or a negative HD_E* code (nothing to dispose). */
int hd__parse(CXIndex idx, const hd__command *cmd, CXTranslationUnit *out);

#endif
