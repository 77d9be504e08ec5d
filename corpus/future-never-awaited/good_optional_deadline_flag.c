/* An RPC call with an optional deadline: the timeout future is initialised
 * only when a deadline is configured, a flag records that, and the await
 * goes through the timeout exactly when the flag is set. Good: each future
 * initialised here is used (passed to the timeout, or awaited through a
 * pointer in a later statement) on some path. */
#include <stdbool.h>
#include <stdint.h>

#include "heddle/heddle.h"

HD_ASYNC_FN(rpc, int, hd_stream *s; uint64_t deadline_ms; bool timed; uint8_t reply[64];
            hd_read rd; hd_timeout to;);
HD_ASYNC(rpc, f, cx, NULL) {
  hd_read_init(&f->rd, f->s, f->reply, sizeof f->reply);
  f->timed = false;
  if (f->deadline_ms > 0) {
    hd_timeout_init(&f->to, &f->rd.hd, f->deadline_ms);
    f->timed = true;
  }
  if (f->timed) {
    HD_AWAIT(f, cx, &f->to.hd);
    if (f->to.out != 0)
      HD_RETURN(f, f->to.out);
  } else {
    HD_AWAIT(f, cx, &f->rd.hd);
  }
  HD_RETURN(f, (int)f->rd.out);
}
HD_ASYNC_END(f)

int main(void) {
  static hd_stream a, b;
  static rpc r;
  hd_runtime *rt = hd_runtime_new_current_thread();
  if (hd_socketpair(&a, &b) != 0)
    return 1;
  hd_stream_close(&b);
  HD_ASYNC_INIT(&r, rpc);
  r.s = &a;
  r.deadline_ms = 100;
  hd_block_on(rt, &r.hd);
  hd_stream_close(&a);
  hd_runtime_free(rt);
  return 0;
}
