/* A retry loop "waits" before reconnecting by calling hd_sleep_init without
 * awaiting it (tokio::time::sleep(d); without .await: rustc's "unused
 * implementer of Future that must be used"). Bad: futures are inert until
 * polled; the back-off never happens and the loop hammers the server. */
#include "heddle/heddle.h"

HD_ASYNC_FN(reconnect, int, hd_stream *conn; int attempt; hd_tcp_connect c; hd_sleep backoff;);
HD_ASYNC(reconnect, f, cx, NULL) {
  for (f->attempt = 0; f->attempt < 5; f->attempt++) {
    HD_AWAIT(f, cx, hd_tcp_connect_init(&f->c, NULL, 9, f->conn));
    if (f->c.out == 0)
      HD_RETURN(f, 0);
    hd_sleep_init(&f->backoff, 100u << f->attempt); /* expect: future-never-awaited */
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
