/* An async lookup that resolves a key's shard (awaiting first, with nothing
 * held), then locks the shard and returns it locked for the caller to use;
 * the caller awaits a write-ahead log flush before unlocking. Bad: the lock
 * is an effect of the awaited async callee, and it is held at the caller's
 * second await. The first await (of the callee) is fine: the callee holds
 * nothing while it is suspended. */
#include <pthread.h>

#include "heddle/heddle.h"

typedef struct shard {
  pthread_mutex_t mu;
  long values[64];
} shard;

typedef struct store {
  shard shards[4];
} store;

HD_ASYNC_FN(lock_shard_for, shard *, store *st; unsigned key; hd_yield resolve;);
HD_ASYNC(lock_shard_for, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_yield_init(&f->resolve)); /* route lookup */
  pthread_mutex_lock(&f->st->shards[f->key % 4].mu);
  HD_RETURN(f, &f->st->shards[f->key % 4]); /* returned locked */
}
HD_ASYNC_END(f)

static hd_future *lock_shard_for_init(lock_shard_for *f, store *st, unsigned key) {
  HD_ASYNC_INIT(f, lock_shard_for);
  f->st = st;
  f->key = key;
  return &f->hd;
}

HD_ASYNC_FN(put, int, store *st; unsigned key; long value; lock_shard_for lk; hd_yield wal;);
HD_ASYNC(put, f, cx, NULL) {
  HD_AWAIT(f, cx, lock_shard_for_init(&f->lk, f->st, f->key));
  f->lk.out->values[f->key / 4 % 64] = f->value;
  HD_AWAIT(f, cx, hd_yield_init(&f->wal)); /* expect: lock-across-await */
  pthread_mutex_unlock(&f->st->shards[f->key % 4].mu);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static store st;
  static put task;
  hd_runtime *rt = hd_runtime_new_current_thread();
  for (int i = 0; i < 4; i++)
    pthread_mutex_init(&st.shards[i].mu, NULL);
  HD_ASYNC_INIT(&task, put);
  task.st = &st;
  task.key = 9;
  task.value = 1;
  hd_block_on(rt, &task.hd);
  hd_runtime_free(rt);
  return 0;
}
