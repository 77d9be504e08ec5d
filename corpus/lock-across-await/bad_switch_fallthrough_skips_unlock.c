/* A key-value command dispatcher: PUT locks the entry, stores, and falls
 * through into TOUCH (which only bumps the timestamp) — but the unlock was
 * written in the DEL case alone. Bad: after PUT falls through and breaks,
 * the entry mutex is held at the replication await after the switch. */
#include <pthread.h>

#include "heddle/heddle.h"

enum op { OP_PUT, OP_TOUCH, OP_DEL };

typedef struct entry {
  pthread_mutex_t mu;
  long value;
  long stamp;
} entry;

HD_ASYNC_FN(apply_command, int, entry *e; enum op op; long value; hd_yield replicate;);
HD_ASYNC(apply_command, f, cx, NULL) {
  switch (f->op) {
  case OP_PUT:
    pthread_mutex_lock(&f->e->mu);
    f->e->value = f->value;
    /* fall through */
  case OP_TOUCH:
    f->e->stamp++;
    break;
  case OP_DEL:
    pthread_mutex_lock(&f->e->mu);
    f->e->value = 0;
    pthread_mutex_unlock(&f->e->mu);
    break;
  }
  HD_AWAIT(f, cx, hd_yield_init(&f->replicate)); /* expect: lock-across-await */
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static entry e = {PTHREAD_MUTEX_INITIALIZER, 0, 0};
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
