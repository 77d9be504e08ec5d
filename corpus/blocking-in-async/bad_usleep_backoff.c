/* A job poller backs off with usleep() between attempts inside its async
 * function (std::thread::sleep in an async fn, the first item of tokio's
 * "blocking is bad" guidance). Bad: the worker thread sleeps, so every other
 * task queued on it stalls for the whole back-off. */
#include <unistd.h>

#include "heddle/heddle.h"

HD_ASYNC_FN(poll_jobs, int, hd_mpsc_receiver *jobs; int job; int idle; hd_mpsc_recv rc;);
HD_ASYNC(poll_jobs, f, cx, NULL) {
  while (f->idle < 5) {
    if (hd_mpsc_receiver_len(f->jobs) > 0) {
      HD_AWAIT(f, cx, hd_mpsc_recv_init(&f->rc, f->jobs, &f->job));
      f->idle = 0;
      continue;
    }
    f->idle++;
    usleep(100 * 1000); /* expect: blocking-in-async */
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
