/* Futures, wakers and the await point (see heddle/future.h). */
#include <stdio.h>
#include <stdlib.h>

#include "heddle/future.h"

hd_waker hd_waker_clone(const hd_waker *w) {
  if (!w || !w->vtable)
    return (hd_waker){0};
  return w->vtable->clone(w->data);
}

void hd_waker_wake(hd_waker *w) {
  if (!w || !w->vtable)
    return;
  hd_waker taken = *w;
  *w = (hd_waker){0};
  taken.vtable->wake(taken.data);
}

void hd_waker_wake_by_ref(const hd_waker *w) {
  if (w && w->vtable)
    w->vtable->wake_by_ref(w->data);
}

void hd_waker_drop(hd_waker *w) {
  if (!w || !w->vtable)
    return;
  hd_waker taken = *w;
  *w = (hd_waker){0};
  taken.vtable->drop(taken.data);
}

bool hd_waker_will_wake(const hd_waker *a, const hd_waker *b) {
  return a && b && a->vtable == b->vtable && a->data == b->data;
}

bool hd_waker_is_empty(const hd_waker *w) { return !w || !w->vtable; }

static hd_waker noop_clone(const void *data) { return hd_waker_noop(); }
static void noop_wake(void *data) {}
static void noop_wake_by_ref(const void *data) {}
static void noop_drop(void *data) {}
static const hd_waker_vtable noop_vtable = {noop_clone, noop_wake, noop_wake_by_ref, noop_drop};

hd_waker hd_waker_noop(void) { return (hd_waker){&noop_vtable, NULL}; }

void hd_waker_register(hd_waker *slot, const hd_context *cx) {
  if (hd_waker_will_wake(slot, cx->waker))
    return;
  hd_waker_drop(slot);
  *slot = hd_waker_clone(cx->waker);
}

void hd_future_init(hd_future *f, const hd_future_vtable *vtable) {
  f->vtable = vtable;
  f->resume = 0;
  f->child = NULL;
  f->file = NULL;
  f->line = 0;
}

hd_poll hd_future_poll(hd_future *f, hd_context *cx) {
  if (f->resume == HD__RESUME_DONE || f->resume == HD__RESUME_DROPPED || !f->vtable)
    hd__bad_resume(f, __FILE__, __LINE__);
  hd_poll r = f->vtable->poll(f, cx);
  if (r == HD_READY) {
    f->resume = HD__RESUME_DONE;
    f->child = NULL;
  } else if (f->resume == 0) {
    /* A hand-written future that keeps no resume point still counts as
     * started: it must not be moved any more. */
    f->resume = 1;
  }
  return r;
}

void hd_future_drop(hd_future *f) {
  if (!f || f->resume == HD__RESUME_DONE || f->resume == HD__RESUME_DROPPED)
    return;
  if (f->child) {
    hd_future *child = f->child;
    f->child = NULL;
    hd_future_drop(child);
  }
  if (f->vtable && f->vtable->drop)
    f->vtable->drop(f);
  f->resume = HD__RESUME_DROPPED;
}

bool hd_future_is_done(const hd_future *f) { return f->resume == HD__RESUME_DONE; }
bool hd_future_is_started(const hd_future *f) { return f->resume != 0; }

hd_poll hd__await_poll(hd_future *self, hd_context *cx, const char *file, int line) {
  if (!self->child) {
    fprintf(stderr, "heddle: %s:%d: HD_AWAIT on a NULL future in %s\n", file, line,
            self->vtable ? self->vtable->name : "?");
    abort();
  }
  if (hd_future_poll(self->child, cx) == HD_PENDING) {
    self->file = file;
    self->line = line;
    return HD_PENDING;
  }
  self->child = NULL;
  return HD_READY;
}

_Noreturn void hd__bad_resume(const hd_future *f, const char *file, int line) {
  const char *what = f->resume == HD__RESUME_DONE      ? "polled after it completed"
                     : f->resume == HD__RESUME_DROPPED ? "polled after it was dropped"
                                                       : "resumed at a point that does not exist";
  fprintf(stderr, "heddle: %s:%d: future %s (%p) %s (resume=%d)\n", file, line,
          f->vtable ? f->vtable->name : "<no vtable>", (const void *)f, what, f->resume);
  abort();
}
