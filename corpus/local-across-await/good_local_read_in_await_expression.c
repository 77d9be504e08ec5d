/* A back-off loop computes the next delay into a local after each failed
 * attempt and passes it to the next HD_AWAIT's child initialiser. Good: the
 * argument of HD_AWAIT is evaluated before the task suspends, so the local
 * is read before the await, not after it (a known false-positive trap: the
 * read is on the await's own line). */
#include <stdint.h>

#include "heddle/heddle.h"

HD_ASYNC_FN(reconnect, int, hd_stream *conn; int tries; hd_tcp_connect c; hd_sleep wait;);
HD_ASYNC(reconnect, f, cx, NULL) {
  for (f->tries = 0; f->tries < 6; f->tries++) {
    HD_AWAIT(f, cx, hd_tcp_connect_init(&f->c, NULL, 9, f->conn));
    if (f->c.out == 0)
      HD_RETURN(f, 0);
    uint64_t delay = (uint64_t)10 << f->tries;
    if (delay > 200)
      delay = 200;
    HD_AWAIT(f, cx, hd_sleep_init(&f->wait, delay));
  }
  HD_RETURN(f, HD_ETIMEDOUT);
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
