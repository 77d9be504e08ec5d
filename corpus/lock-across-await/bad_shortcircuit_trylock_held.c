/* A write-back cache flushes a dirty page only if it can grab the page lock
 * without waiting: `if (dirty && pthread_mutex_trylock(&mu) == 0)`. Inside
 * that branch it awaits the disk write. Bad: the && true edge means the
 * trylock ran and succeeded, so the page lock is held at the await. */
#include <pthread.h>
#include <stdbool.h>

#include "heddle/heddle.h"

typedef struct page {
  pthread_mutex_t mu;
  bool dirty;
  char data[4096];
} page;

HD_ASYNC_FN(writeback, int, page *p; hd_yield disk_write;);
HD_ASYNC(writeback, f, cx, NULL) {
  if (f->p->dirty && pthread_mutex_trylock(&f->p->mu) == 0) {
    HD_AWAIT(f, cx, hd_yield_init(&f->disk_write)); /* expect: lock-across-await */
    f->p->dirty = false;
    pthread_mutex_unlock(&f->p->mu);
  }
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static page p = {.mu = PTHREAD_MUTEX_INITIALIZER, .dirty = true};
  static writeback task;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&task, writeback);
  task.p = &p;
  hd_block_on(rt, &task.hd);
  hd_runtime_free(rt);
  return 0;
}
