/* expect-dynamic: data-race */
/* Request handlers spawned on the multi-thread executor count requests in
 * a plain shared counter (the shared-capture-race shape): two workers
 * read-modify-write it with no lock and no atomic, so increments are lost. */
#include "heddle/heddle.h"
#include "heddle/shadow.h"

typedef struct counters {
  long requests;
} counters;

static counters stats;

HD_ASYNC_FN(handler, int, counters *c;);
HD_ASYNC(handler, f, cx, NULL) {
  f->c->requests++;
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
  stats.requests = 0;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  serve_two t;
  HD_ASYNC_INIT(&t, serve_two);
  hd_block_on(rt, &t.hd);
  hd_runtime_free(rt);
}
