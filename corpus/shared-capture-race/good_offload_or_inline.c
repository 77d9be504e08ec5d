/* corpus: needs-feasibility
 * Large images are resized by a spawned task, small ones inline; a flag
 * records which, and the spawner touches the image after the spawn only on
 * the inline path (if (!offloaded) ...). Good: the path "spawned, then the
 * spawner writes" is infeasible; only Z3 on the flag can show it. */
#include <stdbool.h>
#include <stddef.h>

#include "heddle/heddle.h"

typedef struct image {
  size_t w, h;
  unsigned char px[64];
  int scaled;
} image;

HD_ASYNC_FN(resize, int, image *img; hd_yield y;);
HD_ASYNC(resize, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_yield_init(&f->y));
  f->img->scaled = 1;
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(process, int, image *img; bool offloaded; hd_join_handle *h; hd_join j;);
HD_ASYNC(process, f, cx, NULL) {
  f->offloaded = false;
  if (f->img->w * f->img->h > 4096) {
    resize r;
    HD_ASYNC_INIT(&r, resize);
    r.img = f->img;
    f->h = hd_spawn(&r.hd);
    f->offloaded = true;
  }
  if (!f->offloaded)
    f->img->scaled = 2; /* inline: nobody else has the image */
  if (f->offloaded) {
    HD_AWAIT(f, cx, hd_join_init(&f->j, f->h));
    hd_join_handle_drop(f->h);
  }
  HD_RETURN(f, f->img->scaled);
}
HD_ASYNC_END(f)

int main(void) {
  static image img = {.w = 100, .h = 100};
  static process p;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  HD_ASYNC_INIT(&p, process);
  p.img = &img;
  hd_block_on(rt, &p.hd);
  hd_runtime_free(rt);
  return 0;
}
