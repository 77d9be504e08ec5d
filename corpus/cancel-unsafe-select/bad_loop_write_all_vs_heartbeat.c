/* A streaming server loops on select(write_all(chunk), heartbeat sleep) and,
 * when the heartbeat wins, sends a ping and retries the chunk from the start
 * (write_all is not cancel-safe in tokio's table). Bad, error (re-created in
 * a loop): the part of the chunk written before the drop is sent twice and
 * the ping lands in the middle of the chunk. */
#include <string.h>

#include "heddle/heddle.h"

HD_ASYNC_FN(stream_out, int, hd_stream *s; const char *chunk; size_t len; int sent;
            hd_write_all wa; hd_sleep beat; hd_select sel; hd_write ping;);
HD_ASYNC(stream_out, f, cx, NULL) {
  while (f->sent < 100) {
    hd_write_all_init(&f->wa, f->s, f->chunk, f->len);
    hd_sleep_init(&f->beat, 250);
    HD_AWAIT(f, cx, HD_SELECT(&f->sel, &f->wa.hd, &f->beat.hd)); /* expect: cancel-unsafe-select */
    if (f->sel.winner == 1) {
      HD_AWAIT(f, cx, hd_write_init(&f->ping, f->s, "\0", 1));
      continue;
    }
    if (f->wa.out != 0)
      HD_RETURN(f, f->wa.out);
    f->sent++;
  }
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static hd_stream a, b;
  static stream_out so;
  static char chunk[65536];
  hd_runtime *rt = hd_runtime_new_current_thread();
  if (hd_socketpair(&a, &b) != 0)
    return 1;
  memset(chunk, 'x', sizeof chunk);
  hd_stream_close(&b);
  HD_ASYNC_INIT(&so, stream_out);
  so.s = &a;
  so.chunk = chunk;
  so.len = sizeof chunk;
  hd_block_on(rt, &so.hd);
  hd_stream_close(&a);
  hd_runtime_free(rt);
  return 0;
}
