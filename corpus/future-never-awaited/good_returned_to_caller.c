/* A protocol helper builds the future that reads a fixed-size greeting and
 * returns it (a plain C function returning an hd_future *, like a Rust fn
 * returning impl Future); the caller awaits it. Good: returning the future
 * hands the obligation to the caller. */
#include <stdint.h>

#include "heddle/heddle.h"

typedef struct greeting {
  uint8_t magic[4];
  hd_read_exact rx;
} greeting;

static hd_future *read_greeting(greeting *g, hd_stream *s) {
  return hd_read_exact_init(&g->rx, s, g->magic, sizeof g->magic);
}

HD_ASYNC_FN(client, int, hd_stream *s; greeting g;);
HD_ASYNC(client, f, cx, NULL) {
  HD_AWAIT(f, cx, read_greeting(&f->g, f->s));
  HD_RETURN(f, f->g.rx.out == 0 && f->g.magic[0] == 'H' ? 0 : -1);
}
HD_ASYNC_END(f)

int main(void) {
  static hd_stream a, b;
  static client c;
  hd_runtime *rt = hd_runtime_new_current_thread();
  if (hd_socketpair(&a, &b) != 0)
    return 1;
  hd_stream_close(&b);
  HD_ASYNC_INIT(&c, client);
  c.s = &a;
  hd_block_on(rt, &c.hd);
  hd_stream_close(&a);
  hd_runtime_free(rt);
  return 0;
}
