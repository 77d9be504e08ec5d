/* A per-tenant context carries a pointer to the mutex that guards the
 * tenant's quota (several tenants may share one mutex); the handler locks
 * through `f->ctx->quota_lock` and awaits the billing call before unlocking
 * through the same field. Bad: the lock reached through a struct field is
 * held at the await. */
#include <pthread.h>

#include "heddle/heddle.h"

typedef struct tenant_ctx {
  pthread_mutex_t *quota_lock;
  long *quota_left;
} tenant_ctx;

HD_ASYNC_FN(charge, int, tenant_ctx *ctx; long cost; hd_yield billing;);
HD_ASYNC(charge, f, cx, NULL) {
  pthread_mutex_lock(f->ctx->quota_lock);
  if (*f->ctx->quota_left < f->cost) {
    pthread_mutex_unlock(f->ctx->quota_lock);
    HD_RETURN(f, HD_EFULL);
  }
  *f->ctx->quota_left -= f->cost;
  HD_AWAIT(f, cx, hd_yield_init(&f->billing)); /* expect: lock-across-await */
  pthread_mutex_unlock(f->ctx->quota_lock);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static pthread_mutex_t shared_quota_mu = PTHREAD_MUTEX_INITIALIZER;
  static long quota = 100;
  static tenant_ctx ctx = {&shared_quota_mu, &quota};
  static charge task;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&task, charge);
  task.ctx = &ctx;
  task.cost = 5;
  hd_block_on(rt, &task.hd);
  hd_runtime_free(rt);
  return task.out != 0;
}
