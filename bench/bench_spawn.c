/* Spawn+join throughput: tasks/s for each executor.
 * usage: bench_spawn [TASKS]   (default 200000) */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "heddle/runtime.h"

HD_ASYNC_FN(leaf, int, int v;);
HD_ASYNC(leaf, f, cx, NULL) { HD_RETURN(f, f->v + 1); }
HD_ASYNC_END(f)

/* Spawns `n` leaves in batches of `batch` and joins each batch. */
HD_ASYNC_FN(spawner, long, int n; int batch; int i; int k; hd_join_handle **h; hd_join j;);
HD_ASYNC(spawner, f, cx, NULL) {
  for (f->i = 0; f->i < f->n; f->i += f->batch) {
    for (f->k = 0; f->k < f->batch; f->k++) {
      leaf l;
      HD_ASYNC_INIT(&l, leaf);
      l.v = f->k;
      f->h[f->k] = hd_spawn(&l.hd);
    }
    for (f->k = 0; f->k < f->batch; f->k++) {
      HD_AWAIT(f, cx, hd_join_init(&f->j, f->h[f->k]));
      f->out += ((leaf *)f->j.task)->out;
      hd_join_handle_drop(f->h[f->k]);
    }
  }
}
HD_ASYNC_END(f)

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void run(const char *label, hd_runtime *rt, int n) {
  enum { BATCH = 1000 };
  hd_join_handle *handles[BATCH];
  spawner s;
  HD_ASYNC_INIT(&s, spawner);
  s.n = n;
  s.batch = BATCH;
  s.h = handles;
  double t0 = now_s();
  hd_block_on(rt, &s.hd);
  double dt = now_s() - t0;
  long expect = (long)(n / BATCH) * (BATCH * (BATCH + 1L) / 2);
  printf("spawn+join %-22s %9.0f tasks/s  (%d tasks, %.3f s)%s\n", label, n / dt, n, dt,
         s.out == expect ? "" : "  WRONG RESULT");
  hd_runtime_free(rt);
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 200000;
  if (n < 1000)
    n = 1000;
  run("current-thread", hd_runtime_new_current_thread(), n);
  run("multi-thread (2 workers)", hd_runtime_new_multi_thread(2), n);
  run("multi-thread (4 workers)", hd_runtime_new_multi_thread(4), n);
  return 0;
}
