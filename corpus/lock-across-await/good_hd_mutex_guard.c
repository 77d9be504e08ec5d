/* The recommended fix (tokio's tokio::sync::Mutex instead of
 * std::sync::Mutex): the session table is guarded by heddle's async
 * hd_mutex; the guard lives in the frame and is held across the peer await,
 * then released; the frame's drop hook releases it if the task is
 * cancelled. An hd_rwlock write guard is held across an await the same way.
 * Good: async lock guards may be held across awaits and must not be flagged. */
#include "heddle/heddle.h"

typedef struct session_table {
  hd_mutex mu;
  hd_rwlock routes_lk;
  int active;
  int last_id;
  int routes;
} session_table;

HD_ASYNC_FN(open_session, int, session_table *tab; int id; hd_mutex_guard guard;
            hd_rwlock_guard routes_guard; hd_mutex_lock lk; hd_rwlock_lock rlk; hd_yield peer;);

static void open_session_drop(hd_future *self) {
  open_session *f = (open_session *)self;
  hd_rwlock_guard_release(&f->routes_guard);
  hd_mutex_guard_release(&f->guard);
}

HD_ASYNC(open_session, f, cx, open_session_drop) {
  HD_AWAIT(f, cx, hd_mutex_lock_init(&f->lk, &f->tab->mu, &f->guard));
  f->id = ++f->tab->last_id;
  f->tab->active++;
  HD_AWAIT(f, cx, hd_yield_init(&f->peer)); /* handshake, guard held: fine */
  hd_mutex_guard_release(&f->guard);

  HD_AWAIT(f, cx, hd_rwlock_write_init(&f->rlk, &f->tab->routes_lk, &f->routes_guard));
  f->tab->routes++;
  HD_AWAIT(f, cx, hd_yield_init(&f->peer)); /* publish route, write guard held: fine */
  hd_rwlock_guard_release(&f->routes_guard);
  HD_RETURN(f, f->id);
}
HD_ASYNC_END(f)

int main(void) {
  static session_table tab = {HD_MUTEX_INITIALIZER, HD_RWLOCK_INITIALIZER, 0, 0, 0};
  static open_session task;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  HD_ASYNC_INIT(&task, open_session);
  task.tab = &tab;
  hd_block_on(rt, &task.hd);
  hd_runtime_free(rt);
  return task.out != 1;
}
