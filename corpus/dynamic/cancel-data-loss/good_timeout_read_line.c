/* The fixed twin of bad_timeout_read_line.c: the writer sends the line
 * without a pause longer than the timeout, so the hd_read_line always
 * completes before the deadline (virtual time passes only when nothing can
 * run) and the timeout never drops a partly read line. */
#include "heddle/heddle.h"
#include "heddle/shadow.h"

static hd_stream rd, wr;

HD_ASYNC_FN(writer, int, hd_write_all w; hd_sleep pause;);
HD_ASYNC(writer, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_write_all_init(&f->w, &wr, "hel", 3));
  HD_AWAIT(f, cx, hd_sleep_init(&f->pause, 10));
  HD_AWAIT(f, cx, hd_write_all_init(&f->w, &wr, "lo\n", 3));
  hd_stream_close(&wr);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(reader, int, char line[32]; hd_read_line rl; hd_timeout t; hd_join_handle * h;
            hd_join j;);
HD_ASYNC(reader, f, cx, NULL) {
  {
    writer w;
    HD_ASYNC_INIT(&w, writer);
    f->h = hd_spawn(&w.hd);
  }
  HD_AWAIT(f, cx,
           hd_timeout_init(&f->t, hd_read_line_init(&f->rl, &rd, f->line, sizeof f->line), 50));
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->h));
  HD_SHADOW_CHECK(f->t.out == 0 && f->rl.out == 6);
  HD_RETURN(f, f->t.out);
}
HD_ASYNC_END(f)

void hd_shadow_test(void) {
  hd_pipe(&rd, &wr);
  hd_runtime *rt = hd_runtime_new_current_thread();
  reader r;
  HD_ASYNC_INIT(&r, reader);
  hd_block_on(rt, &r.hd);
  hd_runtime_free(rt);
  hd_stream_close(&rd);
}
