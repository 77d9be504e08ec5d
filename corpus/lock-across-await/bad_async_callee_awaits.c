/* An editor backend locks the document with a pthread mutex and then awaits
 * save_snapshot(), an async function whose own body awaits once per chunk
 * written. Bad: the caller's mutex is held across every suspension inside
 * the callee; the finding is at the caller's await of the callee. */
#include <pthread.h>
#include <string.h>

#include "heddle/heddle.h"

typedef struct document {
  pthread_mutex_t mu;
  char text[4096];
  size_t len;
  unsigned version;
} document;

HD_ASYNC_FN(save_snapshot, int, const document *doc; size_t off; hd_yield write_done;);
HD_ASYNC(save_snapshot, f, cx, NULL) {
  for (f->off = 0; f->off < f->doc->len; f->off += 512)
    HD_AWAIT(f, cx, hd_yield_init(&f->write_done));
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

static hd_future *save_snapshot_init(save_snapshot *f, const document *doc) {
  HD_ASYNC_INIT(f, save_snapshot);
  f->doc = doc;
  return &f->hd;
}

HD_ASYNC_FN(autosave, int, document *doc; save_snapshot save;);
HD_ASYNC(autosave, f, cx, NULL) {
  pthread_mutex_lock(&f->doc->mu);
  HD_AWAIT(f, cx, save_snapshot_init(&f->save, f->doc)); /* expect: lock-across-await */
  f->doc->version++;
  pthread_mutex_unlock(&f->doc->mu);
  HD_RETURN(f, f->save.out);
}
HD_ASYNC_END(f)

int main(void) {
  static document doc = {.mu = PTHREAD_MUTEX_INITIALIZER};
  static autosave task;
  hd_runtime *rt = hd_runtime_new_current_thread();
  strcpy(doc.text, "hello");
  doc.len = 5;
  HD_ASYNC_INIT(&task, autosave);
  task.doc = &doc;
  hd_block_on(rt, &task.hd);
  hd_runtime_free(rt);
  return task.out;
}
