/* A cache writer keeps the flush future's pointer in a local "to await it
 * after updating the index", checks it for NULL, then returns without
 * awaiting it (a `let fut = flush();` whose .await got lost in a refactor).
 * Bad: a local that is only compared is not a use; the flush never runs. */
#include <stddef.h>

#include "heddle/heddle.h"

typedef struct cache_file {
  hd_stream s;
  char dirty[128];
  size_t len;
  unsigned index_gen;
} cache_file;

HD_ASYNC_FN(put_entry, int, cache_file *cf; hd_write_all flush; hd_yield y;);
HD_ASYNC(put_entry, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_yield_init(&f->y));
  cache_file *cf = f->cf;
  hd_future *fl = hd_write_all_init(&f->flush, &cf->s, cf->dirty, 4); /* expect: future-never-awaited */
  if (fl == NULL)
    HD_RETURN(f, HD_EINVAL);
  cf->index_gen++;
  cf->len = 0;
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static cache_file cf;
  static hd_stream peer;
  static put_entry p;
  hd_runtime *rt = hd_runtime_new_current_thread();
  if (hd_socketpair(&cf.s, &peer) != 0)
    return 1;
  cf.len = 4;
  HD_ASYNC_INIT(&p, put_entry);
  p.cf = &cf;
  hd_block_on(rt, &p.hd);
  hd_stream_close(&cf.s);
  hd_stream_close(&peer);
  hd_runtime_free(rt);
  return 0;
}
