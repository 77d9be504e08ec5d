/* The sync facade of bad_sync_wrapper_from_async used as intended: only the
 * command-line entry point (sync code) calls kv_get_sync; async code awaits
 * kv_get directly. Good: hd_block_on is reachable from main only. */
#include <stdio.h>
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

static hd_future *kv_get_init(kv_get *g, kv_client *c, const char *key) {
  HD_ASYNC_INIT(g, kv_get);
  g->c = c;
  g->key = key;
  return &g->hd;
}

static int kv_get_sync(kv_client *c, const char *key) {
  kv_get g;
  int rc = hd_block_on(c->rt, kv_get_init(&g, c, key));
  return rc != 0 ? rc : g.out;
}

HD_ASYNC_FN(handle_request, int, kv_client *kv; kv_get get;);
HD_ASYNC(handle_request, f, cx, NULL) {
  HD_AWAIT(f, cx, kv_get_init(&f->get, f->kv, "alpha"));
  HD_RETURN(f, f->get.out == 0 ? 200 : 500);
}
HD_ASYNC_END(f)

int main(int argc, char **argv) {
  static kv_client kv;
  static handle_request h;
  kv.rt = hd_runtime_new_multi_thread(2);
  if (argc > 1) { /* `kvtool KEY`: one synchronous lookup */
    int rc = kv_get_sync(&kv, argv[1]);
    printf("%s\n", rc == 0 ? kv.value : "error");
  } else {
    HD_ASYNC_INIT(&h, handle_request);
    h.kv = &kv;
    hd_block_on(kv.rt, &h.hd);
  }
  hd_runtime_free(kv.rt);
  return 0;
}
