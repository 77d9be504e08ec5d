/* corpus: needs-feasibility
 * A cache front: on a miss it awaits the backend fetch and returns early
 * under the same `hit` test; the shared tail reads the local computed from
 * the cached entry. Good: after the await the early return always fires, so
 * the tail's read is reached only on the hit path, where nothing awaited. */
#include <stdbool.h>

#include "heddle/heddle.h"

typedef struct cache_entry {
  bool valid;
  int value;
  unsigned hits;
} cache_entry;

HD_ASYNC_FN(lookup, int, cache_entry *e; bool hit; hd_sleep backend;);
HD_ASYNC(lookup, f, cx, NULL) {
  f->hit = f->e->valid;
  int scaled = f->e->value * 2;
  if (!f->hit)
    HD_AWAIT(f, cx, hd_sleep_init(&f->backend, 15));
  if (!f->hit)
    HD_RETURN(f, -1); /* the caller refreshes the entry */
  f->e->hits++;
  HD_RETURN(f, scaled);
}
HD_ASYNC_END(f)

int main(void) {
  static cache_entry e = {true, 21, 0};
  static lookup l;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&l, lookup);
  l.e = &e;
  hd_block_on(rt, &l.hd);
  hd_runtime_free(rt);
  return l.out != 42;
}
