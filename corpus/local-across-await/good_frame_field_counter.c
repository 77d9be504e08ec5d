/* The fix of bad_loop_counter_local: the loop counter is a field of the
 * frame (f->i), which survives the suspension, as DESIGN §1 prescribes for
 * every value that lives across an await. Good: no stack local crosses the
 * await. */
#include <stddef.h>

#include "heddle/heddle.h"

HD_ASYNC_FN(send_batch, int, hd_stream *s; const char *const *chunks; int n; int i;
            hd_write_all w;);
HD_ASYNC(send_batch, f, cx, NULL) {
  for (f->i = 0; f->i < f->n; f->i++) {
    HD_AWAIT(f, cx, hd_write_all_init(&f->w, f->s, f->chunks[f->i], 4));
    if (f->w.out != 0)
      HD_RETURN(f, f->w.out);
  }
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static const char *const chunks[] = {"aaaa", "bbbb", "cccc"};
  static hd_stream a, b;
  static send_batch sb;
  hd_runtime *rt = hd_runtime_new_current_thread();
  if (hd_socketpair(&a, &b) != 0)
    return 1;
  HD_ASYNC_INIT(&sb, send_batch);
  sb.s = &a;
  sb.chunks = chunks;
  sb.n = 3;
  hd_block_on(rt, &sb.hd);
  hd_stream_close(&a);
  hd_stream_close(&b);
  hd_runtime_free(rt);
  return 0;
}
