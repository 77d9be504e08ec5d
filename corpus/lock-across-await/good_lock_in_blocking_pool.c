/* Blocking work moved off the executor: the compressor runs on the blocking
 * pool (hd_spawn_blocking) and holds the dictionary's pthread mutex for its
 * whole run, which is fine on a pool thread; the async caller holds nothing
 * while it awaits the join handle. Good: a lock held in a plain function
 * that contains no await (and is not async) is not this rule's business. */
#include <pthread.h>
#include <stddef.h>

#include "heddle/heddle.h"

typedef struct dictionary {
  pthread_mutex_t mu;
  unsigned char table[256];
  size_t uses;
} dictionary;

typedef struct compress_job {
  dictionary *dict;
  const unsigned char *in;
  size_t len;
  size_t out_len;
} compress_job;

static void *compress_blocking(void *arg) {
  compress_job *job = arg;
  pthread_mutex_lock(&job->dict->mu);
  job->out_len = 0;
  for (size_t i = 0; i < job->len; i++)
    job->out_len += job->dict->table[job->in[i]] != 0 ? 1 : 2;
  job->dict->uses++;
  pthread_mutex_unlock(&job->dict->mu);
  return job;
}

HD_ASYNC_FN(compress, size_t, compress_job job; hd_join_handle *h; hd_join j;);
HD_ASYNC(compress, f, cx, NULL) {
  f->h = hd_spawn_blocking(compress_blocking, &f->job);
  if (f->h == NULL)
    HD_RETURN(f, 0);
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->h));
  hd_join_handle_drop(f->h);
  HD_RETURN(f, f->job.out_len);
}
HD_ASYNC_END(f)

int main(void) {
  static dictionary dict = {.mu = PTHREAD_MUTEX_INITIALIZER};
  static const unsigned char text[] = "hello heddle";
  static compress task;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  HD_ASYNC_INIT(&task, compress);
  task.job.dict = &dict;
  task.job.in = text;
  task.job.len = sizeof text - 1;
  hd_block_on(rt, &task.hd);
  hd_runtime_free(rt);
  return task.out == 0;
}
