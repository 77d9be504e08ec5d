/* The fix of bad_lock_only_in_writer: both tasks take the table's hd_mutex
 * before touching `active` (the reader holds the guard across its await,
 * which is fine for an async mutex). Good: the common lock is in both
 * locksets. */
#include "heddle/heddle.h"

typedef struct session_table {
  hd_mutex mu;
  int active;
} session_table;

HD_ASYNC_FN(open_sessions, int, session_table *t; int i; hd_mutex_guard g; hd_mutex_lock lk;
            hd_yield y;);
static void open_sessions_drop(hd_future *self) {
  hd_mutex_guard_release(&((open_sessions *)self)->g);
}
HD_ASYNC(open_sessions, f, cx, open_sessions_drop) {
  for (f->i = 0; f->i < 10; f->i++) {
    HD_AWAIT(f, cx, hd_mutex_lock_init(&f->lk, &f->t->mu, &f->g));
    f->t->active++;
    hd_mutex_guard_release(&f->g);
    HD_AWAIT(f, cx, hd_yield_init(&f->y));
  }
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(report_stats, int, session_table *t; int i; hd_mutex_guard g; hd_mutex_lock lk;
            hd_sleep tick;);
static void report_stats_drop(hd_future *self) {
  hd_mutex_guard_release(&((report_stats *)self)->g);
}
HD_ASYNC(report_stats, f, cx, report_stats_drop) {
  for (f->i = 0; f->i < 5; f->i++) {
    HD_AWAIT(f, cx, hd_mutex_lock_init(&f->lk, &f->t->mu, &f->g));
    HD_AWAIT(f, cx, hd_sleep_init(&f->tick, 1));
    if (f->t->active > f->out)
      f->out = f->t->active;
    hd_mutex_guard_release(&f->g);
  }
}
HD_ASYNC_END(f)

HD_ASYNC_FN(server, int, session_table *t; hd_join_handle *hw; hd_join_handle *hs; hd_join j;);
HD_ASYNC(server, f, cx, NULL) {
  {
    open_sessions w;
    HD_ASYNC_INIT(&w, open_sessions);
    w.t = f->t;
    f->hw = hd_spawn(&w.hd);
  }
  {
    report_stats s;
    HD_ASYNC_INIT(&s, report_stats);
    s.t = f->t;
    f->hs = hd_spawn(&s.hd);
  }
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->hw));
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->hs));
  hd_join_handle_drop(f->hw);
  hd_join_handle_drop(f->hs);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static session_table t = {HD_MUTEX_INITIALIZER, 0};
  static server s;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  HD_ASYNC_INIT(&s, server);
  s.t = &t;
  hd_block_on(rt, &s.hd);
  hd_runtime_free(rt);
  return 0;
}
