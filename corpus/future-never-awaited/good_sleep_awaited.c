/* The fix of bad_sleep_not_awaited: the back-off future is awaited
 * (created inside HD_AWAIT). Good: the future is polled to completion. */
#include "heddle/heddle.h"

HD_ASYNC_FN(reconnect, int, hd_stream *conn; int attempt; hd_tcp_connect c; hd_sleep backoff;);
HD_ASYNC(reconnect, f, cx, NULL) {
  for (f->attempt = 0; f->attempt < 5; f->attempt++) {
    HD_AWAIT(f, cx, hd_tcp_connect_init(&f->c, NULL, 9, f->conn));
    if (f->c.out == 0)
      HD_RETURN(f, 0);
    HD_AWAIT(f, cx, hd_sleep_init(&f->backoff, 100u << f->attempt));
  }
  HD_RETURN(f, HD_ECONNREFUSED);
}
HD_ASYNC_END(f)

int main(void) {
  static hd_stream conn;
  static reconnect r;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&r, reconnect);
  r.conn = &conn;
  hd_block_on(rt, &r.hd);
  hd_runtime_free(rt);
  return 0;
}
