/* Before closing a connection the handler calls flush_init() on its own
 * async flush function and then closes the stream, expecting the flush to
 * have run (JavaScript-style eager promises). Bad: an async function's
 * frame does nothing until it is awaited or spawned; the buffered bytes are
 * never written. */
#include <stddef.h>

#include "heddle/heddle.h"

typedef struct conn {
  hd_stream s;
  char pending[256];
  size_t len;
} conn;

HD_ASYNC_FN(flush, int, conn *c; hd_write_all w;);
HD_ASYNC(flush, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_write_all_init(&f->w, &f->c->s, f->c->pending, f->c->len));
  f->c->len = 0;
  HD_RETURN(f, f->w.out);
}
HD_ASYNC_END(f)

static hd_future *flush_init(flush *f, conn *c) {
  HD_ASYNC_INIT(f, flush);
  f->c = c;
  return &f->hd;
}

HD_ASYNC_FN(close_conn, int, conn *c; flush fl; hd_yield y;);
HD_ASYNC(close_conn, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_yield_init(&f->y));
  flush_init(&f->fl, f->c); /* expect: future-never-awaited */
  hd_stream_close(&f->c->s);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static conn c;
  static hd_stream peer;
  static close_conn cc;
  hd_runtime *rt = hd_runtime_new_current_thread();
  if (hd_socketpair(&c.s, &peer) != 0)
    return 1;
  c.len = 5;
  HD_ASYNC_INIT(&cc, close_conn);
  cc.c = &c;
  hd_block_on(rt, &cc.hd);
  hd_stream_close(&peer);
  hd_runtime_free(rt);
  return 0;
}
