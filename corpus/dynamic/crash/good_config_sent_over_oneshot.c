/* The fixed twin of bad_config_used_before_published.c: the publisher
 * hands the configuration to the reader over a oneshot channel, so the
 * reader waits for it whatever the order the tasks are polled in. */
#include "heddle/heddle.h"
#include "heddle/shadow.h"

typedef struct config {
  int port;
} config;

static config the_config;

HD_ASYNC_FN(publisher, int, hd_oneshot_sender tx;);
HD_ASYNC(publisher, f, cx, NULL) {
  the_config.port = 8080;
  config *c = &the_config;
  hd_oneshot_send(&f->tx, &c);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(reader, int, hd_oneshot_receiver rx; config *c; hd_oneshot_recv recv;);
HD_ASYNC(reader, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_oneshot_recv_init(&f->recv, &f->rx, &f->c));
  hd_oneshot_receiver_drop(&f->rx);
  HD_SHADOW_CHECK(f->recv.out == 0);
  HD_RETURN(f, f->recv.out == 0 ? f->c->port : -1);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(boot, int, hd_join_handle *p; hd_join_handle *r; hd_join j;);
HD_ASYNC(boot, f, cx, NULL) {
  {
    publisher p;
    reader r;
    HD_ASYNC_INIT(&p, publisher);
    HD_ASYNC_INIT(&r, reader);
    hd_oneshot_channel(sizeof(config *), &p.tx, &r.rx);
    f->p = hd_spawn(&p.hd);
    f->r = hd_spawn(&r.hd);
  }
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->p));
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->r));
  hd_join_handle_drop(f->p);
  hd_join_handle_drop(f->r);
}
HD_ASYNC_END(f)

void hd_shadow_test(void) {
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  boot t;
  HD_ASYNC_INIT(&t, boot);
  hd_block_on(rt, &t.hd);
  hd_runtime_free(rt);
}
