/* Nested locks in a bank transfer: the ledger lock is taken, then the
 * account lock inside it; the inner lock is released before the notify
 * await but the outer ledger lock is not. Bad: releasing the inner lock does
 * not release the outer one, which is still held at the await. */
#include <pthread.h>

#include "heddle/heddle.h"

typedef struct account {
  pthread_mutex_t mu;
  long balance;
} account;

typedef struct ledger {
  pthread_mutex_t mu;
  long entries;
} ledger;

HD_ASYNC_FN(deposit, int, ledger *lg; account *acct; long amount; hd_yield notify;);
HD_ASYNC(deposit, f, cx, NULL) {
  pthread_mutex_lock(&f->lg->mu);
  pthread_mutex_lock(&f->acct->mu);
  f->acct->balance += f->amount;
  pthread_mutex_unlock(&f->acct->mu);
  f->lg->entries++;
  HD_AWAIT(f, cx, hd_yield_init(&f->notify)); /* expect: lock-across-await */
  pthread_mutex_unlock(&f->lg->mu);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static ledger lg = {PTHREAD_MUTEX_INITIALIZER, 0};
  static account acct = {PTHREAD_MUTEX_INITIALIZER, 0};
  static deposit task;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&task, deposit);
  task.lg = &lg;
  task.acct = &acct;
  task.amount = 10;
  hd_block_on(rt, &task.hd);
  hd_runtime_free(rt);
  return 0;
}
