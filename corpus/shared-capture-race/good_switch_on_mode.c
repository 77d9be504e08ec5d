/* corpus: needs-feasibility
 * A checksum service picks a strategy with a switch on its mode: PARALLEL
 * spawns a task that writes the digest, SERIAL computes it in place; after
 * the switch the spawner finalises the digest in place only when the mode
 * is SERIAL. Good: no path both spawns and reaches the spawner's write. */
#include "heddle/heddle.h"

enum mode { MODE_SERIAL, MODE_PARALLEL };

typedef struct digest {
  unsigned long sum;
} digest;

HD_ASYNC_FN(hash_task, int, digest *d; hd_yield y;);
HD_ASYNC(hash_task, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_yield_init(&f->y));
  f->d->sum = 0x5eedUL;
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(checksum, unsigned long, digest *d; enum mode mode; hd_join_handle *h; hd_join j;);
HD_ASYNC(checksum, f, cx, NULL) {
  f->h = NULL;
  switch (f->mode) {
  case MODE_PARALLEL: {
    hash_task t;
    HD_ASYNC_INIT(&t, hash_task);
    t.d = f->d;
    f->h = hd_spawn(&t.hd);
    break;
  }
  case MODE_SERIAL:
    f->d->sum = 0x5eedUL;
    break;
  }
  if (f->mode == MODE_SERIAL)
    f->d->sum ^= 0xffUL; /* finalise in place: no task shares it */
  if (f->h != NULL) {
    HD_AWAIT(f, cx, hd_join_init(&f->j, f->h));
    hd_join_handle_drop(f->h);
  }
  HD_RETURN(f, f->d->sum);
}
HD_ASYNC_END(f)

int main(void) {
  static digest d;
  static checksum c;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  HD_ASYNC_INIT(&c, checksum);
  c.d = &d;
  c.mode = MODE_PARALLEL;
  hd_block_on(rt, &c.hd);
  hd_runtime_free(rt);
  return 0;
}
