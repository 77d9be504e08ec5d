/* A frame decoder computes the body length from the header into a local,
 * awaits the body read, then uses the length to checksum the body (the
 * DESIGN §1 read_frame example with `len` left on the stack). Bad: `len` is
 * read after the await with no write in between. */
#include <stddef.h>
#include <stdint.h>

#include "heddle/heddle.h"

static size_t decode_len(const uint8_t hdr[4]) {
  return (size_t)hdr[0] << 24 | (size_t)hdr[1] << 16 | (size_t)hdr[2] << 8 | hdr[3];
}

HD_ASYNC_FN(read_frame, int, hd_stream *s; uint8_t hdr[4]; uint8_t body[1024]; unsigned sum;
            hd_read_exact rx;);
HD_ASYNC(read_frame, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_read_exact_init(&f->rx, f->s, f->hdr, 4));
  if (f->rx.out != 0)
    HD_RETURN(f, f->rx.out);
  size_t len = decode_len(f->hdr);
  if (len > sizeof f->body)
    HD_RETURN(f, HD_ETOOBIG);
  HD_AWAIT(f, cx, hd_read_exact_init(&f->rx, f->s, f->body, len));
  for (size_t k = 0; k < len; k++) /* expect: local-across-await */
    f->sum += f->body[k];
  HD_RETURN(f, f->rx.out);
}
HD_ASYNC_END(f)

int main(void) {
  static hd_stream a, b;
  static read_frame rf;
  hd_runtime *rt = hd_runtime_new_current_thread();
  if (hd_socketpair(&a, &b) != 0)
    return 1;
  hd_stream_close(&b);
  HD_ASYNC_INIT(&rf, read_frame);
  rf.s = &a;
  hd_block_on(rt, &rf.hd);
  hd_stream_close(&a);
  hd_runtime_free(rt);
  return 0;
}
