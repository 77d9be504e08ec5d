/* A connection task records pthread_self() at start as the owner of its
 * epoll registration and later compares against it before re-arming; it is
 * spawned with hd_spawn (a thread id cached in a Send future). Bad: the
 * cached id is thread-bound data; the comparison after the await is wrong as
 * soon as the task migrates. */
#include <pthread.h>

#include "heddle/heddle.h"

HD_ASYNC_FN(conn_task, int, pthread_t owner; int rearmed; int i; hd_yield y;);
HD_ASYNC(conn_task, f, cx, NULL) {
  f->owner = pthread_self();
  for (f->i = 0; f->i < 8; f->i++) {
    HD_AWAIT(f, cx, hd_yield_init(&f->y));
    if (pthread_equal(f->owner, pthread_self()))
      f->rearmed++;
  }
  HD_RETURN(f, f->rearmed);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(server, int, int i; hd_join_handle *h[8]; hd_join j;);
HD_ASYNC(server, f, cx, NULL) {
  for (f->i = 0; f->i < 8; f->i++) {
    conn_task c;
    HD_ASYNC_INIT(&c, conn_task);
    f->h[f->i] = hd_spawn(&c.hd); /* expect: non-send-spawn */
  }
  for (f->i = 0; f->i < 8; f->i++) {
    HD_AWAIT(f, cx, hd_join_init(&f->j, f->h[f->i]));
    hd_join_handle_drop(f->h[f->i]);
  }
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static server s;
  hd_runtime *rt = hd_runtime_new_multi_thread(4);
  HD_ASYNC_INIT(&s, server);
  hd_block_on(rt, &s.hd);
  hd_runtime_free(rt);
  return 0;
}
