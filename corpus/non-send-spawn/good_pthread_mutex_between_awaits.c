/* A cache-refresh task takes a pthread mutex only for the few instructions
 * that swap the cached value, strictly between two awaits, and is spawned
 * with hd_spawn. Good: the frame holds a pointer to a shareable mutex, never
 * a held lock at an await, so it is Send (tokio's "drop the guard before
 * .await" fix). */
#include <pthread.h>
#include <string.h>

#include "heddle/heddle.h"

typedef struct cache {
  pthread_mutex_t mu;
  char value[64];
  unsigned gen;
} cache;

HD_ASYNC_FN(refresh, int, cache *c; hd_stream *src; char buf[64]; hd_read rd; hd_sleep pause;);
HD_ASYNC(refresh, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_read_init(&f->rd, f->src, f->buf, sizeof f->buf - 1));
  if (f->rd.out < 0)
    HD_RETURN(f, (int)f->rd.out);
  f->buf[f->rd.out] = '\0';
  pthread_mutex_lock(&f->c->mu);
  strcpy(f->c->value, f->buf);
  f->c->gen++;
  pthread_mutex_unlock(&f->c->mu);
  HD_AWAIT(f, cx, hd_sleep_init(&f->pause, 100));
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(supervisor, int, cache *c; hd_stream *src; hd_join_handle *h; hd_join j;);
HD_ASYNC(supervisor, f, cx, NULL) {
  {
    refresh r;
    HD_ASYNC_INIT(&r, refresh);
    r.c = f->c;
    r.src = f->src;
    f->h = hd_spawn(&r.hd);
  }
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->h));
  hd_join_handle_drop(f->h);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static cache c = {.mu = PTHREAD_MUTEX_INITIALIZER};
  static hd_stream rd, wr;
  static supervisor s;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  if (hd_pipe(&rd, &wr) != 0)
    return 1;
  hd_stream_close(&wr);
  HD_ASYNC_INIT(&s, supervisor);
  s.c = &c;
  s.src = &rd;
  hd_block_on(rt, &s.hd);
  hd_stream_close(&rd);
  hd_runtime_free(rt);
  return 0;
}
