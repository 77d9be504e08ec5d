/* The await happens only in streaming mode, and the local is read when
 * streaming OR verbose: the conditions overlap, so the path "streaming:
 * write, await, read" is feasible. Bad: path feasibility must keep this
 * finding (compare good_await_and_read_exclusive_branches). */
#include <stdbool.h>
#include <stdio.h>

#include "heddle/heddle.h"

HD_ASYNC_FN(export_rows, int, bool streaming; bool verbose; int rows; hd_yield flush;);
HD_ASYNC(export_rows, f, cx, NULL) {
  int batch = f->rows / 10 + 1;
  if (f->streaming)
    HD_AWAIT(f, cx, hd_yield_init(&f->flush));
  if (f->streaming || f->verbose)
    printf("batch size %d\n", batch); /* expect: local-across-await */
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static export_rows e;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&e, export_rows);
  e.streaming = true;
  e.rows = 100;
  hd_block_on(rt, &e.hd);
  hd_runtime_free(rt);
  return 0;
}
