/* checks/finding.c - the findings list. */
#include "checks/finding.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *hd__strf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *s = NULL;
  if (vasprintf(&s, fmt, ap) < 0)
    s = NULL;
  va_end(ap);
  return s;
}

hd__finding *hd__findings_add(hd__findings *fs, int rule, hd__loc loc, char *msg) {
  if (!msg)
    return NULL;
  if (fs->n == fs->cap) {
    int cap = fs->cap ? fs->cap * 2 : 16;
    hd__finding *g = realloc(fs->v, sizeof *g * (size_t)cap);
    if (!g) {
      free(msg);
      return NULL;
    }
    fs->v = g;
    fs->cap = cap;
  }
  hd__finding *f = &fs->v[fs->n++];
  *f = (hd__finding){.rule = rule, .loc = loc, .msg = msg};
  return f;
}

static void append(hd__note **v, int *n, hd__loc loc, char *msg) {
  if (!msg)
    return;
  hd__note *g = realloc(*v, sizeof *g * (size_t)(*n + 1));
  if (!g) {
    free(msg);
    return;
  }
  *v = g;
  (*v)[(*n)++] = (hd__note){loc, msg};
}

void hd__finding_note(hd__finding *f, hd__loc loc, char *msg) {
  if (!f) {
    free(msg);
    return;
  }
  append(&f->notes, &f->nnotes, loc, msg);
}

void hd__finding_step(hd__finding *f, hd__loc loc, char *msg) {
  if (!f) {
    free(msg);
    return;
  }
  append(&f->flow, &f->nflow, loc, msg);
}

static int cmp_finding(const void *a, const void *b) {
  const hd__finding *x = a, *y = b;
  int c = strcmp(x->loc.file, y->loc.file);
  if (!c)
    c = x->loc.line - y->loc.line;
  if (!c)
    c = x->loc.col - y->loc.col;
  if (!c)
    c = x->rule - y->rule;
  if (!c)
    c = strcmp(x->msg, y->msg);
  return c;
}

static void finding_free(hd__finding *f) {
  free(f->msg);
  for (int i = 0; i < f->nnotes; i++)
    free(f->notes[i].msg);
  free(f->notes);
  for (int i = 0; i < f->nflow; i++)
    free(f->flow[i].msg);
  free(f->flow);
  free(f->fingerprint);
  free(f->suppression);
}

void hd__findings_sort(hd__findings *fs) {
  if (fs->n == 0)
    return;
  qsort(fs->v, (size_t)fs->n, sizeof *fs->v, cmp_finding);
  int o = 0;
  for (int i = 0; i < fs->n; i++) {
    if (o > 0 && cmp_finding(&fs->v[o - 1], &fs->v[i]) == 0)
      finding_free(&fs->v[i]);
    else
      fs->v[o++] = fs->v[i];
  }
  fs->n = o;
}

void hd__findings_filter(hd__findings *fs, bool (*keep)(const hd__finding *, void *), void *ctx) {
  int o = 0;
  for (int i = 0; i < fs->n; i++) {
    if (keep(&fs->v[i], ctx))
      fs->v[o++] = fs->v[i];
    else
      finding_free(&fs->v[i]);
  }
  fs->n = o;
}

void hd__findings_free(hd__findings *fs) {
  for (int i = 0; i < fs->n; i++)
    finding_free(&fs->v[i]);
  free(fs->v);
  *fs = (hd__findings){0};
}
