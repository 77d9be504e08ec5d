/* The fixed twin of bad_plain_counter_tasks.c: the counter is atomic, so
 * the two handlers' increments are ordered and none is lost. */
#include <stdatomic.h>

#include "heddle/heddle.h"
#include "heddle/shadow.h"

typedef struct counters {
  atomic_long requests;
} counters;

static counters stats;

HD_ASYNC_FN(handler, int, counters *c;);
HD_ASYNC(handler, f, cx, NULL) {
  atomic_fetch_add(&f->c->requests, 1);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(serve_two, int, hd_join_handle *h[2]; int k; hd_join j;);
HD_ASYNC(serve_two, f, cx, NULL) {
  for (f->k = 0; f->k < 2; f->k++) {
    handler h;
    HD_ASYNC_INIT(&h, handler);
    h.c = &stats;
    f->h[f->k] = hd_spawn(&h.hd);
  }
  for (f->k = 0; f->k < 2; f->k++) {
    HD_AWAIT(f, cx, hd_join_init(&f->j, f->h[f->k]));
    hd_join_handle_drop(f->h[f->k]);
  }
}
HD_ASYNC_END(f)

void hd_shadow_test(void) {
  atomic_store(&stats.requests, 0);
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  serve_two t;
  HD_ASYNC_INIT(&t, serve_two);
  hd_block_on(rt, &t.hd);
  hd_runtime_free(rt);
  HD_SHADOW_CHECK(atomic_load(&stats.requests) == 2);
}
