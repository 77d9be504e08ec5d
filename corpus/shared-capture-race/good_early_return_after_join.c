/* corpus: needs-feasibility
 * A compressor either offloads a large buffer to a spawned task and returns
 * right after joining it, or falls through to compress in place; the
 * in-place write is after the early-return guard. Good: the path "spawned,
 * then the spawner's in-place write" is infeasible (the same `parallel` test
 * returned first), and the read in the early return is ordered by the join. */
#include <stdbool.h>
#include <stddef.h>

#include "heddle/heddle.h"

typedef struct buffer {
  unsigned char data[256];
  size_t len;
  size_t packed;
} buffer;

HD_ASYNC_FN(pack_task, int, buffer *b; hd_yield y;);
HD_ASYNC(pack_task, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_yield_init(&f->y));
  f->b->packed = f->b->len / 2;
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(compress, size_t, buffer *b; bool parallel; hd_join_handle *h; hd_join j;);
HD_ASYNC(compress, f, cx, NULL) {
  f->parallel = f->b->len > 128;
  if (f->parallel) {
    pack_task t;
    HD_ASYNC_INIT(&t, pack_task);
    t.b = f->b;
    f->h = hd_spawn(&t.hd);
  }
  if (f->parallel) {
    HD_AWAIT(f, cx, hd_join_init(&f->j, f->h));
    hd_join_handle_drop(f->h);
    HD_RETURN(f, f->b->packed);
  }
  f->b->packed = f->b->len / 2; /* in place: no task has the buffer */
  HD_RETURN(f, f->b->packed);
}
HD_ASYNC_END(f)

int main(void) {
  static buffer b = {.len = 200};
  static compress c;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  HD_ASYNC_INIT(&c, compress);
  c.b = &b;
  hd_block_on(rt, &c.hd);
  hd_runtime_free(rt);
  return 0;
}
