/* hd_semaphore: the FIFO semaphore core with a permit guard (heddle/sync.h). */
#include "sync/waitq.h"

void hd_semaphore_init(hd_semaphore *s, size_t permits) {
  hd__sem_init(&s->sem, permits);
}
void hd_semaphore_destroy(hd_semaphore *s) {
  hd__sem_destroy(&s->sem);
}
void hd_semaphore_release(hd_semaphore *s, size_t n) {
  hd__sem_release(&s->sem, n);
}
size_t hd_semaphore_available(hd_semaphore *s) {
  return hd__sem_available(&s->sem);
}
void hd_semaphore_close(hd_semaphore *s) {
  hd__sem_close(&s->sem);
}
bool hd_semaphore_is_closed(hd_semaphore *s) {
  return hd__sem_is_closed(&s->sem);
}

int hd_semaphore_try_acquire(hd_semaphore *s, size_t n, hd_semaphore_permit *permit) {
  if (!s || !permit)
    return HD_EINVAL;
  int r = hd__sem_try(&s->sem, n);
  if (r == 0) {
    permit->sem = s;
    permit->n = n;
  }
  return r;
}

void hd_semaphore_permit_release(hd_semaphore_permit *permit) {
  if (!permit || !permit->sem)
    return;
  hd_semaphore *s = permit->sem;
  permit->sem = NULL;
  hd__sem_release(&s->sem, permit->n);
}

void hd_semaphore_permit_forget(hd_semaphore_permit *permit) {
  if (permit)
    permit->sem = NULL;
}

static hd_poll acquire_poll(hd_future *self, hd_context *cx) {
  hd_semaphore_acquire *a = (hd_semaphore_acquire *)self;
  if (!a->sem || !a->permit) {
    a->out = HD_EINVAL;
    return HD_READY;
  }
  int err = 0;
  if (hd__sem_poll(&a->sem->sem, &a->w, a->w.need, cx, &err) == HD_PENDING)
    return HD_PENDING;
  a->out = err;
  if (err == 0) {
    a->permit->sem = a->sem;
    a->permit->n = a->w.need;
  }
  return HD_READY;
}

static void acquire_drop(hd_future *self) {
  hd_semaphore_acquire *a = (hd_semaphore_acquire *)self;
  if (a->sem)
    hd__sem_cancel(&a->sem->sem, &a->w);
}

static const hd_future_vtable acquire_vtable = {"hd_semaphore_acquire", acquire_poll, acquire_drop,
                                                sizeof(hd_semaphore_acquire)};

hd_future *hd_semaphore_acquire_init(hd_semaphore_acquire *a, hd_semaphore *s, size_t n,
                                     hd_semaphore_permit *permit) {
  memset(a, 0, sizeof *a);
  hd_future_init(&a->hd, &acquire_vtable);
  a->sem = s;
  a->permit = permit;
  a->w.need = n; /* the request size lives in the queue node */
  return &a->hd;
}
