/* A cache revalidation defaults a local TTL, overwrites it from the entry on
 * a hit, awaits the revalidation request and then halves the TTL. Bad: on
 * both paths (the default or the hit's write) the local is written before
 * the await and read after it. */
#include "heddle/heddle.h"

typedef struct entry {
  int present;
  int ttl;
} entry;

HD_ASYNC_FN(revalidate, int, entry *e; hd_sleep req;);
HD_ASYNC(revalidate, f, cx, NULL) {
  int ttl = 0;
  if (f->e->present)
    ttl = f->e->ttl;
  HD_AWAIT(f, cx, hd_sleep_init(&f->req, 5));
  f->e->ttl = ttl / 2; /* expect: local-across-await */
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static entry e = {1, 60};
  static revalidate r;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&r, revalidate);
  r.e = &e;
  hd_block_on(rt, &r.hd);
  hd_runtime_free(rt);
  return 0;
}
