/* The document store fixed: the lock mode is still chosen with ?:, the
 * counters are updated under whichever lock was taken, and the rwlock is
 * released before the storage await. Good: both arms acquire, the single
 * unlock after the join releases, nothing is held at the await. */
#include <pthread.h>
#include <stdbool.h>

#include "heddle/heddle.h"

typedef struct doc_store {
  pthread_rwlock_t lk;
  pthread_mutex_t stats_mu;
  long reads, writes;
} doc_store;

HD_ASYNC_FN(access_doc, int, doc_store *s; bool exclusive; hd_yield storage;);
HD_ASYNC(access_doc, f, cx, NULL) {
  (void)(f->exclusive ? pthread_rwlock_wrlock(&f->s->lk) : pthread_rwlock_rdlock(&f->s->lk));
  pthread_mutex_lock(&f->s->stats_mu);
  *(f->exclusive ? &f->s->writes : &f->s->reads) += 1;
  pthread_mutex_unlock(&f->s->stats_mu);
  pthread_rwlock_unlock(&f->s->lk);
  HD_AWAIT(f, cx, hd_yield_init(&f->storage));
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static doc_store s = {PTHREAD_RWLOCK_INITIALIZER, PTHREAD_MUTEX_INITIALIZER, 0, 0};
  static access_doc task;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&task, access_doc);
  task.s = &s;
  task.exclusive = false;
  hd_block_on(rt, &task.hd);
  hd_runtime_free(rt);
  return 0;
}
