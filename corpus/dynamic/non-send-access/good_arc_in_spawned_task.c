/* The fixed twin of bad_rc_in_spawned_task.c: the shared label is an
 * hd_arc (atomic count, Send), which may be cloned, read and dropped on any
 * worker. */
#include <string.h>

#include "heddle/heddle.h"
#include "heddle/shadow.h"

typedef struct label {
  char name[16];
} label;

HD_ASYNC_FN(session, int, hd_arc *name; hd_yield y;);
HD_ASYNC(session, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_yield_init(&f->y));
  int ok = strcmp(((label *)hd_arc_get(f->name))->name, "sensor-1") == 0;
  hd_arc_drop(f->name);
  HD_RETURN(f, ok);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(root, int, hd_arc *name; hd_join_handle * h; hd_join j;);
HD_ASYNC(root, f, cx, NULL) {
  f->name = hd_arc_new(sizeof(label), NULL);
  strcpy(((label *)hd_arc_get(f->name))->name, "sensor-1");
  {
    session s;
    HD_ASYNC_INIT(&s, session);
    s.name = hd_arc_clone(f->name);
    f->h = hd_spawn(&s.hd);
  }
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->h));
  hd_arc_drop(f->name);
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
