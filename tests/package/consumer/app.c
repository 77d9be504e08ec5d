/* Uses the installed runtime: a sleep on the multi-thread executor. */
#include <stdio.h>
#include "heddle/heddle.h"
HD_ASYNC_FN(hello, int, hd_sleep s;);
HD_ASYNC(hello, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_sleep_init(&f->s, 1));
  HD_RETURN(f, 42);
}
HD_ASYNC_END(f)
int main(void) {
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  hello h;
  HD_ASYNC_INIT(&h, hello);
  hd_block_on(rt, &h.hd);
  hd_runtime_free(rt);
  printf("%d\n", h.out);
  return h.out == 42 ? 0 : 1;
}
