/* The dispatcher fixed: the entry mutex is taken before the switch; PUT
 * falls through into TOUCH, CLOSE unlocks and returns from inside the
 * switch, and the unlock after the switch covers every other case
 * (including default). Good: all paths, fall-through included, unlock before
 * the replication await. */
#include <pthread.h>
#include <stdbool.h>

#include "heddle/heddle.h"

enum op { OP_PUT, OP_TOUCH, OP_DEL, OP_CLOSE };

typedef struct entry {
  pthread_mutex_t mu;
  bool closed;
  long value;
  long stamp;
} entry;

HD_ASYNC_FN(apply_command, int, entry *e; enum op op; long value; hd_yield replicate;);
HD_ASYNC(apply_command, f, cx, NULL) {
  pthread_mutex_lock(&f->e->mu);
  switch (f->op) {
  case OP_CLOSE:
    f->e->closed = true;
    pthread_mutex_unlock(&f->e->mu);
    HD_RETURN(f, 0);
  case OP_PUT:
    f->e->value = f->value;
    /* fall through */
  case OP_TOUCH:
    f->e->stamp++;
    break;
  case OP_DEL:
    f->e->value = 0;
    break;
  default:
    break;
  }
  pthread_mutex_unlock(&f->e->mu);
  HD_AWAIT(f, cx, hd_yield_init(&f->replicate));
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static entry e = {PTHREAD_MUTEX_INITIALIZER, false, 0, 0};
  static apply_command task;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&task, apply_command);
  task.e = &e;
  task.op = OP_PUT;
  task.value = 9;
  hd_block_on(rt, &task.hd);
  hd_runtime_free(rt);
  return 0;
}
