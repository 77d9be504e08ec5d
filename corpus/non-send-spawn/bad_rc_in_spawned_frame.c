/* A chat server spawns one task per session onto the multi-thread executor,
 * and the session frame keeps an hd_rc to the shared room (Rc<T>
 * inside tokio::spawn: "future cannot be sent between threads safely").
 * Bad: the plain reference count is cloned and dropped from several workers
 * at once (the room itself is only read). */
#include <stdio.h>

#include "heddle/heddle.h"

typedef struct room {
  char name[32];
} room;

HD_ASYNC_FN(session, int, hd_rc *room_ref; int id; hd_sleep idle;);
HD_ASYNC(session, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_sleep_init(&f->idle, 10));
  printf("session %d in %s\n", f->id, ((const room *)hd_rc_get(f->room_ref))->name);
  hd_rc_drop(f->room_ref);
  HD_RETURN(f, f->id);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(accept_sessions, int, hd_rc *lobby; int i; hd_join_handle *h[4]; hd_join j;);
HD_ASYNC(accept_sessions, f, cx, NULL) {
  for (f->i = 0; f->i < 4; f->i++) {
    session s;
    HD_ASYNC_INIT(&s, session);
    s.room_ref = hd_rc_clone(f->lobby);
    s.id = f->i;
    f->h[f->i] = hd_spawn(&s.hd); /* expect: non-send-spawn */
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
  task.lobby = hd_rc_new(sizeof(room), NULL);
  snprintf(((room *)hd_rc_get(task.lobby))->name, 32, "lobby");
  hd_block_on(rt, &task.hd);
  hd_rc_drop(task.lobby);
  hd_runtime_free(rt);
  return 0;
}
