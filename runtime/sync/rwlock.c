/* hd_rwlock: a FIFO semaphore with HD_RWLOCK_MAX_READERS permits; a reader
 * takes one, a writer takes them all. FIFO order makes it write-preferring:
 * readers arriving after a queued writer wait behind it. */
#include "sync/waitq.h"

void hd_rwlock_init(hd_rwlock *rw) {
  hd__sem_init(&rw->sem, HD_RWLOCK_MAX_READERS);
}
void hd_rwlock_destroy(hd_rwlock *rw) {
  hd__sem_destroy(&rw->sem);
}

static size_t mode_permits(bool write) {
  return write ? HD_RWLOCK_MAX_READERS : 1;
}

static int try_mode(hd_rwlock *rw, hd_rwlock_guard *guard, bool write) {
  if (!rw || !guard)
    return HD_EINVAL;
  int r = hd__sem_try(&rw->sem, mode_permits(write));
  if (r == 0) {
    guard->lock = rw;
    guard->write = write;
  }
  return r;
}

int hd_rwlock_try_read(hd_rwlock *rw, hd_rwlock_guard *guard) {
  return try_mode(rw, guard, false);
}
int hd_rwlock_try_write(hd_rwlock *rw, hd_rwlock_guard *guard) {
  return try_mode(rw, guard, true);
}

void hd_rwlock_guard_release(hd_rwlock_guard *guard) {
  if (!guard || !guard->lock)
    return;
  hd_rwlock *rw = guard->lock;
  guard->lock = NULL;
  hd__sem_release(&rw->sem, mode_permits(guard->write));
}

static hd_poll lock_poll(hd_rwlock_lock *l, hd_context *cx, bool write) {
  if (!l->lock || !l->guard) {
    l->out = HD_EINVAL;
    return HD_READY;
  }
  int err = 0;
  if (hd__sem_poll(&l->lock->sem, &l->w, mode_permits(write), cx, &err) == HD_PENDING)
    return HD_PENDING;
  l->out = err;
  if (err == 0) {
    l->guard->lock = l->lock;
    l->guard->write = write;
  }
  return HD_READY;
}

static hd_poll read_poll(hd_future *self, hd_context *cx) {
  return lock_poll((hd_rwlock_lock *)self, cx, false);
}
static hd_poll write_poll(hd_future *self, hd_context *cx) {
  return lock_poll((hd_rwlock_lock *)self, cx, true);
}

static void lock_drop(hd_future *self) {
  hd_rwlock_lock *l = (hd_rwlock_lock *)self;
  if (l->lock)
    hd__sem_cancel(&l->lock->sem, &l->w);
}

static const hd_future_vtable read_vtable = {"hd_rwlock_read", read_poll, lock_drop,
                                             sizeof(hd_rwlock_lock)};
static const hd_future_vtable write_vtable = {"hd_rwlock_write", write_poll, lock_drop,
                                              sizeof(hd_rwlock_lock)};

static hd_future *lock_init(hd_rwlock_lock *l, hd_rwlock *rw, hd_rwlock_guard *guard,
                            const hd_future_vtable *vt) {
  memset(l, 0, sizeof *l);
  hd_future_init(&l->hd, vt);
  l->lock = rw;
  l->guard = guard;
  return &l->hd;
}

hd_future *hd_rwlock_read_init(hd_rwlock_lock *l, hd_rwlock *rw, hd_rwlock_guard *guard) {
  return lock_init(l, rw, guard, &read_vtable);
}
hd_future *hd_rwlock_write_init(hd_rwlock_lock *l, hd_rwlock *rw, hd_rwlock_guard *guard) {
  return lock_init(l, rw, guard, &write_vtable);
}
