/* output/output.h - the only stage that formats: findings -> text, SARIF
 * 2.1.0 or JSON, plus the passes that decide what is shown (in-source
 * suppressions, fingerprints, the baseline).
 *
 * Order (driver/check.c): hd__findings_sort, hd__fingerprint_apply,
 * hd__suppress_apply, hd__baseline_apply, then one writer. Suppressed
 * findings stay in the list: text omits them, SARIF lists them with
 * `suppressions`, JSON marks them; they never make the exit code 1. */
#ifndef HEDDLE_ANALYZER_OUTPUT_H
#define HEDDLE_ANALYZER_OUTPUT_H

#include <stdbool.h>
#include <stdio.h>

#include "checks/finding.h"

/* Source lines, read once per file. */
typedef struct hd__sources hd__sources;
hd__sources *hd__sources_new(void);
void hd__sources_free(hd__sources *s);
/* Line `line` (1-based) of file without its newline, or NULL. */
const char *hd__source_line(hd__sources *s, const char *file, int line, size_t *len);

typedef struct hd__report {
  const char *root;    /* SARIF URIs are relative to this directory */
  const char *cwd;     /* text paths are relative to this directory */
  const char *doc_url; /* helpUri = doc_url + id + ".md" */
  const bool *enabled; /* per rule */
  int ntus, failed_tus;
  char **failed; /* files that did not parse */
  hd__sources *src;
} hd__report;

/* Path of file relative to dir when inside it, else file itself. */
const char *hd__path_relative(const char *file, const char *dir);

/* "// heddle: ignore[rule-id,...] reason" on the line or the line before. */
void hd__suppress_apply(hd__findings *fs, hd__sources *src);
/* Sets fingerprint = SHA-256(rule, relative path, line text without
 * blanks) in hex (16 digits) + ":occurrence" (GitHub's
 * primaryLocationLineHash form). Returns 0 or HD_ENOMEM. */
int hd__fingerprint_apply(hd__findings *fs, const hd__report *r);
/* Drops the findings whose (rule, fingerprint) is in the baseline file (a
 * SARIF or JSON report of an earlier run). Returns how many were dropped,
 * or a negative HD_E* code after printing why. */
int hd__baseline_apply(hd__findings *fs, const char *path);

void hd__text_write(FILE *out, const hd__findings *fs, const hd__report *r);
int hd__sarif_write(FILE *out, const hd__findings *fs, const hd__report *r);
int hd__json_write(FILE *out, const hd__findings *fs, const hd__report *r);

#endif
