/* Worker tasks all read the same routing table, which the spawner finished
 * building before the first spawn and never writes again (an Arc<Config>
 * shared read-only). Good: concurrent reads without any write are not a
 * race. */
#include <string.h>

#include "heddle/heddle.h"

typedef struct routes {
  char prefix[4][16];
  int backend[4];
} routes;

HD_ASYNC_FN(route_request, int, const routes *r; const char *path; hd_yield y;);
HD_ASYNC(route_request, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_yield_init(&f->y));
  for (int k = 0; k < 4; k++)
    if (strncmp(f->path, f->r->prefix[k], strlen(f->r->prefix[k])) == 0)
      HD_RETURN(f, f->r->backend[k]);
  HD_RETURN(f, -1);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(frontend, int, routes *table; int i; hd_join_handle *h[3]; hd_join j;);
HD_ASYNC(frontend, f, cx, NULL) {
  static const char *paths[3] = {"/api/v1", "/static/x.css", "/"};
  strcpy(f->table->prefix[0], "/api");
  f->table->backend[0] = 1;
  strcpy(f->table->prefix[1], "/static");
  f->table->backend[1] = 2;
  for (f->i = 0; f->i < 3; f->i++) {
    route_request rr;
    HD_ASYNC_INIT(&rr, route_request);
    rr.r = f->table;
    rr.path = paths[f->i];
    f->h[f->i] = hd_spawn(&rr.hd);
  }
  for (f->i = 0; f->i < 3; f->i++) {
    HD_AWAIT(f, cx, hd_join_init(&f->j, f->h[f->i]));
    hd_join_handle_drop(f->h[f->i]);
  }
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static routes table;
  static frontend fe;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  HD_ASYNC_INIT(&fe, frontend);
  fe.table = &table;
  hd_block_on(rt, &fe.hd);
  hd_runtime_free(rt);
  return 0;
}
