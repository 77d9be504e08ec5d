/* A handshake reads a fixed 32-byte hello under a 5 s deadline with
 * hd_timeout(read_exact) (tokio::time::timeout(d, stream.read_exact(..))),
 * once, and then falls back to a retry request on the same stream. Bad,
 * warning (not in a loop): when the deadline wins, the bytes of the hello
 * already read are lost and the retry reads from the middle of it. */
#include <stdint.h>

#include "heddle/heddle.h"

HD_ASYNC_FN(handshake, int, hd_stream *s; uint8_t hello[32]; hd_read_exact rx; hd_timeout to;
            hd_write_all retry;);
HD_ASYNC(handshake, f, cx, NULL) {
  hd_read_exact_init(&f->rx, f->s, f->hello, sizeof f->hello);
  HD_AWAIT(f, cx, hd_timeout_init(&f->to, &f->rx.hd, 5000)); /* expect: cancel-unsafe-select */
  if (f->to.out == HD_ETIMEDOUT) {
    HD_AWAIT(f, cx, hd_write_all_init(&f->retry, f->s, "RETRY\n", 6));
    HD_RETURN(f, HD_ETIMEDOUT);
  }
  HD_RETURN(f, f->rx.out);
}
HD_ASYNC_END(f)

int main(void) {
  static hd_stream a, b;
  static handshake h;
  hd_runtime *rt = hd_runtime_new_current_thread();
  if (hd_socketpair(&a, &b) != 0)
    return 1;
  HD_ASYNC_INIT(&h, handshake);
  h.s = &a;
  hd_block_on(rt, &h.hd);
  hd_stream_close(&a);
  hd_stream_close(&b);
  hd_runtime_free(rt);
  return 0;
}
