/* A template renderer shares a parsed template between per-page tasks with
 * hd_rc and spawns them with hd_spawn_local (tokio's LocalSet/spawn_local
 * for !Send futures). Good: the tasks are pinned to the spawning worker, so
 * the plain count is only ever touched by one thread. */
#include <string.h>

#include "heddle/heddle.h"

typedef struct tmpl {
  char text[128];
} tmpl;

HD_ASYNC_FN(render_page, size_t, hd_rc *t; int page; hd_yield y;);
HD_ASYNC(render_page, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_yield_init(&f->y));
  size_t n = strlen(((tmpl *)hd_rc_get(f->t))->text) + (size_t)f->page;
  hd_rc_drop(f->t);
  HD_RETURN(f, n);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(render_site, size_t, hd_rc *t; int i; hd_join_handle *h[3]; hd_join j;);
HD_ASYNC(render_site, f, cx, NULL) {
  for (f->i = 0; f->i < 3; f->i++) {
    render_page p;
    HD_ASYNC_INIT(&p, render_page);
    p.t = hd_rc_clone(f->t);
    p.page = f->i;
    f->h[f->i] = hd_spawn_local(&p.hd);
  }
  for (f->i = 0; f->i < 3; f->i++) {
    HD_AWAIT(f, cx, hd_join_init(&f->j, f->h[f->i]));
    f->out += ((render_page *)f->j.task)->out;
    hd_join_handle_drop(f->h[f->i]);
  }
  hd_rc_drop(f->t);
}
HD_ASYNC_END(f)

int main(void) {
  static render_site site;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&site, render_site);
  site.t = hd_rc_new(sizeof(tmpl), NULL);
  strcpy(((tmpl *)hd_rc_get(site.t))->text, "<h1>{{title}}</h1>");
  /* block_on on the current-thread runtime runs on its worker: spawn_local works. */
  hd_block_on(rt, &site.hd);
  hd_runtime_free(rt);
  return 0;
}
