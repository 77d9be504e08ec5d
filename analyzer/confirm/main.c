/* confirm/main.c - the `heddle confirm` command line: options, the two
 * inputs, the writer, the summary line and the exit status. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "confirm/confirm.h"

static void usage(FILE *out) {
  fputs("usage: heddle confirm STATIC.sarif DYNAMIC.json [-o FILE] [--format text|sarif] "
        "[--quiet]\n"
        "\n"
        "Joins a `heddle check --format sarif` report with a `heddle explore --json` report:\n"
        "a static result matched by a dynamic report (same family, shared file:line) is\n"
        "confirmed; reports that match nothing become dynamic/<kind> results.\n"
        "Exit status: 0 no result at all, 1 results (confirmed, static only or dynamic only),\n"
        "2 bad usage or bad input.\n",
        out);
}

static int fail(const char *msg, const char *arg) {
  fprintf(stderr, "heddle confirm: error: %s%s%s\n", msg, arg ? " " : "", arg ? arg : "");
  usage(stderr);
  return 2;
}

int hd__confirm_main(int argc, char **argv) {
  const char *inputs[2] = {NULL, NULL}, *out_path = NULL, *format = "text";
  int ninputs = 0;
  bool quiet = false;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      usage(stdout);
      return 0;
    } else if (strcmp(a, "-o") == 0 || strcmp(a, "--format") == 0) {
      if (i + 1 >= argc)
        return fail("missing value after", a);
      *(a[1] == 'o' ? &out_path : &format) = argv[++i];
    } else if (strcmp(a, "--quiet") == 0) {
      quiet = true;
    } else if (a[0] == '-' && a[1] != '\0') {
      return fail("unknown option", a);
    } else if (ninputs < 2) {
      inputs[ninputs++] = a;
    } else {
      return fail("too many files:", a);
    }
  }
  if (ninputs != 2)
    return fail("want two files: STATIC.sarif DYNAMIC.json", NULL);
  if (strcmp(format, "text") != 0 && strcmp(format, "sarif") != 0)
    return fail("unknown format (want text or sarif):", format);
  json_t *sarif, *dyn;
  if (!hd__confirm_load(inputs[0], inputs[1], &sarif, &dyn, stderr))
    return 2;
  hd__confirm_counts counts;
  int rc = hd__confirm_join(sarif, dyn, HEDDLE_SHADOW_DOC_URL, &counts);
  FILE *out = stdout;
  if (rc == 0 && out_path && !(out = fopen(out_path, "w"))) {
    perror(out_path);
    rc = -1;
  }
  if (rc == 0) {
    if (strcmp(format, "sarif") == 0) {
      rc = json_dumpf(sarif, out, JSON_INDENT(2));
      fputc('\n', out);
    } else {
      char cwd[PATH_MAX];
      hd__confirm_text(out, sarif, getcwd(cwd, sizeof cwd) ? cwd : NULL);
    }
    if (out != stdout && fclose(out) != 0)
      rc = -1;
  }
  json_decref(sarif);
  json_decref(dyn);
  if (rc != 0) {
    fprintf(stderr, "heddle confirm: error: cannot write the report\n");
    return 2;
  }
  if (!quiet)
    fprintf(stderr,
            "heddle confirm: %d confirmed, %d static only, %d dynamic only (%d suppressed)\n",
            counts.confirmed, counts.static_only, counts.dynamic_only, counts.suppressed);
  return counts.confirmed + counts.static_only + counts.dynamic_only > 0 ? 1 : 0;
}
