/* A hand-rolled queue between two spawned tasks: the producer writes
 * `len`, the consumer polls it with yields in between (a channel replaced by
 * a shared struct). Bad: two different task functions, one writes, no lock;
 * the finding is at the access of the task spawned later (the consumer). */
#include <stddef.h>

#include "heddle/heddle.h"

typedef struct queue {
  int items[64];
  size_t len;
} queue;

HD_ASYNC_FN(producer, int, queue *q; int i; hd_yield y;);
HD_ASYNC(producer, f, cx, NULL) {
  for (f->i = 0; f->i < 64; f->i++) {
    f->q->items[f->i] = f->i * 2;
    f->q->len = (size_t)f->i + 1;
    HD_AWAIT(f, cx, hd_yield_init(&f->y));
  }
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(consumer, int, queue *q; int spins; hd_yield y;);
HD_ASYNC(consumer, f, cx, NULL) {
  while (f->q->len < 64) { /* expect: shared-capture-race */
    f->spins++;
    HD_AWAIT(f, cx, hd_yield_init(&f->y));
  }
  HD_RETURN(f, f->spins);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(pipeline, int, queue *q; hd_join_handle *hp; hd_join_handle *hc; hd_join j;);
HD_ASYNC(pipeline, f, cx, NULL) {
  {
    producer p;
    HD_ASYNC_INIT(&p, producer);
    p.q = f->q;
    f->hp = hd_spawn(&p.hd);
  }
  {
    consumer c;
    HD_ASYNC_INIT(&c, consumer);
    c.q = f->q;
    f->hc = hd_spawn(&c.hd);
  }
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->hp));
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->hc));
  hd_join_handle_drop(f->hp);
  hd_join_handle_drop(f->hc);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static queue q;
  static pipeline p;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  HD_ASYNC_INIT(&p, pipeline);
  p.q = &q;
  hd_block_on(rt, &p.hd);
  hd_runtime_free(rt);
  return 0;
}
