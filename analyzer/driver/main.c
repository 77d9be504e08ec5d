/* driver/main.c - the `heddle` binary: subcommand dispatch.
 *
 * `heddle check ...` runs the analyzer, `heddle confirm ...` joins its
 * SARIF with explore's reports (built in: it needs only jansson and
 * works without the shadow runtime); any other `heddle NAME ...` runs
 * `heddle-NAME` from the directory of this binary when it exists (git's
 * convention: `heddle explore` is the shadow runtime's heddle-explore). */
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "confirm/confirm.h"
#include "driver/check.h"

static void usage(FILE *out) {
  fprintf(out, "usage: heddle <command> [args]\n"
               "\n"
               "commands:\n"
               "  check     static analysis of async C (heddle check --help)\n"
               "  confirm   join check's SARIF with explore's JSON (heddle confirm --help)\n"
               "  NAME      runs heddle-NAME from this binary's directory (e.g. explore)\n"
               "\n"
               "  heddle --version | --help\n");
}

static int run_sibling(char **argv) {
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n <= 0)
    return 2;
  exe[n] = '\0';
  char *slash = strrchr(exe, '/');
  if (!slash)
    return 2;
  char path[PATH_MAX];
  if (snprintf(path, sizeof path, "%.*s/heddle-%s", (int)(slash - exe), exe, argv[0]) >=
      (int)sizeof path)
    return 2;
  if (access(path, X_OK) != 0)
    return 2;
  argv[0] = path;
  execv(path, argv);
  perror(path);
  return 2;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    usage(stderr);
    return 2;
  }
  const char *cmd = argv[1];
  if (strcmp(cmd, "check") == 0)
    return hd__check_main(argc - 1, argv + 1);
  if (strcmp(cmd, "confirm") == 0)
    return hd__confirm_main(argc - 1, argv + 1);
  if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
    printf("heddle %s\n", HEDDLE_VERSION);
    return 0;
  }
  if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "help") == 0 || strcmp(cmd, "-h") == 0) {
    usage(stdout);
    return 0;
  }
  if (cmd[0] != '-' && !strchr(cmd, '/'))
    run_sibling(argv + 1);
  fprintf(stderr, "heddle: error: unknown command '%s'\n", cmd);
  usage(stderr);
  return 2;
}
