/* An async-mutex guard taken without waiting: hd_mutex_try_lock returns 0
 * and fills the frame's guard when the async mutex is free; the task then
 * awaits the flush with the guard held. Good: hd_mutex is task-aware (a
 * contender awaits instead of blocking its thread), so holding its guard
 * across an await is the intended use even when it came from a try-lock;
 * only pthread (thread-blocking) try-locks count for this rule. */
#include "heddle/heddle.h"

typedef struct outbox {
  hd_mutex mu;
  int pending;
  long flushed;
} outbox;

HD_ASYNC_FN(try_flush, int, outbox *o; hd_mutex_guard guard; hd_yield write;);

static void try_flush_drop(hd_future *self) {
  hd_mutex_guard_release(&((try_flush *)self)->guard);
}

HD_ASYNC(try_flush, f, cx, try_flush_drop) {
  if (hd_mutex_try_lock(&f->o->mu, &f->guard) != 0)
    HD_RETURN(f, HD_EEMPTY); /* someone else is flushing */
  HD_AWAIT(f, cx, hd_yield_init(&f->write));
  f->o->flushed += f->o->pending;
  f->o->pending = 0;
  hd_mutex_guard_release(&f->guard);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static outbox o = {HD_MUTEX_INITIALIZER, 4, 0};
  static try_flush task;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&task, try_flush);
  task.o = &o;
  hd_block_on(rt, &task.hd);
  hd_runtime_free(rt);
  return task.out;
}
