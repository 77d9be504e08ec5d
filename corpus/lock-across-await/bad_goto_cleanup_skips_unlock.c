/* Kernel-style error handling in an async upload handler: a quota check
 * under the account mutex jumps to `fail`, which first awaits the audit-log
 * task and only then unlocks (the label was placed above the wrong line).
 * Bad: the mutex is held at the audit await on the goto path. */
#include <pthread.h>

#include "heddle/heddle.h"

typedef struct account {
  pthread_mutex_t mu;
  long used;
  long quota;
} account;

HD_ASYNC_FN(upload, int, account *a; long size; hd_join_handle *audit; hd_join j; hd_yield y;);
HD_ASYNC(upload, f, cx, NULL) {
  pthread_mutex_lock(&f->a->mu);
  if (f->a->used + f->size > f->a->quota)
    goto fail;
  f->a->used += f->size;
  pthread_mutex_unlock(&f->a->mu);
  HD_AWAIT(f, cx, hd_yield_init(&f->y)); /* stream the body */
  hd_join_handle_drop(f->audit);
  HD_RETURN(f, 0);

fail:
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->audit)); /* expect: lock-across-await */
  pthread_mutex_unlock(&f->a->mu);
  hd_join_handle_drop(f->audit);
  HD_RETURN(f, HD_ETOOBIG);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(audit_log, int, hd_yield y;);
HD_ASYNC(audit_log, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_yield_init(&f->y));
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static account a = {PTHREAD_MUTEX_INITIALIZER, 90, 100};
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
