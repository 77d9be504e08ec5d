/* hd_read and hd_write: one syscall's worth, cancel-safe (see heddle/io.h). */
#include "io/stream_impl.h"

static hd_poll read_poll(hd_future *self, hd_context *cx) {
  hd_read *r = (hd_read *)self;
  if (!r->s || (!r->buf && r->cap)) {
    r->out = HD_EINVAL;
    return HD_READY;
  }
  ssize_t n = hd__stream_try_read(r->s, r->buf, r->cap, cx);
  if (n == HD__IO_PENDING)
    return HD_PENDING;
  r->out = n;
  return HD_READY;
}

/* Cancelled: nothing was read; withdraw the stored waker. */
static void read_drop(hd_future *self) {
  hd__stream_forget_read(((hd_read *)self)->s);
}

static const hd_future_vtable read_vtable = {"hd_read", read_poll, read_drop, sizeof(hd_read)};

hd_future *hd_read_init(hd_read *r, hd_stream *s, void *buf, size_t cap) {
  hd_future_init(&r->hd, &read_vtable);
  r->out = 0;
  r->s = s;
  r->buf = buf;
  r->cap = cap;
  return &r->hd;
}

static hd_poll write_poll(hd_future *self, hd_context *cx) {
  hd_write *w = (hd_write *)self;
  if (!w->s || (!w->buf && w->len)) {
    w->out = HD_EINVAL;
    return HD_READY;
  }
  ssize_t n = hd__stream_try_write(w->s, w->buf, w->len, cx);
  if (n == HD__IO_PENDING)
    return HD_PENDING;
  w->out = n;
  return HD_READY;
}

/* Cancelled: nothing was written; withdraw the stored waker. */
static void write_drop(hd_future *self) {
  hd__stream_forget_write(((hd_write *)self)->s);
}

static const hd_future_vtable write_vtable = {"hd_write", write_poll, write_drop, sizeof(hd_write)};

hd_future *hd_write_init(hd_write *w, hd_stream *s, const void *buf, size_t len) {
  hd_future_init(&w->hd, &write_vtable);
  w->out = 0;
  w->s = s;
  w->buf = buf;
  w->len = len;
  return &w->hd;
}
