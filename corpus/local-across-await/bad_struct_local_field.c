/* An RPC client decodes the request header into a local struct, awaits the
 * reply, and then matches the reply's id against the struct's field. Bad: a
 * struct local is a stack local too; reading one of its fields after the
 * await is the same bug. */
#include <stdint.h>

#include "heddle/heddle.h"

typedef struct rpc_header {
  uint32_t id;
  uint16_t method;
} rpc_header;

static rpc_header rpc_next_header(uint16_t method) {
  static uint32_t next_id;
  rpc_header h = {++next_id, method};
  return h;
}

HD_ASYNC_FN(rpc_call, int, hd_stream *s; uint32_t reply_id; uint8_t req[6]; hd_write_all w;
            hd_read_exact rx;);
HD_ASYNC(rpc_call, f, cx, NULL) {
  rpc_header h = rpc_next_header(3);
  f->req[0] = (uint8_t)(h.id >> 24);
  f->req[3] = (uint8_t)h.id;
  f->req[5] = (uint8_t)h.method;
  HD_AWAIT(f, cx, hd_write_all_init(&f->w, f->s, f->req, sizeof f->req));
  HD_AWAIT(f, cx, hd_read_exact_init(&f->rx, f->s, &f->reply_id, sizeof f->reply_id));
  HD_RETURN(f, f->reply_id == h.id ? 0 : -1); /* expect: local-across-await */
}
HD_ASYNC_END(f)

int main(void) {
  static hd_stream a, b;
  static rpc_call c;
  hd_runtime *rt = hd_runtime_new_current_thread();
  if (hd_socketpair(&a, &b) != 0)
    return 1;
  hd_stream_close(&b);
  HD_ASYNC_INIT(&c, rpc_call);
  c.s = &a;
  hd_block_on(rt, &c.hd);
  hd_stream_close(&a);
  hd_runtime_free(rt);
  return 0;
}
