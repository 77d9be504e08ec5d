/* expect-dynamic: lost-wakeup */
/* A hand-written leaf future waits for a "config loaded" flag that another
 * task sets, but returns pending without storing its waker: when the
 * loader runs second, nobody is left to wake the waiter (the classic
 * "pending without arranging a wake" bug of hand-written futures). */
#include <stdatomic.h>
#include <stdbool.h>

#include "heddle/heddle.h"
#include "heddle/shadow.h"

static atomic_bool loaded;

typedef struct wait_loaded {
  hd_future hd;
} wait_loaded;

static hd_poll wait_loaded_poll(hd_future *self, hd_context *cx) {
  return atomic_load(&loaded) ? HD_READY : HD_PENDING; /* no waker stored */
}
static const hd_future_vtable wait_loaded_vtable = {"wait_loaded", wait_loaded_poll, NULL,
                                                    sizeof(wait_loaded)};

HD_ASYNC_FN(loader, int, int unused;);
HD_ASYNC(loader, f, cx, NULL) {
  atomic_store(&loaded, true);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(start, int, hd_join_handle *h; wait_loaded w; hd_join j;);
HD_ASYNC(start, f, cx, NULL) {
  {
    loader l;
    HD_ASYNC_INIT(&l, loader);
    f->h = hd_spawn(&l.hd);
  }
  hd_future_init(&f->w.hd, &wait_loaded_vtable);
  HD_AWAIT(f, cx, &f->w.hd);
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->h));
  hd_join_handle_drop(f->h);
}
HD_ASYNC_END(f)

void hd_shadow_test(void) {
  atomic_store(&loaded, false);
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  start t;
  HD_ASYNC_INIT(&t, start);
  hd_block_on(rt, &t.hd);
  hd_runtime_free(rt);
}
