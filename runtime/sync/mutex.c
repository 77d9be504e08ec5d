/* hd_mutex: a FIFO semaphore with one permit (see heddle/sync.h). */
#include "sync/waitq.h"

void hd_mutex_init(hd_mutex *m) {
  hd__sem_init(&m->sem, 1);
}
void hd_mutex_destroy(hd_mutex *m) {
  hd__sem_destroy(&m->sem);
}

int hd_mutex_try_lock(hd_mutex *m, hd_mutex_guard *guard) {
  if (!m || !guard)
    return HD_EINVAL;
  int r = hd__sem_try(&m->sem, 1);
  if (r == 0)
    guard->mutex = m;
  return r;
}

void hd_mutex_guard_release(hd_mutex_guard *guard) {
  if (!guard || !guard->mutex)
    return;
  hd_mutex *m = guard->mutex;
  guard->mutex = NULL;
  hd__sem_release(&m->sem, 1);
}

bool hd_mutex_guard_held(const hd_mutex_guard *guard) {
  return guard && guard->mutex;
}

static hd_poll mutex_lock_poll(hd_future *self, hd_context *cx) {
  hd_mutex_lock *l = (hd_mutex_lock *)self;
  if (!l->mutex || !l->guard) {
    l->out = HD_EINVAL;
    return HD_READY;
  }
  int err = 0;
  if (hd__sem_poll(&l->mutex->sem, &l->w, 1, cx, &err) == HD_PENDING)
    return HD_PENDING;
  l->out = err;
  if (err == 0)
    l->guard->mutex = l->mutex;
  return HD_READY;
}

static void mutex_lock_drop(hd_future *self) {
  hd_mutex_lock *l = (hd_mutex_lock *)self;
  if (l->mutex)
    hd__sem_cancel(&l->mutex->sem, &l->w);
}

static const hd_future_vtable mutex_lock_vtable = {"hd_mutex_lock", mutex_lock_poll,
                                                   mutex_lock_drop, sizeof(hd_mutex_lock)};

hd_future *hd_mutex_lock_init(hd_mutex_lock *l, hd_mutex *m, hd_mutex_guard *guard) {
  memset(l, 0, sizeof *l);
  hd_future_init(&l->hd, &mutex_lock_vtable);
  l->mutex = m;
  l->guard = guard;
  return &l->hd;
}
