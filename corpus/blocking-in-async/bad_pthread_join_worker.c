/* An async request handler offloads image decoding to a fresh pthread and
 * then waits for it with pthread_join (the C cousin of calling
 * std::thread::JoinHandle::join in an async fn). Bad: the worker thread of
 * the executor blocks until the decoder thread ends. */
#include <pthread.h>

#include "heddle/heddle.h"

typedef struct decode_job {
  const unsigned char *png;
  unsigned long pixels;
} decode_job;

static void *decode_png(void *arg) {
  decode_job *j = arg;
  j->pixels = (unsigned long)j->png[0] * 1024u;
  return NULL;
}

HD_ASYNC_FN(handle_upload, int, decode_job job; pthread_t th; hd_yield y;);
HD_ASYNC(handle_upload, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_yield_init(&f->y)); /* the upload arrived */
  if (pthread_create(&f->th, NULL, decode_png, &f->job) != 0)
    HD_RETURN(f, HD_ENOMEM);
  pthread_join(f->th, NULL); /* expect: blocking-in-async */
  HD_RETURN(f, f->job.pixels > 0 ? 0 : -1);
}
HD_ASYNC_END(f)

int main(void) {
  static const unsigned char png[] = {8, 0, 0};
  static handle_upload h;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  HD_ASYNC_INIT(&h, handle_upload);
  h.job.png = png;
  hd_block_on(rt, &h.hd);
  hd_runtime_free(rt);
  return 0;
}
