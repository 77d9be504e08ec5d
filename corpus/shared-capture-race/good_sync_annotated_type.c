/* A latency histogram whose buckets are plain counters guarded by its own
 * spin lock built on atomic_flag (the analyzer does not model that lock); the
 * type is annotated HD_SYNC, the author's promise that it is thread-safe
 * (unsafe impl Sync). Good: objects of a sync type are not reported. */
#include <stdatomic.h>

#include "heddle/heddle.h"

typedef struct HD_SYNC histogram {
  atomic_flag busy;
  unsigned long buckets[8];
} histogram;

static void histogram_record(histogram *h, unsigned ms) {
  while (atomic_flag_test_and_set_explicit(&h->busy, memory_order_acquire))
    ;
  h->buckets[ms < 8 ? ms : 7]++;
  atomic_flag_clear_explicit(&h->busy, memory_order_release);
}

HD_ASYNC_FN(probe, int, histogram *hist; unsigned ms; hd_sleep rtt;);
HD_ASYNC(probe, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_sleep_init(&f->rtt, f->ms));
  histogram_record(f->hist, f->ms);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(prober, int, histogram *hist; int i; hd_join_handle *h[5]; hd_join j;);
HD_ASYNC(prober, f, cx, NULL) {
  for (f->i = 0; f->i < 5; f->i++) {
    probe p;
    HD_ASYNC_INIT(&p, probe);
    p.hist = f->hist;
    p.ms = (unsigned)f->i;
    f->h[f->i] = hd_spawn(&p.hd);
  }
  for (f->i = 0; f->i < 5; f->i++) {
    HD_AWAIT(f, cx, hd_join_init(&f->j, f->h[f->i]));
    hd_join_handle_drop(f->h[f->i]);
  }
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static histogram hist = {ATOMIC_FLAG_INIT, {0}};
  static prober p;
  hd_runtime *rt = hd_runtime_new_multi_thread(4);
  HD_ASYNC_INIT(&p, prober);
  p.hist = &hist;
  hd_block_on(rt, &p.hd);
  hd_runtime_free(rt);
  return 0;
}
