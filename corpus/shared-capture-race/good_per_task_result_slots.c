/* Scatter/gather: the spawner hands task i a pointer to results[i] and each
 * task writes only its own slot; the spawner reads the array after joining
 * them all. Good: the spawn arguments differ per iteration (disjoint
 * objects), a known false-positive trap for spawns in a loop. */
#include "heddle/heddle.h"

#define SHARDS 6

HD_ASYNC_FN(count_shard, int, int shard; long *slot; hd_sleep io;);
HD_ASYNC(count_shard, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_sleep_init(&f->io, 1));
  *f->slot = (long)f->shard * 100;
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(gather, long, long results[SHARDS]; int i; hd_join_handle *h[SHARDS]; hd_join j;);
HD_ASYNC(gather, f, cx, NULL) {
  for (f->i = 0; f->i < SHARDS; f->i++) {
    count_shard c;
    HD_ASYNC_INIT(&c, count_shard);
    c.shard = f->i;
    c.slot = &f->results[f->i];
    f->h[f->i] = hd_spawn(&c.hd);
  }
  for (f->i = 0; f->i < SHARDS; f->i++) {
    HD_AWAIT(f, cx, hd_join_init(&f->j, f->h[f->i]));
    hd_join_handle_drop(f->h[f->i]);
    f->out += f->results[f->i];
  }
}
HD_ASYNC_END(f)

int main(void) {
  static gather g;
  hd_runtime *rt = hd_runtime_new_multi_thread(4);
  HD_ASYNC_INIT(&g, gather);
  hd_block_on(rt, &g.hd);
  hd_runtime_free(rt);
  return g.out != 1500;
}
