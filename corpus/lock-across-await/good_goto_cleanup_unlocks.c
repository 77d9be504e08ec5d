/* The same upload handler with the usual `goto out_unlock` layout: the
 * failure label unlocks first and then awaits the audit log; two failure
 * checks share the label. Good: every path that reaches an await went
 * through an unlock. */
#include <pthread.h>

#include "heddle/heddle.h"

typedef struct account {
  pthread_mutex_t mu;
  int frozen;
  long used;
  long quota;
} account;

HD_ASYNC_FN(upload, int, account *a; long size; int err; hd_join_handle *audit; hd_join j;
            hd_yield y;);
HD_ASYNC(upload, f, cx, NULL) {
  pthread_mutex_lock(&f->a->mu);
  if (f->a->frozen) {
    f->err = HD_ECLOSED;
    goto out_unlock;
  }
  if (f->a->used + f->size > f->a->quota) {
    f->err = HD_ETOOBIG;
    goto out_unlock;
  }
  f->a->used += f->size;
  pthread_mutex_unlock(&f->a->mu);
  HD_AWAIT(f, cx, hd_yield_init(&f->y)); /* stream the body */
  hd_join_handle_drop(f->audit);
  HD_RETURN(f, 0);

out_unlock:
  pthread_mutex_unlock(&f->a->mu);
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->audit));
  hd_join_handle_drop(f->audit);
  HD_RETURN(f, f->err);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(audit_log, int, hd_yield y;);
HD_ASYNC(audit_log, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_yield_init(&f->y));
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static account a = {PTHREAD_MUTEX_INITIALIZER, 0, 90, 100};
  static audit_log log;
  static upload task;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  HD_ASYNC_INIT(&log, audit_log);
  HD_ASYNC_INIT(&task, upload);
  task.a = &a;
  task.size = 20;
  task.audit = hd_spawn_on(rt, &log.hd);
  hd_block_on(rt, &task.hd);
  hd_runtime_free(rt);
  return 0;
}
