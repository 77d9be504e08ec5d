/* An admin console reads commands with fgets(stdin) inside the async task
 * that also serves the control socket (tokio's docs point to tokio::io::stdin,
 * which runs the read on the blocking pool). Bad: the worker is stuck in
 * fgets until the operator types a line. */
#include <stdio.h>
#include <string.h>

#include "heddle/heddle.h"

HD_ASYNC_FN(console, int, hd_mpsc_sender *ctl; char cmd[128]; hd_mpsc_send send;);
HD_ASYNC(console, f, cx, NULL) {
  for (;;) {
    if (fgets(f->cmd, sizeof f->cmd, stdin) == NULL) /* expect: blocking-in-async */
      HD_RETURN(f, 0);
    if (strncmp(f->cmd, "quit", 4) == 0)
      HD_RETURN(f, 0);
    HD_AWAIT(f, cx, hd_mpsc_send_init(&f->send, f->ctl, f->cmd));
  }
}
HD_ASYNC_END(f)

int main(void) {
  static hd_mpsc_sender tx;
  static hd_mpsc_receiver rx;
  static console c;
  hd_runtime *rt = hd_runtime_new_current_thread();
  if (hd_mpsc_unbounded(128, &tx, &rx) != 0)
    return 1;
  HD_ASYNC_INIT(&c, console);
  c.ctl = &tx;
  hd_block_on(rt, &c.hd);
  hd_mpsc_sender_drop(&tx);
  hd_mpsc_receiver_drop(&rx);
  hd_runtime_free(rt);
  return 0;
}
