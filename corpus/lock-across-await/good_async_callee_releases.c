/* The fixed autosave: the caller copies the document under the mutex and
 * unlocks, then awaits save_snapshot() on the copy; the callee itself takes
 * the mutex only to read the version and releases it before its own awaits.
 * Good: neither the caller nor the callee holds a lock at any await. */
#include <pthread.h>
#include <string.h>

#include "heddle/heddle.h"

typedef struct document {
  pthread_mutex_t mu;
  char text[4096];
  size_t len;
  unsigned version;
} document;

typedef struct snapshot {
  char text[4096];
  size_t len;
  unsigned version;
} snapshot;

HD_ASYNC_FN(save_snapshot, int, document *doc; const snapshot *snap; size_t off;
            hd_yield write_done;);
HD_ASYNC(save_snapshot, f, cx, NULL) {
  pthread_mutex_lock(&f->doc->mu);
  if (f->doc->version != f->snap->version) {
    pthread_mutex_unlock(&f->doc->mu);
    HD_RETURN(f, HD_ECANCELED); /* stale: a newer save will follow */
  }
  pthread_mutex_unlock(&f->doc->mu);
  for (f->off = 0; f->off < f->snap->len; f->off += 512)
    HD_AWAIT(f, cx, hd_yield_init(&f->write_done));
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

static hd_future *save_snapshot_init(save_snapshot *f, document *doc, const snapshot *snap) {
  HD_ASYNC_INIT(f, save_snapshot);
  f->doc = doc;
  f->snap = snap;
  return &f->hd;
}

HD_ASYNC_FN(autosave, int, document *doc; snapshot snap; save_snapshot save;);
HD_ASYNC(autosave, f, cx, NULL) {
  pthread_mutex_lock(&f->doc->mu);
  memcpy(f->snap.text, f->doc->text, f->doc->len);
  f->snap.len = f->doc->len;
  f->snap.version = f->doc->version;
  pthread_mutex_unlock(&f->doc->mu);
  HD_AWAIT(f, cx, save_snapshot_init(&f->save, f->doc, &f->snap));
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
