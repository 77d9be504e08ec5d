/* heddle-explore: runs a shadow-linked test binary under the explorer.
 *
 *   heddle-explore [--strategy dfs|random|pct] [--preemptions K]
 *                  [--iterations N] [--seed S] [--time SECONDS]
 *                  [--pct-depth D] [--max-steps N] [--json FILE]
 *                  [--replay STRING] [--no-isolate] -- ./test [args]
 *
 * The flags become HEDDLE_* environment variables (flags win over
 * variables already set) and the test binary, whose main() comes from
 * heddle-shadow-main, does the exploring. Exit status: the test's (0 clean,
 * 1 reports found, 2 usage or tool error). `heddle explore ...` runs this. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const struct flag {
  const char *name;
  const char *env;
} flags[] = {
    {"--strategy", "HEDDLE_STRATEGY"},
    {"--preemptions", "HEDDLE_PREEMPTIONS"},
    {"--iterations", "HEDDLE_ITERATIONS"},
    {"--seed", "HEDDLE_SEED"},
    {"--time", "HEDDLE_TIME"},
    {"--pct-depth", "HEDDLE_PCT_DEPTH"},
    {"--max-steps", "HEDDLE_MAX_STEPS"},
    {"--json", "HEDDLE_JSON"},
    {"--replay", "HEDDLE_REPLAY"},
};

static void usage(FILE *f) {
  fprintf(f, "usage: heddle-explore [--strategy dfs|random|pct] [--preemptions K] "
             "[--iterations N]\n"
             "                      [--seed S] [--time SECONDS] [--pct-depth D] [--max-steps N]\n"
             "                      [--json FILE] [--replay STRING] [--no-isolate] -- ./test "
             "[args]\n");
}

int main(int argc, char **argv) {
  int i = 1;
  for (; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--") == 0) {
      i++;
      break;
    }
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      usage(stdout);
      return 0;
    }
    if (strcmp(a, "--no-isolate") == 0) {
      setenv("HEDDLE_ISOLATE", "0", 1);
      continue;
    }
    const struct flag *f = NULL;
    const char *val = NULL;
    for (size_t k = 0; k < sizeof flags / sizeof flags[0]; k++) {
      size_t n = strlen(flags[k].name);
      if (strncmp(a, flags[k].name, n) == 0 && (a[n] == '\0' || a[n] == '=')) {
        f = &flags[k];
        val = a[n] == '=' ? a + n + 1 : (i + 1 < argc ? argv[++i] : NULL);
        break;
      }
    }
    if (!f || !val) {
      fprintf(stderr, "heddle-explore: %s: %s\n", a, f ? "needs a value" : "unknown option");
      usage(stderr);
      return 2;
    }
    setenv(f->env, val, 1);
  }
  if (i >= argc) {
    fprintf(stderr, "heddle-explore: no test binary given (after --)\n");
    usage(stderr);
    return 2;
  }
  fflush(stdout);
  pid_t pid = fork();
  if (pid < 0) {
    perror("heddle-explore: fork");
    return 2;
  }
  if (pid == 0) {
    execvp(argv[i], argv + i);
    fprintf(stderr, "heddle-explore: cannot run %s\n", argv[i]);
    _exit(127);
  }
  int st;
  if (waitpid(pid, &st, 0) < 0)
    return 2;
  if (WIFEXITED(st))
    return WEXITSTATUS(st) == 127 ? 2 : WEXITSTATUS(st);
  fprintf(stderr, "heddle-explore: the test died on signal %d outside a schedule\n", WTERMSIG(st));
  return 2;
}
