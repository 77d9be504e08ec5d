/* A transfer between two accounts locks both, then a copy-paste slip
 * unlocks the source twice and never the destination. Bad: lock identity is
 * by lvalue, so `&f->dst->mu` is still held at the await even though two
 * unlocks ran; only the source mutex was released. */
#include <pthread.h>

#include "heddle/heddle.h"

typedef struct account {
  pthread_mutex_t mu;
  long balance;
} account;

HD_ASYNC_FN(transfer, int, account *src; account *dst; long amount; hd_yield audit;);
HD_ASYNC(transfer, f, cx, NULL) {
  pthread_mutex_lock(&f->src->mu);
  pthread_mutex_lock(&f->dst->mu);
  f->src->balance -= f->amount;
  f->dst->balance += f->amount;
  pthread_mutex_unlock(&f->src->mu);
  pthread_mutex_unlock(&f->src->mu);
  HD_AWAIT(f, cx, hd_yield_init(&f->audit)); /* expect: lock-across-await */
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static account a = {PTHREAD_MUTEX_INITIALIZER, 100};
  static account b = {PTHREAD_MUTEX_INITIALIZER, 0};
  static transfer task;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&task, transfer);
  task.src = &a;
  task.dst = &b;
  task.amount = 10;
  hd_block_on(rt, &task.hd);
  hd_runtime_free(rt);
  return 0;
}
