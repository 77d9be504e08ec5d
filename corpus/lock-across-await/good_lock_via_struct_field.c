/* Lock identity by canonical lvalue: the source shard's mutex is locked as
 * `&((f->src)->mu)` (the parenthesised form a macro produces) and unlocked as
 * `&f->src->mu`; the peer's is locked as `&f->peer->mu` and unlocked as
 * `&(f->peer)->mu`. Good: both spellings name the same lock, so every lock
 * is released before its await. */
#include <pthread.h>

#include "heddle/heddle.h"

typedef struct shard {
  pthread_mutex_t mu;
  long keys;
} shard;

#define SHARD_LOCK(s) pthread_mutex_lock(&((s)->mu))

HD_ASYNC_FN(migrate_key, int, shard *src; shard *peer; hd_yield copy;);
HD_ASYNC(migrate_key, f, cx, NULL) {
  SHARD_LOCK(f->src);
  f->src->keys--;
  pthread_mutex_unlock(&f->src->mu);
  HD_AWAIT(f, cx, hd_yield_init(&f->copy));
  pthread_mutex_lock(&f->peer->mu);
  f->peer->keys++;
  pthread_mutex_unlock(&(f->peer)->mu);
  HD_AWAIT(f, cx, hd_yield_init(&f->copy));
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static shard a = {PTHREAD_MUTEX_INITIALIZER, 10};
  static shard b = {PTHREAD_MUTEX_INITIALIZER, 0};
  static migrate_key task;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&task, migrate_key);
  task.src = &a;
  task.peer = &b;
  hd_block_on(rt, &task.hd);
  hd_runtime_free(rt);
  return 0;
}
