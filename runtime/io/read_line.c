/* hd_read_line: one '\n'-terminated line; not cancel-safe (see
 * heddle/io.h). On a socket it peeks and then consumes exactly up to the
 * newline; on a pipe (no peek) it reads a byte at a time, so it never
 * consumes bytes past the newline either way. */
#include <string.h>

#include "io/stream_impl.h"

/* Reads the next chunk that cannot cross a newline: bytes or HD_E* or
 * HD__IO_PENDING. */
static ssize_t read_chunk(hd_read_line *r, hd_context *cx) {
  char *dst = r->buf + r->done;
  size_t room = r->cap - 1 - r->done;
  if (!r->s->is_socket)
    return hd__stream_try_read(r->s, dst, 1, cx);
  ssize_t n = hd__stream_try_peek(r->s, dst, room, cx);
  if (n <= 0)
    return n;
  char *nl = memchr(dst, '\n', (size_t)n);
  size_t want = nl ? (size_t)(nl - dst) + 1 : (size_t)n;
  /* The peeked bytes are in the socket buffer: this read takes them at
   * once (only this future reads the stream). */
  return hd__stream_try_read(r->s, dst, want, cx);
}

static hd_poll read_line_poll(hd_future *self, hd_context *cx) {
  hd_read_line *r = (hd_read_line *)self;
  if (!r->s || !r->buf || r->cap < 2) {
    r->out = HD_EINVAL;
    return HD_READY;
  }
  for (;;) {
    if (r->done > 0 && r->buf[r->done - 1] == '\n')
      break;
    if (r->done == r->cap - 1) {
      r->buf[r->done] = '\0';
      r->out = HD_ETOOBIG;
      return HD_READY;
    }
    ssize_t n = read_chunk(r, cx);
    if (n == HD__IO_PENDING)
      return HD_PENDING;
    if (n < 0) {
      r->out = n;
      return HD_READY;
    }
    if (n == 0)
      break; /* end of stream: what we have is the last line */
    r->done += (size_t)n;
  }
  r->buf[r->done] = '\0';
  r->out = (ssize_t)r->done;
  return HD_READY;
}

/* Cancelled: the bytes of the partial line are lost with the future. The
 * hook only withdraws the stored waker. */
static void read_line_drop(hd_future *self) {
  hd__stream_forget_read(((hd_read_line *)self)->s);
}

static const hd_future_vtable read_line_vtable = {"hd_read_line", read_line_poll, read_line_drop,
                                                  sizeof(hd_read_line)};

hd_future *hd_read_line_init(hd_read_line *r, hd_stream *s, char *buf, size_t cap) {
  hd_future_init(&r->hd, &read_line_vtable);
  r->out = 0;
  r->s = s;
  r->buf = buf;
  r->cap = cap;
  r->done = 0;
  return &r->hd;
}
