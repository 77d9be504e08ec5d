/* A task updates a process-wide counter table under a pthread mutex for a
 * few instructions between awaits. Good for this rule: pthread_mutex_lock is
 * deliberately NOT in the blocking list (a short uncontended critical section
 * is normal in async code, std::sync::Mutex in tokio); holding it across an
 * await is lock-across-await's business, not blocking-in-async's. */
#include <pthread.h>

#include "heddle/heddle.h"

typedef struct counters {
  pthread_mutex_t mu;
  long hits[16];
} counters;

HD_ASYNC_FN(count_hits, int, counters *c; int i; hd_yield y;);
HD_ASYNC(count_hits, f, cx, NULL) {
  for (f->i = 0; f->i < 64; f->i++) {
    pthread_mutex_lock(&f->c->mu);
    f->c->hits[f->i % 16]++;
    pthread_mutex_unlock(&f->c->mu);
    HD_AWAIT(f, cx, hd_yield_init(&f->y));
  }
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static counters c = {.mu = PTHREAD_MUTEX_INITIALIZER};
  static count_hits t;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  HD_ASYNC_INIT(&t, count_hits);
  t.c = &c;
  hd_block_on(rt, &t.hd);
  hd_runtime_free(rt);
  return 0;
}
