/* A task snapshots the worker's _Thread_local shard number by value into its
 * frame (to tag its log lines with where it started) and is spawned with
 * hd_spawn. Good: an integer copied out of a thread-local is plain data;
 * only the address of a thread-local (or thread-bound handles) is non-Send. */
#include <stdio.h>

#include "heddle/heddle.h"

static _Thread_local int shard_id = -1;

HD_ASYNC_FN(tagged_job, int, int started_on; int step; hd_yield y;);
HD_ASYNC(tagged_job, f, cx, NULL) {
  f->started_on = shard_id;
  for (f->step = 0; f->step < 3; f->step++) {
    HD_AWAIT(f, cx, hd_yield_init(&f->y));
    printf("[shard %d] step %d\n", f->started_on, f->step);
  }
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(launcher, int, hd_join_handle *h; hd_join j;);
HD_ASYNC(launcher, f, cx, NULL) {
  {
    tagged_job t;
    HD_ASYNC_INIT(&t, tagged_job);
    f->h = hd_spawn(&t.hd);
  }
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->h));
  hd_join_handle_drop(f->h);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static launcher l;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  HD_ASYNC_INIT(&l, launcher);
  hd_block_on(rt, &l.hd);
  hd_runtime_free(rt);
  return 0;
}
