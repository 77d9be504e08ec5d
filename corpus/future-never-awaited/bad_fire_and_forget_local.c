/* A sync logging helper, called from async code, "fires and forgets" a write
 * of the log line by initialising an hd_write future in a stack local and
 * returning (the inert-futures surprise: tokio's "futures do nothing unless
 * you .await or poll them"). Bad: the local future is never polled; nothing
 * is written. */
#include <string.h>

#include "heddle/heddle.h"

static void log_line(hd_stream *log, const char *msg) {
  hd_write w;
  hd_write_init(&w, log, msg, strlen(msg)); /* expect: future-never-awaited */
}

HD_ASYNC_FN(worker, int, hd_stream *log; int i; hd_yield y;);
HD_ASYNC(worker, f, cx, NULL) {
  for (f->i = 0; f->i < 3; f->i++) {
    log_line(f->log, "tick\n");
    HD_AWAIT(f, cx, hd_yield_init(&f->y));
  }
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static hd_stream rd, wr;
  static worker w;
  hd_runtime *rt = hd_runtime_new_current_thread();
  if (hd_pipe(&rd, &wr) != 0)
    return 1;
  HD_ASYNC_INIT(&w, worker);
  w.log = &wr;
  hd_block_on(rt, &w.hd);
  hd_stream_close(&rd);
  hd_stream_close(&wr);
  hd_runtime_free(rt);
  return 0;
}
