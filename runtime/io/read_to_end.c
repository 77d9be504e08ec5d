/* hd_read_to_end: everything until end of stream into a growing malloc'd
 * buffer; not cancel-safe (see heddle/io.h). */
#include <stdint.h>
#include <stdlib.h>

#include "io/stream_impl.h"

static hd_poll read_to_end_finish(hd_read_to_end *r, int out) {
  if (out < 0) {
    free(r->data);
    r->data = NULL;
    r->cap = 0;
  } else if (r->len == 0) {
    free(r->data);
    r->data = NULL;
    r->cap = 0;
  }
  r->out = out;
  return HD_READY;
}

static hd_poll read_to_end_poll(hd_future *self, hd_context *cx) {
  hd_read_to_end *r = (hd_read_to_end *)self;
  if (!r->s)
    return read_to_end_finish(r, HD_EINVAL);
  for (;;) {
    if (r->len == r->cap) {
      /* Room for max + 1 bytes at most: one byte beyond max proves the
       * stream is too long without reading further. */
      if (r->cap > r->max)
        return read_to_end_finish(r, HD_ETOOBIG);
      size_t limit = r->max < SIZE_MAX / 2 ? r->max + 1 : SIZE_MAX / 2;
      size_t cap = r->cap ? r->cap * 2 : 4096;
      if (cap > limit)
        cap = limit;
      if (cap <= r->cap)
        return read_to_end_finish(r, HD_ETOOBIG);
      uint8_t *data = realloc(r->data, cap);
      if (!data)
        return read_to_end_finish(r, HD_ENOMEM);
      r->data = data;
      r->cap = cap;
    }
    ssize_t n = hd__stream_try_read(r->s, r->data + r->len, r->cap - r->len, cx);
    if (n == HD__IO_PENDING)
      return HD_PENDING;
    if (n < 0)
      return read_to_end_finish(r, (int)n);
    if (n == 0)
      return read_to_end_finish(r, r->len > r->max ? HD_ETOOBIG : 0);
    r->len += (size_t)n;
  }
}

/* Dropped unfinished: what was read is freed; it is gone from the stream. */
static void read_to_end_drop(hd_future *self) {
  hd_read_to_end *r = (hd_read_to_end *)self;
  free(r->data);
  r->data = NULL;
  r->len = r->cap = 0;
  hd__stream_forget_read(r->s);
}

static const hd_future_vtable read_to_end_vtable = {"hd_read_to_end", read_to_end_poll,
                                                    read_to_end_drop, sizeof(hd_read_to_end)};

hd_future *hd_read_to_end_init(hd_read_to_end *r, hd_stream *s, size_t max) {
  hd_future_init(&r->hd, &read_to_end_vtable);
  r->out = 0;
  r->s = s;
  r->max = max;
  r->data = NULL;
  r->len = 0;
  r->cap = 0;
  return &r->hd;
}
