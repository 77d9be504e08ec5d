/* output/source.c - source lines for suppressions, fingerprints, columns. */
#include <search.h>
#include <stdlib.h>
#include <string.h>

#include "output/output.h"

typedef struct src_file {
  char *name;
  char *text;  /* whole file, NUL-terminated; NULL when unreadable */
  size_t *off; /* offset of each line start */
  int nlines;
} src_file;

struct hd__sources {
  void *files; /* tsearch tree of src_file */
};

hd__sources *hd__sources_new(void) {
  return calloc(1, sizeof(hd__sources));
}

static void free_file(void *p) {
  src_file *f = p;
  free(f->name);
  free(f->text);
  free(f->off);
  free(f);
}

void hd__sources_free(hd__sources *s) {
  if (!s)
    return;
  tdestroy(s->files, free_file);
  free(s);
}

static int cmp_file(const void *a, const void *b) {
  return strcmp(((const src_file *)a)->name, ((const src_file *)b)->name);
}

static void read_file(src_file *f) {
  FILE *in = fopen(f->name, "rb");
  if (!in)
    return;
  size_t cap = 4096, len = 0;
  char *buf = malloc(cap);
  size_t got;
  while (buf && (got = fread(buf + len, 1, cap - len - 1, in)) > 0) {
    len += got;
    if (cap - len - 1 == 0) {
      char *g = realloc(buf, cap * 2);
      if (!g) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = g;
      cap *= 2;
    }
  }
  fclose(in);
  if (!buf)
    return;
  buf[len] = '\0';
  int lines = 1;
  for (size_t i = 0; i < len; i++)
    lines += buf[i] == '\n';
  f->off = malloc(sizeof *f->off * (size_t)(lines + 1));
  if (!f->off) {
    free(buf);
    return;
  }
  f->off[0] = 0;
  int n = 1;
  for (size_t i = 0; i < len; i++)
    if (buf[i] == '\n')
      f->off[n++] = i + 1;
  f->off[n] = len + 1;
  f->nlines = n;
  f->text = buf;
}

const char *hd__source_line(hd__sources *s, const char *file, int line, size_t *len) {
  src_file key = {.name = (char *)file};
  void **found = tfind(&key, &s->files, cmp_file);
  src_file *f;
  if (found) {
    f = *found;
  } else {
    f = calloc(1, sizeof *f);
    if (!f || !(f->name = strdup(file))) {
      free(f);
      return NULL;
    }
    read_file(f);
    if (!tsearch(f, &s->files, cmp_file)) {
      free_file(f);
      return NULL;
    }
  }
  if (!f->text || line < 1 || line > f->nlines)
    return NULL;
  size_t a = f->off[line - 1], b = f->off[line] - 1;
  if (b > a && f->text[b - 1] == '\r')
    b--;
  *len = b - a;
  return f->text + a;
}

const char *hd__path_relative(const char *file, const char *dir) {
  size_t n = dir ? strlen(dir) : 0;
  if (n && strncmp(file, dir, n) == 0 && file[n] == '/')
    return file + n + 1;
  return file;
}
