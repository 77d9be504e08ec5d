/* A spawned task "just runs something quickly" by creating a new
 * current-thread runtime and block_on-ing a child on it (Runtime::new()
 * inside an async task: "Cannot drop a runtime in a context where blocking
 * is not allowed"). Bad: the worker thread is blocked for the child's whole
 * run, and hd_block_on refuses to nest anyway. */
#include "heddle/heddle.h"

HD_ASYNC_FN(checksum_file, unsigned, const char *name; hd_yield io;);
HD_ASYNC(checksum_file, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_yield_init(&f->io));
  HD_RETURN(f, (unsigned)f->name[0] * 31u);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(verify, int, const char *name; unsigned sum; hd_yield y;);
HD_ASYNC(verify, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_yield_init(&f->y));
  {
    hd_runtime *inner = hd_runtime_new_current_thread();
    checksum_file c;
    HD_ASYNC_INIT(&c, checksum_file);
    c.name = f->name;
    hd_block_on(inner, &c.hd); /* expect: block-on-in-async */
    f->sum = c.out;
    hd_runtime_free(inner);
  }
  HD_RETURN(f, f->sum != 0 ? 0 : -1);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(root, int, hd_join_handle *h; hd_join j;);
HD_ASYNC(root, f, cx, NULL) {
  {
    verify v;
    HD_ASYNC_INIT(&v, verify);
    v.name = "payload.bin";
    f->h = hd_spawn(&v.hd);
  }
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->h));
  hd_join_handle_drop(f->h);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static root r;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  HD_ASYNC_INIT(&r, root);
  hd_block_on(rt, &r.hd);
  hd_runtime_free(rt);
  return 0;
}
