/* For `heddle explore`: a 2-worker executor whose waiter checks a flag
 * before registering its waker; the setter can slip in between and the
 * wake-up is lost (a lost-wakeup report, exit status 1). */
#include "heddle/runtime.h"
#include "models.h"

static atomic_int flag, registered;
static hd_waker slot;

typedef struct flag_wait {
  hd_future hd;
} flag_wait;

static hd_poll flag_wait_poll(hd_future *self, hd_context *cx) {
  if (atomic_load(&flag))
    return HD_READY;
  if (!atomic_load(&registered)) {
    slot = hd_waker_clone(cx->waker);
    atomic_store(&registered, 1);
  }
  return HD_PENDING;
}
static const hd_future_vtable flag_wait_vtable = {"flag_wait", flag_wait_poll, NULL,
                                                  sizeof(flag_wait)};

HD_ASYNC_FN(waiter, int, flag_wait w;);
HD_ASYNC(waiter, f, cx, NULL) {
  hd_future_init(&f->w.hd, &flag_wait_vtable);
  HD_AWAIT(f, cx, &f->w.hd);
  HD_RETURN(f, 1);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(setter, int, int unused;);
HD_ASYNC(setter, f, cx, NULL) {
  atomic_store(&flag, 1);
  if (atomic_load(&registered))
    hd_waker_wake_by_ref(&slot);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(both, int, hd_join_handle *w; hd_join_handle * s; hd_join j;);
HD_ASYNC(both, f, cx, NULL) {
  waiter w;
  setter s;
  HD_ASYNC_INIT(&w, waiter);
  HD_ASYNC_INIT(&s, setter);
  f->w = hd_spawn(&w.hd);
  f->s = hd_spawn(&s.hd);
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->w));
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->s));
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

void hd_shadow_test(void) {
  atomic_store(&flag, 0);
  atomic_store(&registered, 0);
  slot = (hd_waker){0};
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  both b;
  HD_ASYNC_INIT(&b, both);
  hd_block_on(rt, &b.hd);
  hd_runtime_free(rt);
}
