/* The write-back cache fixed, with both short-circuit shapes: the && branch
 * copies the page and unlocks before the disk-write await, and the ||
 * branch (`!dirty || trylock != 0`: either the trylock never ran or it
 * failed) awaits with nothing held. Good: the analyzer must split the &&
 * and || edges instead of treating the whole condition as one lock. */
#include <pthread.h>
#include <stdbool.h>
#include <string.h>

#include "heddle/heddle.h"

typedef struct page {
  pthread_mutex_t mu;
  bool dirty;
  char data[4096];
} page;

HD_ASYNC_FN(writeback, int, page *p; char copy[4096]; hd_yield io;);
HD_ASYNC(writeback, f, cx, NULL) {
  if (f->p->dirty && pthread_mutex_trylock(&f->p->mu) == 0) {
    memcpy(f->copy, f->p->data, sizeof f->copy);
    f->p->dirty = false;
    pthread_mutex_unlock(&f->p->mu);
    HD_AWAIT(f, cx, hd_yield_init(&f->io));
  }
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(evict, int, page *p; hd_yield io;);
HD_ASYNC(evict, f, cx, NULL) {
  if (f->p->dirty || pthread_mutex_trylock(&f->p->mu) != 0) {
    HD_AWAIT(f, cx, hd_yield_init(&f->io)); /* not now: retry later */
    HD_RETURN(f, HD_EEMPTY);
  }
  memset(f->p->data, 0, sizeof f->p->data);
  pthread_mutex_unlock(&f->p->mu);
  HD_AWAIT(f, cx, hd_yield_init(&f->io));
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static page p = {.mu = PTHREAD_MUTEX_INITIALIZER, .dirty = true};
  static writeback wb;
  static evict ev;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&wb, writeback);
  wb.p = &p;
  hd_block_on(rt, &wb.hd);
  HD_ASYNC_INIT(&ev, evict);
  ev.p = &p;
  hd_block_on(rt, &ev.hd);
  hd_runtime_free(rt);
  return ev.out;
}
