/* corpus: needs-feasibility
 * A flag set when the lock is taken and tested to decide the unlock (the
 * `locked = true; ... if (locked) unlock` idiom, also what a cleanup block
 * shared by several paths looks like). Good: the unlock runs exactly when
 * the lock was taken; proving it needs the flag's value along the path. */
#include <pthread.h>
#include <stdbool.h>

#include "heddle/heddle.h"

typedef struct table {
  pthread_mutex_t mu;
  bool concurrent;
  int rows;
} table;

HD_ASYNC_FN(insert_row, int, table *t; hd_yield wal;);
HD_ASYNC(insert_row, f, cx, NULL) {
  {
    bool locked = false;
    if (f->t->concurrent) {
      pthread_mutex_lock(&f->t->mu);
      locked = true;
    }
    f->t->rows++;
    if (locked)
      pthread_mutex_unlock(&f->t->mu);
  }
  HD_AWAIT(f, cx, hd_yield_init(&f->wal));
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static table t = {PTHREAD_MUTEX_INITIALIZER, true, 0};
  static insert_row task;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&task, insert_row);
  task.t = &t;
  hd_block_on(rt, &task.hd);
  hd_runtime_free(rt);
  return 0;
}
