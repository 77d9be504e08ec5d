/* corpus: needs-feasibility
 * A name resolver measures the cached name into a local, sets a frame flag
 * `need_fetch` when the cache is empty, awaits the fetch only under that
 * flag, and adds the local to the total only when the flag is clear. Good:
 * the path "write, await (flag set), read (flag clear)" is infeasible; Z3
 * must see that the flag is not modified between the two tests. */
#include <stdbool.h>
#include <string.h>

#include "heddle/heddle.h"

HD_ASYNC_FN(resolve, int, const char *cached; bool need_fetch; size_t total; hd_sleep fetch;);
HD_ASYNC(resolve, f, cx, NULL) {
  size_t n = strlen(f->cached);
  f->need_fetch = n == 0;
  if (f->need_fetch)
    HD_AWAIT(f, cx, hd_sleep_init(&f->fetch, 10));
  if (!f->need_fetch)
    f->total += n;
  HD_RETURN(f, f->need_fetch ? 1 : 0);
}
HD_ASYNC_END(f)

int main(void) {
  static resolve r;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&r, resolve);
  r.cached = "example.org";
  hd_block_on(rt, &r.hd);
  hd_runtime_free(rt);
  return 0;
}
