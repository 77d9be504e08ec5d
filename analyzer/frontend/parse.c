/* frontend/parse.c - libclang parse of one command. */
#include "frontend/parse.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heddle/error.h"

/* The option a driver diagnostic rejects ("unknown argument: '-fx'",
 * "unsupported option '-mx' for target ..."), or NULL. */
static char *rejected_option(CXDiagnostic d) {
  CXString s = clang_getDiagnosticSpelling(d);
  const char *t = clang_getCString(s);
  static const char *const forms[] = {"unknown argument: '", "unsupported option '"};
  char *out = NULL;
  for (int i = 0; i < 2 && !out; i++) {
    if (strncmp(t, forms[i], strlen(forms[i])) != 0)
      continue;
    const char *a = t + strlen(forms[i]);
    const char *e = strchr(a, '\'');
    if (e)
      out = strndup(a, (size_t)(e - a));
  }
  clang_disposeString(s);
  return out;
}

/* Errors of tu: each rejected option is dropped from argv (returns the
 * count dropped, *other counts the remaining errors; printed when print). */
static int scan_errors(CXTranslationUnit tu, const char **argv, int *argc, int *other, bool print) {
  int dropped = 0;
  *other = 0;
  unsigned nd = clang_getNumDiagnostics(tu);
  for (unsigned i = 0; i < nd; i++) {
    CXDiagnostic d = clang_getDiagnostic(tu, i);
    if (clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error) {
      char *opt = rejected_option(d);
      int before = *argc;
      for (int a = 1; opt && a < *argc; a++)
        if (strcmp(argv[a], opt) == 0) {
          memmove(&argv[a], &argv[a + 1], sizeof *argv * (size_t)(*argc - a));
          (*argc)--;
          a--;
        }
      if (*argc < before) {
        dropped++;
      } else {
        (*other)++;
        if (print) {
          CXString s = clang_formatDiagnostic(d, clang_defaultDiagnosticDisplayOptions());
          fprintf(stderr, "%s\n", clang_getCString(s));
          clang_disposeString(s);
        }
      }
      free(opt);
    }
    clang_disposeDiagnostic(d);
  }
  return dropped;
}

int hd__parse(CXIndex idx, const hd__command *cmd, CXTranslationUnit *out) {
  unsigned opts = CXTranslationUnit_DetailedPreprocessingRecord | CXTranslationUnit_KeepGoing;
  /* FullArgv wants the file among the arguments, after argv[0]. */
  const char **argv = calloc((size_t)cmd->argc + 2, sizeof *argv);
  if (!argv)
    return HD_ENOMEM;
  int argc = 0;
  for (int i = 0; i < cmd->argc; i++)
    argv[argc++] = cmd->argv[i];
  argv[argc++] = cmd->file;
  argv[argc] = NULL;
  /* Options of other compilers that clang's driver rejects are dropped and
   * the file parsed again (a few rounds: each parse reports all of them). */
  CXTranslationUnit tu = NULL;
  int errors = 0;
  for (int round = 0; round < 3; round++) {
    enum CXErrorCode ec =
        clang_parseTranslationUnit2FullArgv(idx, NULL, argv, argc, NULL, 0, opts, &tu);
    if (ec != CXError_Success || !tu) {
      fprintf(stderr, "%s: error: libclang could not parse this file (code %d)\n", cmd->file,
              (int)ec);
      free(argv);
      return HD_EINVAL;
    }
    int dropped = scan_errors(tu, argv, &argc, &errors, false);
    if (dropped == 0)
      break;
    clang_disposeTranslationUnit(tu);
    tu = NULL;
  }
  if (!tu) { /* still rejecting options after the last round */
    clang_parseTranslationUnit2FullArgv(idx, NULL, argv, argc, NULL, 0, opts, &tu);
    errors = 1;
    if (tu)
      scan_errors(tu, argv, &argc, &errors, false);
  }
  if (tu && errors)
    scan_errors(tu, argv, &argc, &errors, true);
  free(argv);
  if (errors) {
    fprintf(stderr, "%s: error: %d compile error%s; this file is not analyzed\n", cmd->file, errors,
            errors == 1 ? "" : "s");
    if (tu)
      clang_disposeTranslationUnit(tu);
    return HD_EINVAL;
  }
  *out = tu;
  return 0;
}
