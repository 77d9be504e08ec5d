/* The transfer fixed: ledger lock, then account lock, both released in
 * reverse order before the notify await; the second critical section after
 * the await nests the same two locks again. Good: the lock set is empty at
 * the await. */
#include <pthread.h>

#include "heddle/heddle.h"

typedef struct account {
  pthread_mutex_t mu;
  long balance;
} account;

typedef struct ledger {
  pthread_mutex_t mu;
  long entries;
  long confirmed;
} ledger;

HD_ASYNC_FN(deposit, int, ledger *lg; account *acct; long amount; hd_yield notify;);
HD_ASYNC(deposit, f, cx, NULL) {
  pthread_mutex_lock(&f->lg->mu);
  pthread_mutex_lock(&f->acct->mu);
  f->acct->balance += f->amount;
  f->lg->entries++;
  pthread_mutex_unlock(&f->acct->mu);
  pthread_mutex_unlock(&f->lg->mu);
  HD_AWAIT(f, cx, hd_yield_init(&f->notify));
  pthread_mutex_lock(&f->lg->mu);
  pthread_mutex_lock(&f->acct->mu);
  f->lg->confirmed++;
  pthread_mutex_unlock(&f->acct->mu);
  pthread_mutex_unlock(&f->lg->mu);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static ledger lg = {PTHREAD_MUTEX_INITIALIZER, 0, 0};
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
