/* The fix of bad_rc_in_spawned_frame: each session task holds an hd_arc
 * (Arc<T>), whose atomic count may be cloned and dropped on any worker, and
 * the member count it guards is atomic. Good: the frame is Send. */
#include <stdatomic.h>

#include "heddle/heddle.h"

typedef struct room {
  atomic_int members;
} room;

HD_ASYNC_FN(session, int, hd_arc *room_ref; int id; hd_sleep idle;);
HD_ASYNC(session, f, cx, NULL) {
  atomic_fetch_add(&((room *)hd_arc_get(f->room_ref))->members, 1);
  HD_AWAIT(f, cx, hd_sleep_init(&f->idle, 10));
  atomic_fetch_sub(&((room *)hd_arc_get(f->room_ref))->members, 1);
  hd_arc_drop(f->room_ref);
  HD_RETURN(f, f->id);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(accept_sessions, int, hd_arc *lobby; int i; hd_join_handle *h[4]; hd_join j;);
HD_ASYNC(accept_sessions, f, cx, NULL) {
  for (f->i = 0; f->i < 4; f->i++) {
    session s;
    HD_ASYNC_INIT(&s, session);
    s.room_ref = hd_arc_clone(f->lobby);
    s.id = f->i;
    f->h[f->i] = hd_spawn(&s.hd);
  }
  for (f->i = 0; f->i < 4; f->i++) {
    HD_AWAIT(f, cx, hd_join_init(&f->j, f->h[f->i]));
    hd_join_handle_drop(f->h[f->i]);
  }
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static accept_sessions task;
  hd_runtime *rt = hd_runtime_new_multi_thread(4);
  HD_ASYNC_INIT(&task, accept_sessions);
  task.lobby = hd_arc_new(sizeof(room), NULL);
  hd_block_on(rt, &task.hd);
  hd_arc_drop(task.lobby);
  hd_runtime_free(rt);
  return 0;
}
