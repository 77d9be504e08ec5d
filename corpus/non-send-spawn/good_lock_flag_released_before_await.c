/* corpus: needs-feasibility
 * A task takes the stats mutex only when sampling is enabled, records that in
 * a flag, and unlocks under the same flag before its await; it is spawned
 * with hd_spawn. Good: no path holds the lock at the await (the path "locked,
 * then flag false" is infeasible), so the frame never carries a held lock. */
#include <pthread.h>
#include <stdbool.h>

#include "heddle/heddle.h"

typedef struct stats {
  pthread_mutex_t mu;
  long samples;
} stats;

HD_ASYNC_FN(sampler, int, stats *st; bool sampling; int round; hd_sleep tick;);
HD_ASYNC(sampler, f, cx, NULL) {
  for (f->round = 0; f->round < 5; f->round++) {
    bool locked = false;
    if (f->sampling) {
      pthread_mutex_lock(&f->st->mu);
      locked = true;
      f->st->samples++;
    }
    if (locked)
      pthread_mutex_unlock(&f->st->mu);
    HD_AWAIT(f, cx, hd_sleep_init(&f->tick, 20));
  }
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(monitor, int, stats *st; hd_join_handle *h; hd_join j;);
HD_ASYNC(monitor, f, cx, NULL) {
  {
    sampler s;
    HD_ASYNC_INIT(&s, sampler);
    s.st = f->st;
    s.sampling = true;
    f->h = hd_spawn(&s.hd);
  }
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->h));
  hd_join_handle_drop(f->h);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static stats st = {.mu = PTHREAD_MUTEX_INITIALIZER};
  static monitor m;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  HD_ASYNC_INIT(&m, monitor);
  m.st = &st;
  hd_block_on(rt, &m.hd);
  hd_runtime_free(rt);
  return 0;
}
