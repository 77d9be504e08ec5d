/* frontend/compdb.h - compile commands: from compile_commands.json or from
 * the command line, normalised for libclang.
 *
 * Each command is an argv whose argv[0] is "clang" (gcc, cc, g++, cross
 * names and versioned clangs are rewritten: a C++ driver name would switch
 * the language), with options clang rejects or that would turn warnings
 * into parse failures (-Werror, gcc-only -f/-m flags) dropped, and
 * "-working-directory DIR" appended so relative paths resolve as the build
 * saw them. Only C translation units are kept. */
#ifndef HEDDLE_ANALYZER_COMPDB_H
#define HEDDLE_ANALYZER_COMPDB_H

typedef struct hd__command {
  char *file;      /* absolute path of the source file */
  char *directory; /* working directory of the command */
  char **argv;     /* normalised, NULL-terminated */
  int argc;
} hd__command;

typedef struct hd__compdb {
  hd__command *cmds;
  int n, cap;
  char *path; /* the compile_commands.json read, or NULL */
} hd__compdb;

/* Finds compile_commands.json: in dir (a directory or the file itself)
 * when given; else in first_file's directory (when given) and its parents,
 * then in the current directory and its parents, looking in each
 * directory's build/ too. Returns a malloc'd path or NULL. */
char *hd__compdb_find(const char *dir, const char *first_file);
/* Loads a database; on error prints "path: error: ..." and returns a
 * negative HD_E* code. */
int hd__compdb_load(hd__compdb *db, const char *path);
/* Adds one command for `file` with the given compiler arguments. */
int hd__compdb_add_file(hd__compdb *db, const char *file, char **args, int nargs);
/* Keeps only the commands whose file is one of files (compared as absolute
 * paths); prints an error for a file that has no command and returns
 * HD_EINVAL after keeping the rest. */
int hd__compdb_filter(hd__compdb *db, char **files, int nfiles);
void hd__compdb_free(hd__compdb *db);
/* The normalised form of one raw argv (exposed for the unit test). */
int hd__compdb_normalise(const char *directory, char **raw, int nraw, hd__command *out);

#endif
