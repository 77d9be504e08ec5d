/* The block_on hides two calls deep: the async task calls
 * metrics_publish(), which calls flush_now(), which drives an async flush
 * with hd_block_on on a private runtime. Bad, found through the call graph:
 * the finding is at the async function's call of metrics_publish, with the
 * chain metrics_publish -> flush_now -> hd_block_on in the notes. */
#include "heddle/heddle.h"

typedef struct sink {
  hd_runtime *own_rt;
  long pending;
} sink;

HD_ASYNC_FN(flush, int, sink *s; hd_yield io;);
HD_ASYNC(flush, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_yield_init(&f->io));
  f->s->pending = 0;
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

static int flush_now(sink *s) {
  flush fl;
  HD_ASYNC_INIT(&fl, flush);
  fl.s = s;
  return hd_block_on(s->own_rt, &fl.hd);
}

static void metrics_publish(sink *s, long v) {
  s->pending += v;
  if (s->pending > 100)
    flush_now(s);
}

HD_ASYNC_FN(collector, int, sink *s; int i; hd_sleep tick;);
HD_ASYNC(collector, f, cx, NULL) {
  for (f->i = 0; f->i < 10; f->i++) {
    HD_AWAIT(f, cx, hd_sleep_init(&f->tick, 1));
    metrics_publish(f->s, 42); /* expect: block-on-in-async */
  }
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static sink s;
  static collector c;
  s.own_rt = hd_runtime_new_current_thread();
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&c, collector);
  c.s = &s;
  hd_block_on(rt, &c.hd);
  hd_runtime_free(rt);
  hd_runtime_free(s.own_rt);
  return 0;
}
