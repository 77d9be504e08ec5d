/* The root task, run by hd_block_on on the main thread, keeps an hd_rc to the
 * configuration and hands each spawned worker a Send copy of the two numbers
 * it needs. Good: hd_block_on is not a multi-thread spawn (the root future
 * never leaves the calling thread), and the spawned frames hold no hd_rc. */
#include "heddle/heddle.h"

typedef struct config {
  int retries;
  int batch;
} config;

HD_ASYNC_FN(worker, int, int retries; int batch; int done; hd_yield y;);
HD_ASYNC(worker, f, cx, NULL) {
  for (f->done = 0; f->done < f->batch; f->done++)
    HD_AWAIT(f, cx, hd_yield_init(&f->y));
  HD_RETURN(f, f->done * f->retries);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(root, int, hd_rc *cfg; int i; hd_join_handle *h[2]; hd_join j;);
HD_ASYNC(root, f, cx, NULL) {
  for (f->i = 0; f->i < 2; f->i++) {
    const config *c = hd_rc_get(f->cfg);
    worker w;
    HD_ASYNC_INIT(&w, worker);
    w.retries = c->retries;
    w.batch = c->batch;
    f->h[f->i] = hd_spawn(&w.hd);
  }
  for (f->i = 0; f->i < 2; f->i++) {
    HD_AWAIT(f, cx, hd_join_init(&f->j, f->h[f->i]));
    hd_join_handle_drop(f->h[f->i]);
  }
  hd_rc_drop(f->cfg);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static root r;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  HD_ASYNC_INIT(&r, root);
  r.cfg = hd_rc_new(sizeof(config), NULL);
  ((config *)hd_rc_get(r.cfg))->retries = 3;
  ((config *)hd_rc_get(r.cfg))->batch = 10;
  hd_block_on(rt, &r.hd);
  hd_runtime_free(rt);
  return 0;
}
