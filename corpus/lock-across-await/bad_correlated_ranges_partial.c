/* Two related but different thresholds: a batcher locks the batch when more
 * than 8 items are queued and unlocks only when more than 16 are, so for 9
 * to 16 items the lock is held at the flush await. Bad, and a guard for the
 * feasibility stage: the witness path (n > 8 and not n > 16) is feasible
 * and must be kept. */
#include <pthread.h>

#include "heddle/heddle.h"

typedef struct batch {
  pthread_mutex_t mu;
  int queued;
  int sealed;
} batch;

HD_ASYNC_FN(maybe_seal, int, batch *b; hd_yield flush;);
HD_ASYNC(maybe_seal, f, cx, NULL) {
  {
    int n = f->b->queued;
    if (n > 8)
      pthread_mutex_lock(&f->b->mu);
    f->b->sealed = n > 8;
    if (n > 16)
      pthread_mutex_unlock(&f->b->mu);
  }
  HD_AWAIT(f, cx, hd_yield_init(&f->flush)); /* expect: lock-across-await */
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static batch b = {PTHREAD_MUTEX_INITIALIZER, 12, 0};
  static maybe_seal task;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&task, maybe_seal);
  task.b = &b;
  hd_block_on(rt, &task.hd);
  hd_runtime_free(rt);
  return 0;
}
