/* A rate-limited uploader task reads `limit` from the settings it was handed
 * while the spawning task keeps going and applies a config reload to the same
 * struct. Bad: the spawner's write after the spawn and the task's read race;
 * the finding is at the access in the spawned task, with the spawner's write
 * as the related location. */
#include "heddle/heddle.h"

typedef struct settings {
  int limit_kbps;
  int retries;
} settings;

HD_ASYNC_FN(uploader, int, settings *cfg; int chunk; int sent; hd_sleep pace;);
HD_ASYNC(uploader, f, cx, NULL) {
  for (f->chunk = 0; f->chunk < 16; f->chunk++) {
    HD_AWAIT(f, cx, hd_sleep_init(&f->pace, 1));
    f->sent += f->cfg->limit_kbps; /* expect: shared-capture-race */
  }
  HD_RETURN(f, f->sent);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(control, int, settings *cfg; hd_join_handle *h; hd_sleep reload; hd_join j;);
HD_ASYNC(control, f, cx, NULL) {
  {
    uploader u;
    HD_ASYNC_INIT(&u, uploader);
    u.cfg = f->cfg;
    f->h = hd_spawn(&u.hd);
  }
  HD_AWAIT(f, cx, hd_sleep_init(&f->reload, 5));
  f->cfg->limit_kbps = 512; /* the reload */
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->h));
  hd_join_handle_drop(f->h);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static settings cfg = {1024, 3};
  static control c;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  HD_ASYNC_INIT(&c, control);
  c.cfg = &cfg;
  hd_block_on(rt, &c.hd);
  hd_runtime_free(rt);
  return 0;
}
