/* checks/finding.h - findings as data: what a check emits.
 *
 * Checks fill rule, location, message and notes (the witness path, in path
 * order); the output stage adds fingerprint and suppression and is the only
 * one that formats anything. A findings list is owned by one thread. */
#ifndef HEDDLE_ANALYZER_FINDING_H
#define HEDDLE_ANALYZER_FINDING_H

#include <stdbool.h>

#include "ir/ir.h"

typedef struct hd__note {
  hd__loc loc;
  char *msg;
} hd__note;

typedef struct hd__finding {
  int rule;          /* index into hd__rules */
  const char *level; /* this result's level ("error", "warning"); NULL: the
                        rule's default from rules.def */
  hd__loc loc;
  char *msg;
  hd__note *notes;
  int nnotes;
  hd__note *flow; /* the witness step by step (notes plus branch decisions);
                     SARIF's codeFlow; empty: the notes are the flow */
  int nflow;
  char *fingerprint; /* output stage: stable across edits elsewhere */
  char *suppression; /* output stage: justification of an in-source ignore */
  bool suppressed;
} hd__finding;

typedef struct hd__findings {
  hd__finding *v;
  int n, cap;
} hd__findings;

/* Adds a finding that takes ownership of msg; returns it or NULL (msg is
 * freed) when out of memory. */
hd__finding *hd__findings_add(hd__findings *fs, int rule, hd__loc loc, char *msg);
/* Appends a note that takes ownership of msg (freed on failure). */
void hd__finding_note(hd__finding *f, hd__loc loc, char *msg);
/* Appends a witness step that takes ownership of msg (freed on failure). */
void hd__finding_step(hd__finding *f, hd__loc loc, char *msg);
/* Sorts by file, line, column, rule, message and drops exact duplicates
 * (a header function analyzed in several TUs). */
void hd__findings_sort(hd__findings *fs);
/* Removes findings for which keep() is false. */
void hd__findings_filter(hd__findings *fs, bool (*keep)(const hd__finding *, void *), void *ctx);
void hd__findings_free(hd__findings *fs);
/* malloc'd printf. */
char *hd__strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
