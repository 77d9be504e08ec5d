/* A log rotator task compresses the old file with system("gzip ...") from its
 * async function (std::process::Command::status() instead of
 * tokio::process in an async fn). Bad: system() forks and waits for the
 * child; the worker is blocked for the whole compression. */
#include <stdio.h>
#include <stdlib.h>

#include "heddle/heddle.h"

HD_ASYNC_FN(rotate_logs, int, const char *path; int gen; char cmd[256]; hd_sleep period;);
HD_ASYNC(rotate_logs, f, cx, NULL) {
  for (f->gen = 1; f->gen <= 3; f->gen++) {
    HD_AWAIT(f, cx, hd_sleep_init(&f->period, 1000));
    snprintf(f->cmd, sizeof f->cmd, "gzip -f %s.%d", f->path, f->gen);
    if (system(f->cmd) != 0) /* expect: blocking-in-async */
      HD_RETURN(f, -1);
  }
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static rotate_logs r;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&r, rotate_logs);
  r.path = "/tmp/app.log";
  hd_block_on(rt, &r.hd);
  hd_runtime_free(rt);
  return 0;
}
