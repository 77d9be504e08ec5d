/* expect-dynamic: non-send-access */
/* relay.c's third hazard: the root creates an hd_rc (a plain, non-atomic
 * count) and spawns a task holding it onto the multi-thread executor. The
 * task reads and drops it on a worker thread while the root (on the
 * block_on thread) still holds its own reference. */
#include <string.h>

#include "heddle/heddle.h"
#include "heddle/shadow.h"

typedef struct label {
  char name[16];
} label;

HD_ASYNC_FN(session, int, hd_rc *name; hd_yield y;);
HD_ASYNC(session, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_yield_init(&f->y));
  int ok = strcmp(((label *)hd_rc_get(f->name))->name, "sensor-1") == 0;
  hd_rc_drop(f->name);
  HD_RETURN(f, ok);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(root, int, hd_rc *name; hd_join_handle * h; hd_join j;);
HD_ASYNC(root, f, cx, NULL) {
  f->name = hd_rc_new(sizeof(label), NULL);
  strcpy(((label *)hd_rc_get(f->name))->name, "sensor-1");
  {
    session s;
    HD_ASYNC_INIT(&s, session);
    s.name = hd_rc_clone(f->name);
    f->h = hd_spawn(&s.hd);
  }
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->h));
  hd_rc_drop(f->name);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

void hd_shadow_test(void) {
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  root r;
  HD_ASYNC_INIT(&r, root);
  hd_block_on(rt, &r.hd);
  hd_runtime_free(rt);
}
