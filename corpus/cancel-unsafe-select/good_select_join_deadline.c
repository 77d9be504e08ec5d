/* A request handler gives a spawned report job 2 s: select(join handle,
 * sleep); on the deadline it answers "pending" and detaches the job, which
 * finishes writing its report on its own (awaiting a JoinHandle is
 * cancel-safe in tokio: dropping it does not cancel the task). Good: the
 * job's write_all is never dropped; only the join future is. */
#include <string.h>

#include "heddle/heddle.h"

HD_ASYNC_FN(report_job, int, hd_stream *s; const char *text; hd_write_all wa;);
HD_ASYNC(report_job, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_write_all_init(&f->wa, f->s, f->text, strlen(f->text)));
  HD_RETURN(f, f->wa.out);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(handle, int, hd_stream *s; hd_join_handle *h; hd_join j; hd_sleep deadline;
            hd_select sel;);
HD_ASYNC(handle, f, cx, NULL) {
  {
    report_job r;
    HD_ASYNC_INIT(&r, report_job);
    r.s = f->s;
    r.text = "report: 3 rows\n";
    f->h = hd_spawn(&r.hd);
  }
  hd_join_init(&f->j, f->h);
  hd_sleep_init(&f->deadline, 2000);
  HD_AWAIT(f, cx, HD_SELECT(&f->sel, &f->j.hd, &f->deadline.hd));
  hd_join_handle_drop(f->h); /* on the deadline: detach, the job carries on */
  HD_RETURN(f, f->sel.winner == 0 ? 0 : 1);
}
HD_ASYNC_END(f)

int main(void) {
  static hd_stream a, b;
  static handle h;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  if (hd_socketpair(&a, &b) != 0)
    return 1;
  HD_ASYNC_INIT(&h, handle);
  h.s = &a;
  hd_block_on(rt, &h.hd);
  hd_runtime_free(rt);
  hd_stream_close(&a);
  hd_stream_close(&b);
  return 0;
}
