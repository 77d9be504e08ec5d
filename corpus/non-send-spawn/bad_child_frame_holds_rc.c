/* The spawned handler itself holds only Send fields, but it awaits
 * render_reply, whose frame (embedded in the handler's union of children)
 * takes an hd_rc to the process's template cache and keeps it across an
 * await. Bad: Send is recursive through child
 * frames; the report names the chain handler.c.reply.cache. */
#include <stddef.h>

#include "heddle/heddle.h"

static hd_rc *templates; /* set up by main before the runtime starts */

HD_ASYNC_FN(render_reply, size_t, hd_rc *cache; int status; hd_yield y;);
HD_ASYNC(render_reply, f, cx, NULL) {
  f->cache = hd_rc_clone(templates);
  HD_AWAIT(f, cx, hd_yield_init(&f->y));
  size_t n = hd_rc_count(f->cache) + (size_t)f->status;
  hd_rc_drop(f->cache);
  HD_RETURN(f, n);
}
HD_ASYNC_END(f)

static hd_future *render_reply_init(render_reply *f, int status) {
  HD_ASYNC_INIT(f, render_reply);
  f->status = status;
  return &f->hd;
}

HD_ASYNC_FN(handler, size_t, int status;
            union {
              hd_yield parse;
              render_reply reply;
            } c;);
HD_ASYNC(handler, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_yield_init(&f->c.parse));
  HD_AWAIT(f, cx, render_reply_init(&f->c.reply, f->status));
  HD_RETURN(f, f->c.reply.out);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(listener, int, hd_join_handle *h; hd_join j;);
HD_ASYNC(listener, f, cx, NULL) {
  {
    handler hd;
    HD_ASYNC_INIT(&hd, handler);
    hd.status = 200;
    f->h = hd_spawn(&hd.hd); /* expect: non-send-spawn */
  }
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->h));
  hd_join_handle_drop(f->h);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static listener l;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  HD_ASYNC_INIT(&l, listener);
  templates = hd_rc_new(64, NULL);
  hd_block_on(rt, &l.hd);
  hd_rc_drop(templates);
  hd_runtime_free(rt);
  return 0;
}
