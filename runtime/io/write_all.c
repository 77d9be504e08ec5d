/* hd_write_all: every byte of a buffer; not cancel-safe (see heddle/io.h). */
#include "io/stream_impl.h"

static hd_poll write_all_poll(hd_future *self, hd_context *cx) {
  hd_write_all *w = (hd_write_all *)self;
  if (!w->s || (!w->buf && w->len)) {
    w->out = HD_EINVAL;
    return HD_READY;
  }
  while (w->done < w->len) {
    ssize_t n = hd__stream_try_write(w->s, w->buf + w->done, w->len - w->done, cx);
    if (n == HD__IO_PENDING)
      return HD_PENDING;
    if (n < 0) {
      w->out = (int)n;
      return HD_READY;
    }
    w->done += (size_t)n;
  }
  w->out = 0;
  return HD_READY;
}

/* Cancelled: the `done` bytes are on the wire and cannot be taken back.
 * The hook only withdraws the stored waker. */
static void write_all_drop(hd_future *self) {
  hd__stream_forget_write(((hd_write_all *)self)->s);
}

static const hd_future_vtable write_all_vtable = {"hd_write_all", write_all_poll, write_all_drop,
                                                  sizeof(hd_write_all)};

hd_future *hd_write_all_init(hd_write_all *w, hd_stream *s, const void *buf, size_t len) {
  hd_future_init(&w->hd, &write_all_vtable);
  w->out = 0;
  w->s = s;
  w->buf = buf;
  w->len = len;
  w->done = 0;
  return &w->hd;
}
