/* Length-prefixed frames (u32 big-endian length, then the payload): the
 * buffered, cancel-safe frame reader and the write_frame future (see
 * heddle/io.h).
 *
 * Reader buffer: bytes [start, end) are received and not yet consumed.
 * read_frame consumes a frame only in the poll that returns it, and the
 * returned payload stays valid until the next read_frame poll (which may
 * compact or grow the buffer). */
#include <stdlib.h>
#include <string.h>

#include "io/stream_impl.h"

#define INITIAL_CAP 4096

int hd_framed_reader_init(hd_framed_reader *fr, hd_stream *s, size_t max_frame) {
  if (!fr || !s || max_frame > UINT32_MAX)
    return HD_EINVAL;
  *fr = (hd_framed_reader){.s = s, .max_frame = max_frame};
  fr->cap = INITIAL_CAP;
  fr->buf = malloc(fr->cap);
  return fr->buf ? 0 : HD_ENOMEM;
}

void hd_framed_reader_free(hd_framed_reader *fr) {
  if (!fr)
    return;
  free(fr->buf);
  fr->buf = NULL;
  fr->cap = fr->start = fr->end = 0;
}

static uint32_t load_be32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

/* Makes room for `need` bytes from start. 0 or HD_ENOMEM. */
static int reserve(hd_framed_reader *fr, size_t need) {
  if (fr->start + need <= fr->cap)
    return 0;
  if (fr->start > 0) {
    memmove(fr->buf, fr->buf + fr->start, fr->end - fr->start);
    fr->end -= fr->start;
    fr->start = 0;
  }
  if (need <= fr->cap)
    return 0;
  size_t cap = fr->cap;
  while (cap < need)
    cap *= 2;
  uint8_t *buf = realloc(fr->buf, cap);
  if (!buf)
    return HD_ENOMEM;
  fr->buf = buf;
  fr->cap = cap;
  return 0;
}

static hd_poll frame_done(hd_read_frame *f, int out) {
  f->out = out;
  if (out < 0 && out != HD_ENOMEM)
    f->fr->err = out; /* poisoned: the stream is out of step with frames */
  return HD_READY;
}

static hd_poll read_frame_poll(hd_future *self, hd_context *cx) {
  hd_read_frame *f = (hd_read_frame *)self;
  hd_framed_reader *fr = f->fr;
  if (!fr || !fr->buf) {
    f->out = HD_EINVAL;
    return HD_READY;
  }
  for (;;) {
    if (fr->err) {
      f->out = fr->err;
      return HD_READY;
    }
    size_t avail = fr->end - fr->start;
    size_t need = HD_FRAME_HEADER;
    if (avail >= HD_FRAME_HEADER) {
      uint32_t len = load_be32(fr->buf + fr->start);
      if (len > fr->max_frame)
        return frame_done(f, HD_ETOOBIG);
      need += len;
      if (avail >= need) {
        f->data = fr->buf + fr->start + HD_FRAME_HEADER;
        f->len = len;
        fr->start += need;
        if (fr->start == fr->end)
          fr->start = fr->end = 0; /* the payload stays where it is */
        f->out = 0;
        return HD_READY;
      }
    }
    int rc = reserve(fr, need);
    if (rc < 0)
      return frame_done(f, rc);
    ssize_t n = hd__stream_try_read(fr->s, fr->buf + fr->end, fr->cap - fr->end, cx);
    if (n == HD__IO_PENDING)
      return HD_PENDING;
    if (n < 0)
      return frame_done(f, (int)n);
    if (n == 0)
      return frame_done(f, avail == 0 ? HD_ECLOSED : HD_EEOF);
    fr->end += (size_t)n;
  }
}

/* Cancelled: partial frames live in the reader, so nothing is lost; only
 * the stored waker is withdrawn. */
static void read_frame_drop(hd_future *self) {
  hd_read_frame *f = (hd_read_frame *)self;
  if (f->fr)
    hd__stream_forget_read(f->fr->s);
}

static const hd_future_vtable read_frame_vtable = {"hd_read_frame", read_frame_poll,
                                                   read_frame_drop, sizeof(hd_read_frame)};

hd_future *hd_read_frame_init(hd_read_frame *f, hd_framed_reader *fr) {
  hd_future_init(&f->hd, &read_frame_vtable);
  f->out = 0;
  f->fr = fr;
  f->data = NULL;
  f->len = 0;
  return &f->hd;
}

/* ---- write_frame ---- */

static hd_poll write_frame_poll(hd_future *self, hd_context *cx) {
  hd_write_frame *w = (hd_write_frame *)self;
  if (!w->s || (!w->data && w->len) || w->len > UINT32_MAX) {
    w->out = HD_EINVAL;
    return HD_READY;
  }
  size_t total = HD_FRAME_HEADER + w->len;
  while (w->done < total) {
    struct iovec iov[2];
    int cnt = 0;
    if (w->done < HD_FRAME_HEADER)
      iov[cnt++] = (struct iovec){w->hdr + w->done, HD_FRAME_HEADER - w->done};
    size_t off = w->done > HD_FRAME_HEADER ? w->done - HD_FRAME_HEADER : 0;
    if (w->len > off)
      iov[cnt++] = (struct iovec){(void *)(w->data + off), w->len - off};
    ssize_t n = hd__stream_try_writev(w->s, iov, cnt, cx);
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

/* Cancelled: bytes on the wire cannot be taken back; the hook only
 * withdraws the stored waker. */
static void write_frame_drop(hd_future *self) {
  hd__stream_forget_write(((hd_write_frame *)self)->s);
}

static const hd_future_vtable write_frame_vtable = {"hd_write_frame", write_frame_poll,
                                                    write_frame_drop, sizeof(hd_write_frame)};

hd_future *hd_write_frame_init(hd_write_frame *w, hd_stream *s, const void *data, size_t len) {
  hd_future_init(&w->hd, &write_frame_vtable);
  w->out = 0;
  w->s = s;
  w->data = data;
  w->len = len;
  w->done = 0;
  uint32_t n = (uint32_t)len;
  w->hdr[0] = (uint8_t)(n >> 24);
  w->hdr[1] = (uint8_t)(n >> 16);
  w->hdr[2] = (uint8_t)(n >> 8);
  w->hdr[3] = (uint8_t)n;
  return &w->hd;
}
