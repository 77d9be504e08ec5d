/* A compression job's constructor points the job at the calling thread's
 * _Thread_local scratch buffer (to avoid a malloc per job), and the
 * dispatcher spawns the job onto the multi-thread executor. Bad: the store
 * happens in the constructor, not in the spawner or the async function,
 * but the frame still carries the address of one worker's buffer; after a
 * migration two workers compress into the same scratch space. */
#include <stddef.h>
#include <string.h>

#include "heddle/heddle.h"

static _Thread_local unsigned char scratch[8192];

HD_ASYNC_FN(compress_job, size_t, const unsigned char *in; size_t len; unsigned char *work;
            hd_yield y;);
HD_ASYNC(compress_job, f, cx, NULL) {
  memcpy(f->work, f->in, f->len < sizeof scratch ? f->len : sizeof scratch);
  HD_AWAIT(f, cx, hd_yield_init(&f->y)); /* let others run between blocks */
  HD_RETURN(f, f->len / 2);
}
HD_ASYNC_END(f)

static hd_future *compress_job_init(compress_job *j, const unsigned char *in, size_t len) {
  HD_ASYNC_INIT(j, compress_job);
  j->in = in;
  j->len = len;
  j->work = scratch;
  return &j->hd;
}

HD_ASYNC_FN(dispatcher, size_t, const unsigned char *data; hd_join_handle *h; hd_join j;);
HD_ASYNC(dispatcher, f, cx, NULL) {
  {
    compress_job job;
    compress_job_init(&job, f->data, 64);
    f->h = hd_spawn(&job.hd); /* expect: non-send-spawn */
  }
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->h));
  hd_join_handle_drop(f->h);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static const unsigned char data[64];
  static dispatcher d;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  HD_ASYNC_INIT(&d, dispatcher);
  d.data = data;
  hd_block_on(rt, &d.hd);
  hd_runtime_free(rt);
  return 0;
}
