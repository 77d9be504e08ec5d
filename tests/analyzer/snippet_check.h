/* tests/analyzer/snippet_check.h - one rule on a C snippet, below the CLI.
 *
 * The rule tests parse a snippet from memory with libclang (prelude + body,
 * against the runtime's real headers), build the IR with the bundled packs
 * plus an optional extra pack, compute the summaries and run one rule. The
 * findings come back sorted, with line numbers (of notes and flow steps
 * too) counted from the first body line. Each test file includes this
 * header once (the functions are static: one translation unit per test
 * executable). */
#ifndef HEDDLE_TESTS_SNIPPET_CHECK_H
#define HEDDLE_TESTS_SNIPPET_CHECK_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "checks/registry.h"
#include "ir/build.h"
#include "model/model.h"
#include "summary/summary.h"

typedef struct snippet_rule {
  const char *rule;    /* rule id */
  const char *prelude; /* prepended to every body */
  int prelude_lines;
  const char *extra_pack; /* YAML text of one more pack, or NULL */
} snippet_rule;

static hd__model *snippet_model(const snippet_rule *r) {
  hd__model *m = hd__model_new();
  assert_non_null(m);
  assert_int_equal(hd__model_load_pack(m, HEDDLE_RULES_DIR "/posix.yaml"), 0);
  assert_int_equal(hd__model_load_pack(m, HEDDLE_RULES_DIR "/heddle.yaml"), 0);
  if (r->extra_pack) {
    char path[] = "/tmp/heddle-unit-packXXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs(r->extra_pack, f);
    fclose(f);
    assert_int_equal(hd__model_load_pack(m, path), 0);
    remove(path);
  }
  return m;
}

/* Runs r->rule on r->prelude + body; the snippet must compile. */
static hd__findings snippet_run(const snippet_rule *r, const char *body) {
  size_t len = strlen(r->prelude) + strlen(body) + 1;
  char *src = malloc(len);
  assert_non_null(src);
  snprintf(src, len, "%s%s", r->prelude, body);
  struct CXUnsavedFile file = {"/tmp/heddle-unit-snippet.c", src, (unsigned long)strlen(src)};
  const char *args[] = {"-std=gnu11", "-pthread", "-I", HEDDLE_RULES_DIR "/../include"};
  CXIndex idx = clang_createIndex(0, 0);
  CXTranslationUnit tu = NULL;
  assert_int_equal(clang_parseTranslationUnit2(idx, file.Filename, args, 4, &file, 1,
                                               CXTranslationUnit_DetailedPreprocessingRecord, &tu),
                   CXError_Success);
  for (unsigned i = 0; i < clang_getNumDiagnostics(tu); i++) {
    CXDiagnostic d = clang_getDiagnostic(tu, i);
    if (clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error) {
      CXString s = clang_formatDiagnostic(d, 0);
      fail_msg("snippet does not compile: %s", clang_getCString(s));
    }
    clang_disposeDiagnostic(d);
  }
  hd__model *model = snippet_model(r);
  hd__program *prog = hd__program_new();
  assert_true(hd__ir_build_tu(prog, model, tu) > 0);
  hd__program_index(prog);
  hd__summaries *sums = hd__summaries_compute(prog);
  assert_non_null(sums);
  hd__findings fs = {0};
  hd__check_ctx cx = {prog, sums, model};
  int rule = hd__rule_find(r->rule);
  assert_true(rule >= 0);
  assert_int_equal(hd__rules[rule].run(&cx, rule, &fs), 0);
  hd__findings_sort(&fs);
  for (int i = 0; i < fs.n; i++) {
    fs.v[i].loc.line -= r->prelude_lines;
    for (int k = 0; k < fs.v[i].nnotes; k++)
      fs.v[i].notes[k].loc.line -= r->prelude_lines;
    for (int k = 0; k < fs.v[i].nflow; k++)
      fs.v[i].flow[k].loc.line -= r->prelude_lines;
  }
  hd__summaries_free(sums);
  hd__program_free(prog); /* the findings' file names are not read afterwards */
  hd__model_free(model);
  clang_disposeTranslationUnit(tu);
  clang_disposeIndex(idx);
  free(src);
  return fs;
}

/* Asserts that the finding lines on body are the 0-terminated list. */
static void snippet_expect_lines(const snippet_rule *r, const char *body, ...) {
  hd__findings fs = snippet_run(r, body);
  va_list ap;
  va_start(ap, body);
  for (int i = 0;; i++) {
    int want = va_arg(ap, int);
    int got = i < fs.n ? fs.v[i].loc.line : 0;
    if (want != got) {
      va_end(ap);
      fail_msg("finding %d: line %d, expected line %d (%s)", i, got, want,
               i < fs.n ? fs.v[i].msg : "none");
    }
    if (want == 0)
      break;
  }
  va_end(ap);
  hd__findings_free(&fs);
}

#endif
