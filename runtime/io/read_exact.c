/* hd_read_exact: exactly len bytes; not cancel-safe (see heddle/io.h). */
#include "io/stream_impl.h"

static hd_poll read_exact_poll(hd_future *self, hd_context *cx) {
  hd_read_exact *r = (hd_read_exact *)self;
  if (!r->s || (!r->buf && r->len)) {
    r->out = HD_EINVAL;
    return HD_READY;
  }
  while (r->done < r->len) {
    ssize_t n = hd__stream_try_read(r->s, r->buf + r->done, r->len - r->done, cx);
    if (n == HD__IO_PENDING)
      return HD_PENDING;
    if (n <= 0) {
      r->out = n == 0 ? HD_EEOF : (int)n;
      return HD_READY;
    }
    r->done += (size_t)n;
  }
  r->out = 0;
  return HD_READY;
}

/* Cancelled: the `done` bytes stay consumed (only in buf): nothing can put
 * them back. The hook only withdraws the stored waker. */
static void read_exact_drop(hd_future *self) {
  hd__stream_forget_read(((hd_read_exact *)self)->s);
}

static const hd_future_vtable read_exact_vtable = {"hd_read_exact", read_exact_poll,
                                                   read_exact_drop, sizeof(hd_read_exact)};

hd_future *hd_read_exact_init(hd_read_exact *r, hd_stream *s, void *buf, size_t len) {
  hd_future_init(&r->hd, &read_exact_vtable);
  r->out = 0;
  r->s = s;
  r->buf = buf;
  r->len = len;
  r->done = 0;
  return &r->hd;
}
