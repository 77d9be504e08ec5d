/* A parent sets up a join future on a worker's handle and reads its `err`
 * right away, never awaiting it (reading a JoinHandle's result without
 * .await). Bad: the join future was never polled, so `err` is the zero of
 * initialisation, not the task's outcome. */
#include "heddle/heddle.h"

HD_ASYNC_FN(worker, int, hd_sleep work;);
HD_ASYNC(worker, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_sleep_init(&f->work, 5));
  HD_RETURN(f, 1);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(parent, int, hd_join_handle *h; hd_join j; hd_yield y;);
HD_ASYNC(parent, f, cx, NULL) {
  {
    worker w;
    HD_ASYNC_INIT(&w, worker);
    f->h = hd_spawn(&w.hd);
  }
  HD_AWAIT(f, cx, hd_yield_init(&f->y));
  hd_join_init(&f->j, f->h); /* expect: future-never-awaited */
  int failed = f->j.err != 0;
  hd_join_handle_drop(f->h);
  HD_RETURN(f, failed);
}
HD_ASYNC_END(f)

int main(void) {
  static parent p;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  HD_ASYNC_INIT(&p, parent);
  hd_block_on(rt, &p.hd);
  hd_runtime_free(rt);
  return 0;
}
