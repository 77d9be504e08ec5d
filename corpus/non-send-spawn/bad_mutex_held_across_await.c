/* A metrics flusher locks a pthread mutex over the counters, awaits the
 * network write, then unlocks: the frame holds the thread-owned lock across
 * the await (std::sync::MutexGuard held across .await makes the future !Send
 * in tokio). Bad for spawn: it may resume and unlock on another worker; the
 * await itself is also a lock-across-await finding. */
#include <pthread.h>
#include <stdio.h>

#include "heddle/heddle.h"

typedef struct metrics {
  pthread_mutex_t mu;
  unsigned long counts[4];
} metrics;

HD_ASYNC_FN(flush_metrics, int, metrics *m; hd_stream *sink; char line[64]; hd_write_all w;);
HD_ASYNC(flush_metrics, f, cx, NULL) {
  pthread_mutex_lock(&f->m->mu);
  int n = snprintf(f->line, sizeof f->line, "%lu %lu\n", f->m->counts[0], f->m->counts[1]);
  HD_AWAIT(f, cx, hd_write_all_init(&f->w, f->sink, f->line, (size_t)n)); /* expect: lock-across-await */
  f->m->counts[0] = f->m->counts[1] = 0;
  pthread_mutex_unlock(&f->m->mu);
  HD_RETURN(f, f->w.out);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(reporter, int, metrics *m; hd_stream *sink; hd_join_handle *h; hd_join j;);
HD_ASYNC(reporter, f, cx, NULL) {
  {
    flush_metrics fl;
    HD_ASYNC_INIT(&fl, flush_metrics);
    fl.m = f->m;
    fl.sink = f->sink;
    f->h = hd_spawn(&fl.hd); /* expect: non-send-spawn */
  }
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->h));
  hd_join_handle_drop(f->h);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static metrics m = {.mu = PTHREAD_MUTEX_INITIALIZER};
  static hd_stream rd, wr;
  static reporter r;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  if (hd_pipe(&rd, &wr) != 0)
    return 1;
  HD_ASYNC_INIT(&r, reporter);
  r.m = &m;
  r.sink = &wr;
  hd_block_on(rt, &r.hd);
  hd_stream_close(&rd);
  hd_stream_close(&wr);
  hd_runtime_free(rt);
  return 0;
}
