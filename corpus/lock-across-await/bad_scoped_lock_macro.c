/* A "scoped lock" macro built from a for loop (the WITH_LOCK idiom found in
 * many C code bases): the body runs once with the mutex held and the loop's
 * step expression unlocks. Someone put an await inside the scope. Bad: the
 * mutex is held at the await inside WITH_LOCK's body. */
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
    HD_AWAIT(f, cx, hd_yield_init(&f->notify)); /* expect: lock-across-await */
  }
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
