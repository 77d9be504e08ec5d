/* A connect-with-retry loop keeps its attempt counter in a C local declared
 * before the loop and bumps it after each failed (awaited) connect. Bad: the
 * counter was written before the await and is read after it (`attempts++`),
 * so the retry limit is whatever the stack held when the task resumed. */
#include "heddle/heddle.h"

HD_ASYNC_FN(connect_retry, int, const char *host; unsigned short port; hd_stream *conn;
            hd_tcp_connect c; hd_sleep backoff;);
HD_ASYNC(connect_retry, f, cx, NULL) {
  int attempts = 0;
  for (;;) {
    HD_AWAIT(f, cx, hd_tcp_connect_init(&f->c, f->host, f->port, f->conn));
    if (f->c.out == 0)
      HD_RETURN(f, 0);
    if (++attempts == 5) /* expect: local-across-await */
      HD_RETURN(f, f->c.out);
    HD_AWAIT(f, cx, hd_sleep_init(&f->backoff, 100));
  }
}
HD_ASYNC_END(f)

int main(void) {
  static hd_stream conn;
  static connect_retry cr;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&cr, connect_retry);
  cr.host = "127.0.0.1";
  cr.port = 9;
  cr.conn = &conn;
  hd_block_on(rt, &cr.hd);
  hd_runtime_free(rt);
  return 0;
}
