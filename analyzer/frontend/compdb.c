/* frontend/compdb.c - compile database loading and command normalisation. */
#include "frontend/compdb.h"

#include <jansson.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "heddle/error.h"

static char *join_path(const char *dir, const char *file) {
  if (file[0] == '/' || !dir || !*dir)
    return strdup(file);
  size_t n = strlen(dir) + strlen(file) + 2;
  char *p = malloc(n);
  if (p)
    snprintf(p, n, "%s/%s", dir, file);
  return p;
}

/* Absolute, symlink-free when the file exists (so it compares with what
 * libclang reports), else just joined. */
static char *absolute(const char *dir, const char *file) {
  char *j = join_path(dir, file);
  if (!j)
    return NULL;
  char buf[PATH_MAX];
  if (realpath(j, buf)) {
    free(j);
    return strdup(buf);
  }
  return j;
}

static bool is_file(const char *p) {
  struct stat st;
  return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* compile_commands.json in dir or its build/, then in each parent. */
static char *search_up(const char *start) {
  char dir[PATH_MAX];
  if (!realpath(start, dir))
    return NULL;
  for (;;) {
    static const char *const names[] = {"compile_commands.json", "build/compile_commands.json"};
    for (int i = 0; i < 2; i++) {
      char *p = join_path(dir, names[i]);
      if (p && is_file(p))
        return p;
      free(p);
    }
    char *slash = strrchr(dir, '/');
    if (!slash)
      return NULL;
    if (slash == dir) {
      if (dir[1] == '\0')
        return NULL;
      dir[1] = '\0'; /* the root itself, last */
    } else {
      *slash = '\0';
    }
  }
}

char *hd__compdb_find(const char *dir, const char *first_file) {
  if (dir) {
    if (is_file(dir))
      return strdup(dir);
    char *p = join_path(dir, "compile_commands.json");
    if (p && is_file(p))
      return p;
    free(p);
    return NULL;
  }
  if (first_file) { /* as clang-tidy does: from the source file's directory */
    char *copy = strdup(first_file);
    if (copy) {
      char *slash = strrchr(copy, '/');
      const char *start = ".";
      if (slash == copy) {
        start = "/";
      } else if (slash) {
        *slash = '\0';
        start = copy;
      }
      char *found = search_up(start);
      free(copy);
      if (found)
        return found;
    }
  }
  return search_up(".");
}

/* ---- normalisation ----------------------------------------------------- */

static bool ends_with(const char *s, const char *suffix) {
  size_t a = strlen(s), b = strlen(suffix);
  return a >= b && strcmp(s + a - b, suffix) == 0;
}

/* gcc/cc/clang driver names, with or without a target prefix or version. */
static bool is_c_driver(const char *argv0) {
  const char *base = strrchr(argv0, '/');
  base = base ? base + 1 : argv0;
  return strstr(base, "gcc") || strstr(base, "clang") || strcmp(base, "cc") == 0 ||
         ends_with(base, "-cc") || strstr(base, "g++") || strstr(base, "c++");
}

/* Options clang does not know or that change what counts as a parse error.
 * A trailing '*' matches a prefix. */
static const char *const dropped[] = {
    "-Werror*",
    "-pedantic-errors",
    "-fno-tree-*",
    "-ftree-*",
    "-fconserve-stack",
    "-fno-var-tracking*",
    "-fvar-tracking*",
    "-mno-fp-ret-in-387",
    "-fno-ipa-*",
    "-fipa-*",
    "-fsched-*",
    "-fno-guess-branch-probability",
    "-flto*",
    "-fno-allow-store-data-races",
    "-fmacro-prefix-map=*",
    "-fcf-protection*",
    "-fzero-call-used-regs=*",
    "-fanalyzer",
    "-fdiagnostics-color*",
    "-fno-diagnostics-show-caret",
    "-fmin-function-alignment*",
    "-fstack-clash-protection",
    "-fno-strict-overflow",
    "-Wno-maybe-uninitialized",
};

static bool is_dropped(const char *a) {
  for (size_t i = 0; i < sizeof dropped / sizeof dropped[0]; i++) {
    const char *d = dropped[i];
    size_t n = strlen(d);
    if (d[n - 1] == '*' ? strncmp(a, d, n - 1) == 0 : strcmp(a, d) == 0)
      return true;
  }
  return false;
}

static bool push(hd__command *c, int *cap, const char *s) {
  if (c->argc + 2 > *cap) {
    int n = *cap ? *cap * 2 : 32;
    char **g = realloc(c->argv, sizeof *g * (size_t)n);
    if (!g)
      return false;
    c->argv = g;
    *cap = n;
  }
  if (!(c->argv[c->argc] = strdup(s)))
    return false;
  c->argv[++c->argc] = NULL;
  return true;
}

static void command_free(hd__command *c) {
  for (int i = 0; i < c->argc; i++)
    free(c->argv[i]);
  free(c->argv);
  free(c->file);
  free(c->directory);
  *c = (hd__command){0};
}

int hd__compdb_normalise(const char *directory, char **raw, int nraw, hd__command *out) {
  *out = (hd__command){0};
  int cap = 0;
  bool ok = push(out, &cap, "clang");
  int i = nraw > 0 && is_c_driver(raw[0]) ? 1 : 0;
  for (; ok && i < nraw; i++) {
    const char *a = raw[i];
    if (is_dropped(a))
      continue;
    if (strcmp(a, "-o") == 0 || strcmp(a, "-MF") == 0 || strcmp(a, "-MT") == 0 ||
        strcmp(a, "-MQ") == 0) {
      i++; /* outputs: nothing is written */
      continue;
    }
    if (strcmp(a, "-c") == 0 || strcmp(a, "-MD") == 0 || strcmp(a, "-MMD") == 0)
      continue;
    ok = push(out, &cap, a);
  }
  ok =
      ok && push(out, &cap, "-Qunused-arguments") && push(out, &cap, "-Wno-unknown-warning-option");
  if (ok && directory)
    ok = push(out, &cap, "-working-directory") && push(out, &cap, directory);
  if (ok && directory)
    ok = (out->directory = strdup(directory)) != NULL;
  if (!ok) {
    command_free(out);
    return HD_ENOMEM;
  }
  return 0;
}

/* ---- compile_commands.json -------------------------------------------- */

/* Splits a shell command line as CMake and Bear write it (quotes and
 * backslashes; no expansions). */
static int split_command(const char *cmd, char ***argv, int *argc) {
  size_t len = strlen(cmd);
  char *buf = malloc(len + 1);
  char **v = calloc(len / 2 + 2, sizeof *v);
  int n = 0;
  if (!buf || !v) {
    free(buf);
    free(v);
    return HD_ENOMEM;
  }
  const char *p = cmd;
  while (*p) {
    while (*p == ' ' || *p == '\t' || *p == '\n')
      p++;
    if (!*p)
      break;
    size_t o = 0;
    char q = 0;
    while (*p && (q || (*p != ' ' && *p != '\t' && *p != '\n'))) {
      if (q) {
        if (*p == q)
          q = 0;
        else if (*p == '\\' && q == '"' && p[1])
          buf[o++] = *++p;
        else
          buf[o++] = *p;
      } else if (*p == '"' || *p == '\'') {
        q = *p;
      } else if (*p == '\\' && p[1]) {
        buf[o++] = *++p;
      } else {
        buf[o++] = *p;
      }
      p++;
    }
    buf[o] = '\0';
    if (!(v[n++] = strdup(buf))) {
      for (int i = 0; i < n - 1; i++)
        free(v[i]);
      free(v);
      free(buf);
      return HD_ENOMEM;
    }
  }
  free(buf);
  *argv = v;
  *argc = n;
  return 0;
}

static bool is_c_source(const char *file) {
  return ends_with(file, ".c");
}

static bool has_file(const hd__compdb *db, const char *file) {
  for (int i = 0; i < db->n; i++)
    if (strcmp(db->cmds[i].file, file) == 0)
      return true;
  return false;
}

static int add_command(hd__compdb *db, const char *directory, const char *file, char **raw,
                       int nraw) {
  char *abs = absolute(directory, file);
  if (!abs)
    return HD_ENOMEM;
  if (has_file(db, abs)) { /* CMake may list a file twice: keep the first */
    free(abs);
    return 0;
  }
  if (db->n == db->cap) {
    int cap = db->cap ? db->cap * 2 : 16;
    hd__command *g = realloc(db->cmds, sizeof *g * (size_t)cap);
    if (!g) {
      free(abs);
      return HD_ENOMEM;
    }
    db->cmds = g;
    db->cap = cap;
  }
  hd__command *c = &db->cmds[db->n];
  int rc = hd__compdb_normalise(directory, raw, nraw, c);
  if (rc < 0) {
    free(abs);
    return rc;
  }
  c->file = abs;
  db->n++;
  return 0;
}

int hd__compdb_load(hd__compdb *db, const char *path) {
  json_error_t err;
  json_t *root = json_load_file(path, 0, &err);
  if (!root) {
    fprintf(stderr, "%s:%d:%d: error: %s\n", path, err.line, err.column, err.text);
    return HD_EINVAL;
  }
  int rc = 0;
  if (!json_is_array(root)) {
    fprintf(stderr, "%s: error: a compile database is a JSON array of commands\n", path);
    rc = HD_EINVAL;
  }
  size_t i;
  json_t *e;
  json_array_foreach(root, i, e) {
    if (rc < 0)
      break;
    const char *dir = json_string_value(json_object_get(e, "directory"));
    const char *file = json_string_value(json_object_get(e, "file"));
    const char *cmd = json_string_value(json_object_get(e, "command"));
    json_t *args = json_object_get(e, "arguments");
    if (!dir || !file || (!cmd && !json_is_array(args))) {
      fprintf(stderr, "%s: error: entry %zu lacks directory, file, or command/arguments\n", path,
              i);
      rc = HD_EINVAL;
      break;
    }
    if (!is_c_source(file))
      continue;
    char **raw = NULL;
    int nraw = 0;
    if (cmd) {
      rc = split_command(cmd, &raw, &nraw);
    } else {
      raw = calloc(json_array_size(args) + 1, sizeof *raw);
      if (!raw)
        rc = HD_ENOMEM;
      size_t j;
      json_t *a;
      json_array_foreach(args, j, a) {
        if (raw && json_is_string(a))
          raw[nraw++] = strdup(json_string_value(a));
      }
    }
    if (rc == 0) {
      /* drop the source file itself: it is passed to libclang separately */
      int o = 0;
      for (int k = 0; k < nraw; k++) {
        if (raw[k] && strcmp(raw[k], file) == 0)
          free(raw[k]);
        else
          raw[o++] = raw[k];
      }
      nraw = o;
      rc = add_command(db, dir, file, raw, nraw);
    }
    for (int k = 0; k < nraw; k++)
      free(raw[k]);
    free(raw);
  }
  json_decref(root);
  if (rc == 0 && !(db->path = strdup(path)))
    rc = HD_ENOMEM;
  return rc;
}

int hd__compdb_add_file(hd__compdb *db, const char *file, char **args, int nargs) {
  char cwd[PATH_MAX];
  if (!getcwd(cwd, sizeof cwd))
    return HD_EIO;
  char **raw = calloc((size_t)nargs + 2, sizeof *raw);
  if (!raw)
    return HD_ENOMEM;
  raw[0] = "clang";
  for (int i = 0; i < nargs; i++)
    raw[i + 1] = args[i];
  int rc = add_command(db, cwd, file, raw, nargs + 1);
  free(raw);
  return rc;
}

int hd__compdb_filter(hd__compdb *db, char **files, int nfiles) {
  int rc = 0;
  bool *keep = calloc((size_t)db->n + 1, sizeof *keep);
  if (!keep)
    return HD_ENOMEM;
  for (int f = 0; f < nfiles; f++) {
    char *abs = absolute(NULL, files[f]);
    bool found = false;
    for (int i = 0; abs && i < db->n; i++)
      if (strcmp(db->cmds[i].file, abs) == 0)
        keep[i] = found = true;
    if (!found) {
      fprintf(stderr, "heddle check: error: %s: no command for this file in %s\n", files[f],
              db->path ? db->path : "the compile database");
      rc = HD_EINVAL;
    }
    free(abs);
  }
  int o = 0;
  for (int i = 0; i < db->n; i++) {
    if (keep[i])
      db->cmds[o++] = db->cmds[i];
    else
      command_free(&db->cmds[i]);
  }
  db->n = o;
  free(keep);
  return rc;
}

void hd__compdb_free(hd__compdb *db) {
  for (int i = 0; i < db->n; i++)
    command_free(&db->cmds[i]);
  free(db->cmds);
  free(db->path);
  *db = (hd__compdb){0};
}
