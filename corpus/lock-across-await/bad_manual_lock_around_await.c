/* Models tokio's classic std::sync::Mutex-held-across-.await: a session
 * table is locked with a pthread mutex, then the task awaits the peer's
 * reply before unlocking. Bad: any other task that wants the table blocks
 * its worker thread, and on the current-thread executor that is a deadlock. */
#include <pthread.h>

#include "heddle/heddle.h"

typedef struct session_table {
  pthread_mutex_t mu;
  int active;
  int last_id;
} session_table;

HD_ASYNC_FN(open_session, int, session_table *tab; int id; hd_join reply;
            hd_join_handle *peer;);

HD_ASYNC(open_session, f, cx, NULL) {
  pthread_mutex_lock(&f->tab->mu);
  f->id = ++f->tab->last_id;
  f->tab->active++;
  HD_AWAIT(f, cx, hd_join_init(&f->reply, f->peer)); /* expect: lock-across-await */
  pthread_mutex_unlock(&f->tab->mu);
  hd_join_handle_drop(f->peer);
  HD_RETURN(f, f->reply.err == 0 ? f->id : f->reply.err);
}
HD_ASYNC_END(f)

hd_future *open_session_init(open_session *f, session_table *tab, hd_join_handle *peer) {
  HD_ASYNC_INIT(f, open_session);
  f->tab = tab;
  f->peer = peer;
  return &f->hd;
}

HD_ASYNC_FN(handshake, int, hd_yield y;);
HD_ASYNC(handshake, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_yield_init(&f->y));
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

hd_future *handshake_init(handshake *f) {
  HD_ASYNC_INIT(f, handshake);
  return &f->hd;
}

HD_ASYNC_FN(server_main, int, session_table *tab; handshake hs; open_session open;);
HD_ASYNC(server_main, f, cx, NULL) {
  HD_AWAIT(f, cx, open_session_init(&f->open, f->tab, hd_spawn(handshake_init(&f->hs))));
  HD_RETURN(f, f->open.out);
}
HD_ASYNC_END(f)

int main(void) {
  static session_table tab = {PTHREAD_MUTEX_INITIALIZER, 0, 0};
  static server_main task;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  HD_ASYNC_INIT(&task, server_main);
  task.tab = &tab;
  hd_block_on(rt, &task.hd);
  hd_runtime_free(rt);
  return task.out < 0;
}
