/* A keep-alive loop: wait for the next 16-byte record with
 * timeout(read_exact, 30 s); on a timeout send a ping and wait again (the
 * idle-timeout bug reported against tokio::time::timeout wrapping
 * read_exact). Bad, error (re-created in a loop): a record that is half
 * there at the deadline loses its first bytes. */
#include <stdint.h>

#include "heddle/heddle.h"

HD_ASYNC_FN(keepalive, int, hd_stream *s; uint8_t rec[16]; long records; hd_read_exact rx;
            hd_timeout to; hd_write ping;);
HD_ASYNC(keepalive, f, cx, NULL) {
  for (;;) {
    hd_read_exact_init(&f->rx, f->s, f->rec, sizeof f->rec);
    HD_AWAIT(f, cx, hd_timeout_init(&f->to, &f->rx.hd, 30000)); /* expect: cancel-unsafe-select */
    if (f->to.out == HD_ETIMEDOUT) {
      HD_AWAIT(f, cx, hd_write_init(&f->ping, f->s, "P", 1));
      continue;
    }
    if (f->rx.out != 0)
      HD_RETURN(f, f->rx.out == HD_EEOF ? 0 : f->rx.out);
    f->records++;
  }
}
HD_ASYNC_END(f)

int main(void) {
  static hd_stream a, b;
  static keepalive k;
  hd_runtime *rt = hd_runtime_new_current_thread();
  if (hd_socketpair(&a, &b) != 0)
    return 1;
  hd_stream_close(&b);
  HD_ASYNC_INIT(&k, keepalive);
  k.s = &a;
  hd_block_on(rt, &k.hd);
  hd_stream_close(&a);
  hd_runtime_free(rt);
  return 0;
}
