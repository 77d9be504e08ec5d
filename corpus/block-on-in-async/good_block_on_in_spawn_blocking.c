/* A synchronous plugin API (it must return a value, not a future) is called
 * on the blocking pool through hd_spawn_blocking and drives the plugin's own
 * runtime with hd_block_on there (tokio: Handle::block_on inside
 * spawn_blocking is the documented bridge). Good: the pool thread is not a
 * runtime thread, and the function is handed to the pool, not called from
 * async code. */
#include "heddle/heddle.h"

typedef struct plugin {
  hd_runtime *rt;
  int result;
} plugin;

HD_ASYNC_FN(plugin_work, int, hd_sleep io;);
HD_ASYNC(plugin_work, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_sleep_init(&f->io, 2));
  HD_RETURN(f, 5);
}
HD_ASYNC_END(f)

static void *plugin_call_sync(void *arg) {
  plugin *p = arg;
  plugin_work w;
  HD_ASYNC_INIT(&w, plugin_work);
  p->result = hd_block_on(p->rt, &w.hd) == 0 ? w.out : -1;
  return p;
}

HD_ASYNC_FN(host, int, plugin *p; hd_join_handle *h; hd_join j;);
HD_ASYNC(host, f, cx, NULL) {
  f->h = hd_spawn_blocking(plugin_call_sync, f->p);
  if (f->h == NULL)
    HD_RETURN(f, -1);
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->h));
  hd_join_handle_drop(f->h);
  HD_RETURN(f, f->p->result);
}
HD_ASYNC_END(f)

int main(void) {
  static plugin p;
  static host h;
  p.rt = hd_runtime_new_current_thread();
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  HD_ASYNC_INIT(&h, host);
  h.p = &p;
  hd_block_on(rt, &h.hd);
  hd_runtime_free(rt);
  hd_runtime_free(p.rt);
  return h.out != 5;
}
