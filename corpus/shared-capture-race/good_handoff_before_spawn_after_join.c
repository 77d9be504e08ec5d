/* A batch job: the spawner fills the request buffer, spawns the encoder, and
 * reads the result only after awaiting the join handle (move in, join, read
 * back: JoinHandle's output in tokio). Good: the spawn and the join order
 * the accesses (happens-before), so there is no concurrent pair. */
#include <string.h>

#include "heddle/heddle.h"

typedef struct batch {
  char input[128];
  size_t input_len;
  unsigned checksum;
} batch;

HD_ASYNC_FN(encode, int, batch *b; size_t i; hd_yield y;);
HD_ASYNC(encode, f, cx, NULL) {
  for (f->i = 0; f->i < f->b->input_len; f->i++) {
    f->b->checksum = f->b->checksum * 31u + (unsigned char)f->b->input[f->i];
    if (f->i % 32 == 31)
      HD_AWAIT(f, cx, hd_yield_init(&f->y));
  }
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(run_batch, unsigned, batch *b; hd_join_handle *h; hd_join j;);
HD_ASYNC(run_batch, f, cx, NULL) {
  strcpy(f->b->input, "the quick brown fox jumps over the lazy dog");
  f->b->input_len = strlen(f->b->input);
  f->b->checksum = 7;
  {
    encode e;
    HD_ASYNC_INIT(&e, encode);
    e.b = f->b;
    f->h = hd_spawn(&e.hd);
  }
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->h));
  hd_join_handle_drop(f->h);
  HD_RETURN(f, f->b->checksum);
}
HD_ASYNC_END(f)

int main(void) {
  static batch b;
  static run_batch r;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  HD_ASYNC_INIT(&r, run_batch);
  r.b = &b;
  hd_block_on(rt, &r.hd);
  hd_runtime_free(rt);
  return r.out == 0;
}
