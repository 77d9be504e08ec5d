/* A document store picks the lock mode with a conditional expression:
 * `exclusive ? wrlock : rdlock`, then awaits the storage read before
 * unlocking. Bad: both arms of ?: acquire the rwlock, so it is held at the
 * await whichever arm ran. */
#include <pthread.h>
#include <stdbool.h>

#include "heddle/heddle.h"

typedef struct doc_store {
  pthread_rwlock_t lk;
  long reads, writes;
} doc_store;

HD_ASYNC_FN(access_doc, int, doc_store *s; bool exclusive; hd_yield storage;);
HD_ASYNC(access_doc, f, cx, NULL) {
  (void)(f->exclusive ? pthread_rwlock_wrlock(&f->s->lk) : pthread_rwlock_rdlock(&f->s->lk));
  HD_AWAIT(f, cx, hd_yield_init(&f->storage)); /* expect: lock-across-await */
  pthread_rwlock_unlock(&f->s->lk);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static doc_store s = {PTHREAD_RWLOCK_INITIALIZER, 0, 0};
  static access_doc task;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&task, access_doc);
  task.s = &s;
  task.exclusive = true;
  hd_block_on(rt, &task.hd);
  hd_runtime_free(rt);
  return 0;
}
