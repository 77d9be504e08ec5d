/* A line-protocol server loops on select(read_line, reload notification),
 * re-creating read_line each time, and goes on reading after a reload (tokio
 * documents read_line as not cancel-safe: the bytes of a partly read line
 * are lost). Bad, error (re-created in a loop): a reload poke in mid-line
 * throws away the start of that line and the next read_line returns its
 * tail as if it were a whole line. */
#include <string.h>

#include "heddle/heddle.h"

HD_ASYNC_FN(line_server, int, hd_stream *s; hd_notify *reload; char line[256]; long lines;
            hd_read_line rl; hd_notify_notified poke; hd_select sel;);
HD_ASYNC(line_server, f, cx, NULL) {
  for (;;) {
    hd_read_line_init(&f->rl, f->s, f->line, sizeof f->line);
    hd_notify_notified_init(&f->poke, f->reload);
    HD_AWAIT(f, cx, HD_SELECT(&f->sel, &f->rl.hd, &f->poke.hd)); /* expect: cancel-unsafe-select */
    if (f->sel.winner == 1)
      continue; /* reload the config, keep serving */
    if (f->rl.out <= 0)
      HD_RETURN(f, (int)f->rl.out);
    if (strncmp(f->line, "QUIT", 4) == 0)
      HD_RETURN(f, 0);
    f->lines++;
  }
}
HD_ASYNC_END(f)

int main(void) {
  static hd_stream a, b;
  static hd_notify reload = HD_NOTIFY_INITIALIZER;
  static line_server srv;
  hd_runtime *rt = hd_runtime_new_current_thread();
  if (hd_socketpair(&a, &b) != 0)
    return 1;
  hd_stream_close(&b);
  HD_ASYNC_INIT(&srv, line_server);
  srv.s = &a;
  srv.reload = &reload;
  hd_block_on(rt, &srv.hd);
  hd_stream_close(&a);
  hd_runtime_free(rt);
  return 0;
}
