/* The fixed twin of bad_ready_flag_without_waker.c: the waiter awaits an
 * hd_notify that the loader signals; notify_one stores a permit when
 * nobody waits yet, so the wake is never lost whichever task runs first. */
#include "heddle/heddle.h"
#include "heddle/shadow.h"

static hd_notify loaded;

HD_ASYNC_FN(loader, int, int unused;);
HD_ASYNC(loader, f, cx, NULL) {
  hd_notify_notify_one(&loaded);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(start, int, hd_join_handle *h; hd_notify_notified w; hd_join j;);
HD_ASYNC(start, f, cx, NULL) {
  {
    loader l;
    HD_ASYNC_INIT(&l, loader);
    f->h = hd_spawn(&l.hd);
  }
  HD_AWAIT(f, cx, hd_notify_notified_init(&f->w, &loaded));
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->h));
  hd_join_handle_drop(f->h);
}
HD_ASYNC_END(f)

void hd_shadow_test(void) {
  hd_notify_init(&loaded);
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  start t;
  HD_ASYNC_INIT(&t, start);
  hd_block_on(rt, &t.hd);
  hd_runtime_free(rt);
  hd_notify_destroy(&loaded);
}
