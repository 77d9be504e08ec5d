/* A header parser finds the ':' separator with strchr, keeps the pointer in
 * a local, awaits the next chunk of input, and then terminates the name at
 * that pointer. Bad: the pointer local is read after the await; on resume it
 * holds whatever the new poll call's stack had there. */
#include <string.h>

#include "heddle/heddle.h"

HD_ASYNC_FN(parse_header, int, hd_stream *s; char line[128]; char value[128]; hd_read_line rl;
            hd_read more;);
HD_ASYNC(parse_header, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_read_line_init(&f->rl, f->s, f->line, sizeof f->line));
  if (f->rl.out <= 0)
    HD_RETURN(f, -1);
  char *colon = strchr(f->line, ':');
  if (colon == NULL)
    HD_RETURN(f, -1);
  HD_AWAIT(f, cx, hd_read_init(&f->more, f->s, f->value, sizeof f->value - 1));
  *colon = '\0'; /* expect: local-across-await */
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static hd_stream a, b;
  static parse_header ph;
  hd_runtime *rt = hd_runtime_new_current_thread();
  if (hd_socketpair(&a, &b) != 0)
    return 1;
  hd_stream_close(&b);
  HD_ASYNC_INIT(&ph, parse_header);
  ph.s = &a;
  hd_block_on(rt, &ph.hd);
  hd_stream_close(&a);
  hd_runtime_free(rt);
  return 0;
}
