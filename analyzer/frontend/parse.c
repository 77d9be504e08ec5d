/* frontend/parse.c - libclang parse of one command. */
#include "frontend/parse.h"

#include <stdio.h>

#include "heddle/error.h"

int hd__parse(CXIndex idx, const hd__command *cmd, CXTranslationUnit *out) {
  unsigned opts = CXTranslationUnit_DetailedPreprocessingRecord | CXTranslationUnit_KeepGoing;
  /* FullArgv wants the file among the arguments, after argv[0]. */
  const char *argv[cmd->argc + 2];
  argv[0] = cmd->argv[0];
  for (int i = 1; i < cmd->argc; i++)
    argv[i] = cmd->argv[i];
  argv[cmd->argc] = cmd->file;
  argv[cmd->argc + 1] = NULL;
  CXTranslationUnit tu = NULL;
  enum CXErrorCode ec =
      clang_parseTranslationUnit2FullArgv(idx, NULL, argv, cmd->argc + 1, NULL, 0, opts, &tu);
  if (ec != CXError_Success || !tu) {
    fprintf(stderr, "%s: error: libclang could not parse this file (code %d)\n", cmd->file,
            (int)ec);
    return HD_EINVAL;
  }
  int errors = 0;
  unsigned nd = clang_getNumDiagnostics(tu);
  for (unsigned i = 0; i < nd; i++) {
    CXDiagnostic d = clang_getDiagnostic(tu, i);
    if (clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error) {
      CXString s = clang_formatDiagnostic(d, clang_defaultDiagnosticDisplayOptions());
      fprintf(stderr, "%s\n", clang_getCString(s));
      clang_disposeString(s);
      errors++;
    }
    clang_disposeDiagnostic(d);
  }
  if (errors) {
    fprintf(stderr, "%s: error: %d compile error%s; this file is not analyzed\n", cmd->file, errors,
            errors == 1 ? "" : "s");
    clang_disposeTranslationUnit(tu);
    return HD_EINVAL;
  }
  *out = tu;
  return 0;
}
