/* An HTTP handler's frame embeds a request context struct by value, and the
 * context carries an hd_rc to the parsed header table shared with the access
 * logger; the handler is spawned per request. Bad: the non-Send field is one
 * struct level down (handler.req.headers), which the check must see through. */
#include <stddef.h>

#include "heddle/heddle.h"

typedef struct request_ctx {
  int method;
  char path[64];
  hd_rc *headers; /* shared with the logger, plain count */
} request_ctx;

HD_ASYNC_FN(handle_request, int, request_ctx req; hd_sleep backend;);
HD_ASYNC(handle_request, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_sleep_init(&f->backend, 2));
  int status = hd_rc_count(f->req.headers) > 0 ? 200 : 400;
  hd_rc_drop(f->req.headers);
  HD_RETURN(f, status);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(http_loop, int, hd_rc *headers; int i; hd_join_handle *h[4]; hd_join j;);
HD_ASYNC(http_loop, f, cx, NULL) {
  for (f->i = 0; f->i < 4; f->i++) {
    handle_request r;
    HD_ASYNC_INIT(&r, handle_request);
    r.req.method = 1;
    r.req.headers = hd_rc_clone(f->headers);
    f->h[f->i] = hd_spawn(&r.hd); /* expect: non-send-spawn */
  }
  for (f->i = 0; f->i < 4; f->i++) {
    HD_AWAIT(f, cx, hd_join_init(&f->j, f->h[f->i]));
    hd_join_handle_drop(f->h[f->i]);
  }
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static http_loop loop;
  hd_runtime *rt = hd_runtime_new_multi_thread(4);
  HD_ASYNC_INIT(&loop, http_loop);
  loop.headers = hd_rc_new(128, NULL);
  hd_block_on(rt, &loop.hd);
  hd_rc_drop(loop.headers);
  hd_runtime_free(rt);
  return 0;
}
