/* An accept loop with an idle deadline: timeout(accept, 1 s), and on a
 * timeout it does housekeeping and accepts again (tokio's accept is
 * cancel-safe: a connection leaves the kernel queue only when it is
 * returned). Good: a timeout is exactly as cancel-safe as its inner future,
 * even re-created in a loop. */
#include "heddle/heddle.h"

HD_ASYNC_FN(acceptor, int, hd_tcp_listener *l; hd_stream conn; int idle; int served;
            hd_accept acc; hd_timeout to;);
HD_ASYNC(acceptor, f, cx, NULL) {
  while (f->idle < 3) {
    hd_accept_init(&f->acc, f->l, &f->conn);
    HD_AWAIT(f, cx, hd_timeout_init(&f->to, &f->acc.hd, 1000));
    if (f->to.out == HD_ETIMEDOUT) {
      f->idle++; /* housekeeping */
      continue;
    }
    if (f->acc.out != 0)
      HD_RETURN(f, f->acc.out);
    f->served++;
    hd_stream_close(&f->conn);
  }
  HD_RETURN(f, f->served);
}
HD_ASYNC_END(f)

int main(void) {
  static hd_tcp_listener l;
  static acceptor a;
  hd_runtime *rt = hd_runtime_new_current_thread();
  if (hd_tcp_listener_bind(&l, NULL, 0, 16) != 0)
    return 1;
  HD_ASYNC_INIT(&a, acceptor);
  a.l = &l;
  hd_block_on(rt, &a.hd);
  hd_tcp_listener_close(&l);
  hd_runtime_free(rt);
  return 0;
}
