/* Start-up code: main waits for the config file to appear with a sleeping
 * helper, before the runtime starts; the async server never calls that
 * helper. Good: a blocking function reachable only from sync code (main,
 * before hd_block_on) is not a finding. */
#include <stdio.h>
#include <unistd.h>

#include "heddle/heddle.h"

static int wait_for_file(const char *path, int tries) {
  for (int t = 0; t < tries; t++) {
    if (access(path, R_OK) == 0)
      return 0;
    sleep(1);
  }
  return -1;
}

HD_ASYNC_FN(serve, int, int ticks; hd_interval iv; hd_interval_tick tick;);
HD_ASYNC(serve, f, cx, NULL) {
  hd_interval_init(&f->iv, 10);
  for (f->ticks = 0; f->ticks < 3; f->ticks++)
    HD_AWAIT(f, cx, hd_interval_tick_init(&f->tick, &f->iv));
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static serve s;
  if (wait_for_file("/etc/hostname", 3) != 0)
    fprintf(stderr, "no config, using defaults\n");
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&s, serve);
  hd_block_on(rt, &s.hd);
  hd_runtime_free(rt);
  return 0;
}
