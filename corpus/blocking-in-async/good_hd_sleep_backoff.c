/* The fix of bad_usleep_backoff: the back-off awaits hd_sleep
 * (tokio::time::sleep), which suspends the task and frees the worker. Good:
 * no thread-blocking call in the async function. */
#include "heddle/heddle.h"

HD_ASYNC_FN(poll_jobs, int, hd_mpsc_receiver *jobs; int job; int idle; hd_mpsc_recv rc;
            hd_sleep backoff;);
HD_ASYNC(poll_jobs, f, cx, NULL) {
  while (f->idle < 5) {
    if (hd_mpsc_receiver_len(f->jobs) > 0) {
      HD_AWAIT(f, cx, hd_mpsc_recv_init(&f->rc, f->jobs, &f->job));
      f->idle = 0;
      continue;
    }
    f->idle++;
    HD_AWAIT(f, cx, hd_sleep_init(&f->backoff, 100));
  }
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static hd_mpsc_sender tx;
  static hd_mpsc_receiver rx;
  static poll_jobs p;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  if (hd_mpsc_unbounded(sizeof(int), &tx, &rx) != 0)
    return 1;
  HD_ASYNC_INIT(&p, poll_jobs);
  p.jobs = &rx;
  hd_block_on(rt, &p.hd);
  hd_mpsc_sender_drop(&tx);
  hd_mpsc_receiver_drop(&rx);
  hd_runtime_free(rt);
  return 0;
}
