/* A log indexer spawns one task per file, and every task bumps the same
 * plain `processed` counter through the pointer it captured (the C form of
 * sharing a non-Sync &mut across tokio::spawn). Bad: the tasks run on
 * different workers at once; `++` on a plain field is a data race. */
#include <stddef.h>

#include "heddle/heddle.h"

typedef struct index_stats {
  size_t processed;
  size_t bytes;
} index_stats;

HD_ASYNC_FN(index_file, int, index_stats *st; int file; hd_yield io;);
HD_ASYNC(index_file, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_yield_init(&f->io));
  f->st->processed++; /* expect: shared-capture-race */
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(indexer, int, index_stats *st; int i; hd_join_handle *h[8]; hd_join j;);
HD_ASYNC(indexer, f, cx, NULL) {
  for (f->i = 0; f->i < 8; f->i++) {
    index_file t;
    HD_ASYNC_INIT(&t, index_file);
    t.st = f->st;
    t.file = f->i;
    f->h[f->i] = hd_spawn(&t.hd);
  }
  for (f->i = 0; f->i < 8; f->i++) {
    HD_AWAIT(f, cx, hd_join_init(&f->j, f->h[f->i]));
    hd_join_handle_drop(f->h[f->i]);
  }
  HD_RETURN(f, (int)f->st->processed);
}
HD_ASYNC_END(f)

int main(void) {
  static index_stats st;
  static indexer ix;
  hd_runtime *rt = hd_runtime_new_multi_thread(4);
  HD_ASYNC_INIT(&ix, indexer);
  ix.st = &st;
  hd_block_on(rt, &ix.hd);
  hd_runtime_free(rt);
  return 0;
}
