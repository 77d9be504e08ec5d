/* runtime/io/stream_impl.h - what the I/O futures share: binding a stream
 * to the current reactor, one readiness-driven syscall attempt, and the
 * errno -> HD_E* map. Private to runtime/io. */
#ifndef HEDDLE_RUNTIME_IO_STREAM_IMPL_H
#define HEDDLE_RUNTIME_IO_STREAM_IMPL_H

#include <sys/uio.h>

#include "heddle/io.h"
#include "reactor.h"

/* Returned by the try functions when the waker has been stored: the
 * caller returns HD_PENDING. Outside the HD_E* range. */
#define HD__IO_PENDING ((ssize_t)-1000)

/* The HD_E* code for a failed syscall's errno. */
int hd__errno_to_error(int err);

/* Registers s with the current reactor on first use (thread-safe). 0,
 * HD_EINVAL (NULL), HD_EBADF (closed), HD_ENORUNTIME. */
int hd__stream_bind(hd_stream *s);

/* One attempt driven by readiness, retried across EINTR and stale
 * readiness: bytes (>= 0), HD_E*, or HD__IO_PENDING (cx's waker stored). */
ssize_t hd__stream_try_read(hd_stream *s, void *buf, size_t cap, hd_context *cx);
ssize_t hd__stream_try_writev(hd_stream *s, const struct iovec *iov, int iovcnt, hd_context *cx);
ssize_t hd__stream_try_write(hd_stream *s, const void *buf, size_t len, hd_context *cx);
/* Peeks at up to cap bytes of a socket without consuming them. */
ssize_t hd__stream_try_peek(hd_stream *s, void *buf, size_t cap, hd_context *cx);

/* For the drop hooks of I/O futures: withdraws the waker a cancelled
 * future left in s's read or write slot (s NULL or closed: no-op). */
void hd__stream_forget_read(hd_stream *s);
void hd__stream_forget_write(hd_stream *s);

/* Makes s an open, unbound stream owning fd (already non-blocking). */
void hd__stream_adopt(hd_stream *s, int fd, bool is_socket);

#endif
