/* A key-value client offers a synchronous convenience wrapper, kv_get_sync,
 * that runs the async get on the client's runtime with hd_block_on; a request
 * handler written later calls the wrapper from async code (the classic
 * "sync facade over an async client" trap, e.g. reqwest::blocking inside
 * tokio). Bad: the finding is at the wrapper's call in the async function. */
#include <string.h>

#include "heddle/heddle.h"

typedef struct kv_client {
  hd_runtime *rt;
  char value[32];
} kv_client;

HD_ASYNC_FN(kv_get, int, kv_client *c; const char *key; hd_sleep rtt;);
HD_ASYNC(kv_get, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_sleep_init(&f->rtt, 2));
  strcpy(f->c->value, f->key[0] == 'a' ? "1" : "0");
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

static int kv_get_sync(kv_client *c, const char *key) {
  kv_get g;
  HD_ASYNC_INIT(&g, kv_get);
  g.c = c;
  g.key = key;
  int rc = hd_block_on(c->rt, &g.hd);
  return rc != 0 ? rc : g.out;
}

HD_ASYNC_FN(handle_request, int, kv_client *kv; hd_yield parse;);
HD_ASYNC(handle_request, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_yield_init(&f->parse));
  if (kv_get_sync(f->kv, "alpha") != 0) /* expect: block-on-in-async */
    HD_RETURN(f, 500);
  HD_RETURN(f, 200);
}
HD_ASYNC_END(f)

int main(void) {
  static kv_client kv;
  static handle_request h;
  kv.rt = hd_runtime_new_multi_thread(2);
  if (kv_get_sync(&kv, "warmup") != 0) /* fine here: main is sync */
    return 1;
  HD_ASYNC_INIT(&h, handle_request);
  h.kv = &kv;
  hd_block_on(kv.rt, &h.hd);
  hd_runtime_free(kv.rt);
  return 0;
}
