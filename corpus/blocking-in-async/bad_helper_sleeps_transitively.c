/* A rate limiter helper (plain C, shared with the old threaded code) sleeps
 * with nanosleep when the bucket is empty; the async uploader calls it before
 * each chunk. Bad, found through the callee: the finding is at the call of
 * the helper in the async function, with the nanosleep as the note. */
#include <time.h>

#include "heddle/heddle.h"

typedef struct bucket {
  int tokens;
} bucket;

static void bucket_take(bucket *b) {
  while (b->tokens == 0) {
    struct timespec ts = {0, 10 * 1000 * 1000};
    nanosleep(&ts, NULL);
    b->tokens = 4; /* refilled by the clock, simplified */
  }
  b->tokens--;
}

HD_ASYNC_FN(upload, int, hd_stream *s; bucket *rate; int chunk; char data[512]; hd_write_all w;);
HD_ASYNC(upload, f, cx, NULL) {
  for (f->chunk = 0; f->chunk < 16; f->chunk++) {
    bucket_take(f->rate); /* expect: blocking-in-async */
    HD_AWAIT(f, cx, hd_write_all_init(&f->w, f->s, f->data, sizeof f->data));
    if (f->w.out != 0)
      HD_RETURN(f, f->w.out);
  }
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static hd_stream a, b;
  static bucket rate = {4};
  static upload u;
  hd_runtime *rt = hd_runtime_new_current_thread();
  if (hd_socketpair(&a, &b) != 0)
    return 1;
  hd_stream_close(&b);
  HD_ASYNC_INIT(&u, upload);
  u.s = &a;
  u.rate = &rate;
  hd_block_on(rt, &u.hd);
  hd_stream_close(&a);
  hd_runtime_free(rt);
  return 0;
}
