/* corpus: needs-feasibility
 * The WITH_LOCK for-loop macro used correctly: the scope holds only the
 * stock update and the await follows the scope. Good: the loop runs exactly
 * once and its step expression unlocks; the only path that skips the unlock
 * is the "condition false on first test" exit, which needs the flag just set
 * to 1 to be 0 — infeasible, but only path feasibility can tell. */
#include <pthread.h>

#include "heddle/heddle.h"

#define WITH_LOCK(m)                                                                               \
  for (int with_lock_once_ = (pthread_mutex_lock(m), 1); with_lock_once_;                          \
       with_lock_once_ = (pthread_mutex_unlock(m), 0))

typedef struct inventory {
  pthread_mutex_t mu;
  int stock;
  int reserved;
} inventory;

HD_ASYNC_FN(reserve, int, inventory *inv; int qty; hd_yield notify;);
HD_ASYNC(reserve, f, cx, NULL) {
  WITH_LOCK(&f->inv->mu) {
    f->inv->stock -= f->qty;
    f->inv->reserved += f->qty;
  }
  HD_AWAIT(f, cx, hd_yield_init(&f->notify));
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static inventory inv = {PTHREAD_MUTEX_INITIALIZER, 10, 0};
  static reserve task;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&task, reserve);
  task.inv = &inv;
  task.qty = 2;
  hd_block_on(rt, &task.hd);
  hd_runtime_free(rt);
  return 0;
}
