/* driver/options.h - the `heddle check` command line (docs/cli.md). */
#ifndef HEDDLE_ANALYZER_OPTIONS_H
#define HEDDLE_ANALYZER_OPTIONS_H

#include <stdbool.h>
#include <stdio.h>

typedef enum hd__format { HD__FORMAT_TEXT, HD__FORMAT_SARIF, HD__FORMAT_JSON } hd__format;

typedef struct hd__options {
  const char *compdb; /* -p: build directory or compile_commands.json */
  hd__format format;
  const char *output; /* -o, NULL = stdout */
  const char **packs; /* --rules, in order */
  int npacks;
  bool no_default_rules;
  bool *enabled; /* per rule of the registry */
  int jobs;
  const char *baseline;
  bool quiet;
  bool stats; /* --stats: path feasibility counters on stderr */
  const char *root; /* --root, NULL = current directory */
  const char *doc_url;
  char **files; /* positional arguments before "--" */
  int nfiles;
  char **cc_args; /* after "--" */
  int ncc_args;
  bool has_cc_args;
  bool help, version;
} hd__options;

/* 0 on success; on a usage error prints it to stderr and returns 2. */
int hd__options_parse(int argc, char **argv, hd__options *o);
void hd__options_usage(FILE *out);
void hd__options_free(hd__options *o);

#endif
