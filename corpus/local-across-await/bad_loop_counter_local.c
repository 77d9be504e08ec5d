/* A batch sender counts its chunks with a C local loop variable and awaits a
 * write in the loop body, the first thing people write when porting a
 * blocking loop to an async function. Bad: `i` lives on the stack of the
 * poll call; after the await resumes, `i++` in the for header reads garbage.
 * The finding is at that read (the for line). */
#include <stddef.h>

#include "heddle/heddle.h"

HD_ASYNC_FN(send_batch, int, hd_stream *s; const char *const *chunks; int n; hd_write_all w;);
HD_ASYNC(send_batch, f, cx, NULL) {
  for (int i = 0; i < f->n; i++) { /* expect: local-across-await */
    HD_AWAIT(f, cx, hd_write_all_init(&f->w, f->s, f->chunks[i], 4));
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
