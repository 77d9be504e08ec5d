/* Shutdown signalling through a plain bool: the spawned poller loops until
 * `stop` is set, and main's root task sets it after a while (instead of an
 * AtomicBool, a Notify or a oneshot). Bad: the spawner's write after the
 * spawn races with the task's reads; the compiler may even hoist the read. */
#include <stdbool.h>

#include "heddle/heddle.h"

typedef struct control {
  bool stop;
  long polls;
} control;

HD_ASYNC_FN(poller, long, control *ctl; hd_sleep tick;);
HD_ASYNC(poller, f, cx, NULL) {
  while (!f->ctl->stop) { /* expect: shared-capture-race */
    f->out++;
    HD_AWAIT(f, cx, hd_sleep_init(&f->tick, 1));
  }
}
HD_ASYNC_END(f)

HD_ASYNC_FN(root, int, control *ctl; hd_join_handle *h; hd_sleep grace; hd_join j;);
HD_ASYNC(root, f, cx, NULL) {
  {
    poller p;
    HD_ASYNC_INIT(&p, poller);
    p.ctl = f->ctl;
    f->h = hd_spawn(&p.hd);
  }
  HD_AWAIT(f, cx, hd_sleep_init(&f->grace, 20));
  f->ctl->stop = true;
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->h));
  hd_join_handle_drop(f->h);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static control ctl;
  static root r;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  HD_ASYNC_INIT(&r, root);
  r.ctl = &ctl;
  hd_block_on(rt, &r.hd);
  hd_runtime_free(rt);
  return 0;
}
