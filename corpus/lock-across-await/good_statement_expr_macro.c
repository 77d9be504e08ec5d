/* A GNU statement-expression macro that takes a ticket under a pthread
 * mutex and yields the value: `({ lock; v = ++n; unlock; v; })`, used as an
 * expression right before an await. Good: the lock is acquired and released
 * inside the statement expression, so nothing is held at the await. */
#include <pthread.h>

#include "heddle/heddle.h"

typedef struct ticketer {
  pthread_mutex_t mu;
  long next;
} ticketer;

#define TICKET_NEXT(t)                                                                             \
  ({                                                                                               \
    pthread_mutex_lock(&(t)->mu);                                                                  \
    long ticket_ = ++(t)->next;                                                                    \
    pthread_mutex_unlock(&(t)->mu);                                                                \
    ticket_;                                                                                       \
  })

HD_ASYNC_FN(serve, long, ticketer *t; long ticket; hd_yield turn;);
HD_ASYNC(serve, f, cx, NULL) {
  f->ticket = TICKET_NEXT(f->t);
  HD_AWAIT(f, cx, hd_yield_init(&f->turn));
  HD_RETURN(f, f->ticket);
}
HD_ASYNC_END(f)

int main(void) {
  static ticketer t = {PTHREAD_MUTEX_INITIALIZER, 0};
  static serve task;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&task, serve);
  task.t = &t;
  hd_block_on(rt, &task.hd);
  hd_runtime_free(rt);
  return task.out != 1;
}
