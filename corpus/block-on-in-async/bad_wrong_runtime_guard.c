/* A cache client guards its block_on with `hd_runtime_current() == c->rt`
 * ("am I already on the client's runtime?"), but the caller is a task of a
 * different runtime, so it still takes the block_on branch. Bad: the guard
 * must test for no runtime at all (compare good_runtime_current_guard); the
 * finding is at the helper's call in the async function. */
#include "heddle/heddle.h"

typedef struct cache_client {
  hd_runtime *rt; /* the client's private runtime */
  int hits;
} cache_client;

HD_ASYNC_FN(cache_get, int, cache_client *c; hd_yield io;);
HD_ASYNC(cache_get, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_yield_init(&f->io));
  HD_RETURN(f, ++f->c->hits);
}
HD_ASYNC_END(f)

static int cache_get_now(cache_client *c) {
  if (hd_runtime_current() == c->rt)
    return -1; /* on our own runtime: the caller must await cache_get */
  cache_get g;
  HD_ASYNC_INIT(&g, cache_get);
  g.c = c;
  int rc = hd_block_on(c->rt, &g.hd);
  return rc != 0 ? rc : g.out;
}

HD_ASYNC_FN(web_handler, int, cache_client *c; hd_yield parse;);
HD_ASYNC(web_handler, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_yield_init(&f->parse));
  HD_RETURN(f, cache_get_now(f->c)); /* expect: block-on-in-async */
}
HD_ASYNC_END(f)

int main(void) {
  static cache_client c;
  static web_handler w;
  c.rt = hd_runtime_new_current_thread();
  hd_runtime *web_rt = hd_runtime_new_multi_thread(2);
  HD_ASYNC_INIT(&w, web_handler);
  w.c = &c;
  hd_block_on(web_rt, &w.hd);
  hd_runtime_free(web_rt);
  hd_runtime_free(c.rt);
  return 0;
}
