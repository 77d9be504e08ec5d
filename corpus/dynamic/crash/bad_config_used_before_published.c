/* expect-dynamic: crash */
/* A worker task reads the configuration that another task publishes: it
 * assumes the publisher ran first (true in most runs on a loaded machine,
 * never guaranteed). When the reader is polled first it dereferences NULL:
 * a SIGSEGV in one schedule, which the explorer catches and reports with
 * the schedule that reproduces it. */
#include <stdatomic.h>
#include <stddef.h>

#include "heddle/heddle.h"
#include "heddle/shadow.h"

typedef struct config {
  int port;
} config;

static config the_config;
static _Atomic(config *) published;

HD_ASYNC_FN(publisher, int, int unused;);
HD_ASYNC(publisher, f, cx, NULL) {
  the_config.port = 8080;
  atomic_store(&published, &the_config);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(reader, int, int unused;);
HD_ASYNC(reader, f, cx, NULL) {
  config *c = atomic_load(&published);
  HD_RETURN(f, c->port);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(boot, int, hd_join_handle *p; hd_join_handle *r; hd_join j;);
HD_ASYNC(boot, f, cx, NULL) {
  {
    publisher p;
    HD_ASYNC_INIT(&p, publisher);
    f->p = hd_spawn(&p.hd);
    reader r;
    HD_ASYNC_INIT(&r, reader);
    f->r = hd_spawn(&r.hd);
  }
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->p));
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->r));
  hd_join_handle_drop(f->p);
  hd_join_handle_drop(f->r);
}
HD_ASYNC_END(f)

void hd_shadow_test(void) {
  atomic_store(&published, NULL);
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  boot t;
  HD_ASYNC_INIT(&t, boot);
  hd_block_on(rt, &t.hd);
  hd_runtime_free(rt);
}
