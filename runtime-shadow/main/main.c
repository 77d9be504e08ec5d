/* main() for shadow test binaries (library heddle-shadow-main): explores the
 * test's hd_shadow_test() with options from HEDDLE_* environment variables,
 * which is how heddle-explore talks to the binary (docs/shadow.md).
 * Exit status: 0 nothing found, 1 reports, 2 bad options or tool error. */
#include <stdio.h>

#include "heddle/shadow.h"

int main(int argc, char **argv) {
  hd_shadow_options o;
  hd_shadow_options_default(&o);
  o.argv0 = argv[0];
  o.progress = true;
  if (hd_shadow_options_from_env(&o))
    return 2;
  hd_shadow_stats st;
  int r = hd_shadow_run(&o, hd_shadow_test, &st);
  if (r < 0) {
    fprintf(stderr, "heddle-explore: exploring failed (%d)\n", r);
    return 2;
  }
  fprintf(stderr, "heddle-explore: %llu executions in %.2fs (%.0f/s), %zu report%s", //
          (unsigned long long)st.executions, st.seconds,
          st.seconds > 0 ? (double)st.executions / st.seconds : 0.0, st.reports,
          st.reports == 1 ? "" : "s");
  if (st.step_limited)
    fprintf(stderr, "; %llu executions hit the step limit (--max-steps)",
            (unsigned long long)st.step_limited);
  if (o.strategy == HD_SHADOW_DFS) {
    if (st.exhaustive)
      fprintf(stderr, "; exhaustive (no choice cut by the bound)");
    else if (st.finished)
      fprintf(stderr, "; exhaustive up to preemption bound %d", st.bound);
    else
      fprintf(stderr, "; stopped by a limit (bound %d)", st.bound);
  }
  fprintf(stderr, "\n");
  return r;
}
