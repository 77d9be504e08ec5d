/* heddle/io.h - streams (TCP, pipes, Unix socket pairs), the TCP listener,
 * and the I/O futures: read, write, accept, connect (cancel-safe) and
 * read_exact, read_line, read_to_end, write_all, write_frame (not
 * cancel-safe), plus a buffered length-prefixed frame reader whose
 * read_frame future is cancel-safe.
 *
 * A stream is a non-blocking fd plus its registration with the reactor
 * (an hd__io_source). It is registered lazily, by the first I/O future
 * that polls it, with the reactor of the runtime driving that poll; from
 * then on the stream must not move in memory (the reactor points at it)
 * and belongs to that runtime. Futures find the reactor with
 * hd__reactor_current(); polled outside a runtime they complete with
 * HD_ENORUNTIME.
 *
 * Stream state: open unbound (fd >= 0, src.reactor NULL) -> open bound
 * (first poll) -> closed (fd -1; hd_stream_close deregisters, which wakes
 * any future still waiting on it; such a future then completes with
 * HD_EBADF). One task may read while another writes (separate waker
 * slots); two tasks reading the same stream at once is a bug (the later
 * one takes the read waker slot).
 *
 * Errors (every future's `out`): HD_EINVAL (NULL argument), HD_EBADF
 * (closed or invalid fd), HD_ECONNRESET (peer reset), HD_ECLOSED (writing
 * to a peer that has gone: EPIPE; or a clean end of stream where a frame
 * was expected), HD_EEOF (end of stream in the middle of a requested
 * amount), HD_ETOOBIG (line or frame over its limit), HD_ECONNREFUSED,
 * HD_ENORUNTIME, HD_ENOMEM, HD_EIO (anything else). SIGPIPE is never
 * raised: sockets are written with MSG_NOSIGNAL, pipes with SIGPIPE
 * blocked on the calling thread for the duration of the write.
 *
 * Cancel safety (tokio's table, method by method):
 *   hd_read, hd_write, hd_accept, hd_read_frame   cancel-safe
 *   hd_tcp_connect                                cancel-safe (the attempt is abandoned)
 *   hd_read_exact, hd_read_line, hd_read_to_end,
 *   hd_write_all, hd_write_frame                  NOT cancel-safe: bytes already moved
 *                                                 live in the dropped future
 */
#ifndef HEDDLE_IO_H
#define HEDDLE_IO_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "heddle/future.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct hd__reactor hd__reactor;

/* Interest in one fd, embedded in the object that owns the fd (a stream).
 * Internal: only runtime/io touches the fields (see runtime/reactor.h).
 * The reactor stores a token naming its slot, never trusting a stale
 * pointer; the source must stay put while registered. */
typedef struct hd__io_source {
  int fd;
  hd__reactor *reactor; /* NULL when not registered */
  hd_waker read_waker;  /* guarded by the reactor's lock */
  hd_waker write_waker;
  uint32_t ready; /* sticky readiness bits (EPOLLIN/OUT/RDHUP/HUP/ERR) */
  /* Under the reactor's lock. token names the registration slot (index |
   * generation << 32): epoll reports tokens, so an event for a source
   * deregistered meanwhile is recognised and ignored. tick counts
   * readiness events; read_tick/write_tick remember the tick seen by the
   * last poll that returned true, so a clear after an EAGAIN does not
   * erase an event that arrived after that poll. */
  uint64_t token;
  uint32_t tick;
  uint32_t read_tick;
  uint32_t write_tick;
} hd__io_source;

/* ---- streams ------------------------------------------------------------ */

/* A byte stream over a non-blocking fd (TCP, pipe end, Unix socket). The
 * stream owns the fd. Send: it may be used from any worker. */
typedef struct HD_SEND hd_stream {
  hd__io_source src;
  int fd;           /* -1 once closed */
  bool is_socket;   /* written with send(MSG_NOSIGNAL) */
  atomic_int bound; /* 0 unbound, 1 binding, 2 registered (or failed: see bind_err) */
  int bind_err;
} hd_stream;

/* Takes ownership of fd (sets O_NONBLOCK and FD_CLOEXEC). 0, HD_EINVAL
 * (s NULL), HD_EBADF (fd invalid; s is then closed). */
int hd_stream_from_fd(hd_stream *s, int fd);
/* A pipe: rd is the read end, wr the write end. 0 or HD_E*. */
int hd_pipe(hd_stream *rd, hd_stream *wr);
/* A connected pair of Unix stream sockets. 0 or HD_E*. */
int hd_socketpair(hd_stream *a, hd_stream *b);
/* Deregisters (waking whatever waits on s) and closes the fd. Idempotent;
 * NULL is ignored. */
void hd_stream_close(hd_stream *s);
/* Half-closes a socket for writing (the peer reads end of stream). 0,
 * HD_EINVAL (not a socket or NULL), HD_EBADF. */
int hd_stream_shutdown_write(hd_stream *s);
/* The fd, or -1 when closed. */
int hd_stream_fd(const hd_stream *s);

/* ---- TCP ---------------------------------------------------------------- */

typedef struct HD_SEND hd_tcp_listener {
  hd_stream s;
} hd_tcp_listener;

/* Binds and listens on host:port. host is a numeric IPv4 or IPv6 address
 * (no name lookup: it would block); NULL means 127.0.0.1. Port 0 picks an
 * ephemeral port (read it with hd_tcp_listener_port). SO_REUSEADDR is set.
 * 0, HD_EINVAL (bad host or NULL l), HD_EIO (bind/listen failed). */
int hd_tcp_listener_bind(hd_tcp_listener *l, const char *host, uint16_t port, int backlog);
/* The local port (> 0), or HD_EBADF / HD_EINVAL. */
int hd_tcp_listener_port(const hd_tcp_listener *l);
void hd_tcp_listener_close(hd_tcp_listener *l);

/* Accepts one connection into *out (a new stream with TCP_NODELAY).
 * Output `out`: 0 or HD_E*. Cancel-safe: a connection is taken from the
 * kernel only in the poll that completes, so a dropped accept loses
 * nothing. `stream` must be where the stream will live (it is registered
 * in place later). */
typedef struct HD_CANCEL_SAFE hd_accept {
  hd_future hd;
  int out;
  hd_tcp_listener *l;
  hd_stream *stream;
} hd_accept;
hd_future *hd_accept_init(hd_accept *a, hd_tcp_listener *l, hd_stream *stream) HD_CANCEL_SAFE;

/* Connects to host:port (numeric address; NULL = 127.0.0.1) into *stream,
 * which must be where the stream will live. Output `out`: 0 (stream open,
 * TCP_NODELAY) or HD_ECONNREFUSED, HD_EINVAL, HD_ETIMEDOUT, HD_EIO (stream
 * left closed). Cancel-safe in tokio's sense: dropping it closes the
 * half-open socket; only the attempt is lost (the peer may see a
 * connection that closes at once). */
typedef struct HD_CANCEL_SAFE hd_tcp_connect {
  hd_future hd;
  int out;
  hd_stream *stream;
  char host[64];
  uint16_t port;
  bool started;
} hd_tcp_connect;
hd_future *hd_tcp_connect_init(hd_tcp_connect *c, const char *host, uint16_t port,
                               hd_stream *stream) HD_CANCEL_SAFE;

/* ---- read / write (cancel-safe) ------------------------------------------ */

/* Reads at most cap bytes once some are available. Output `out`: bytes
 * read (0 = end of stream, or cap 0) or HD_E*. Cancel-safe: bytes leave
 * the kernel only in the poll that completes. */
typedef struct HD_CANCEL_SAFE hd_read {
  hd_future hd;
  ssize_t out;
  hd_stream *s;
  void *buf;
  size_t cap;
} hd_read;
hd_future *hd_read_init(hd_read *r, hd_stream *s, void *buf, size_t cap) HD_CANCEL_SAFE;

/* Writes some of buf (at least one byte unless len is 0) once the stream
 * is writable. Output `out`: bytes written or HD_E*. Cancel-safe. */
typedef struct HD_CANCEL_SAFE hd_write {
  hd_future hd;
  ssize_t out;
  hd_stream *s;
  const void *buf;
  size_t len;
} hd_write;
hd_future *hd_write_init(hd_write *w, hd_stream *s, const void *buf, size_t len) HD_CANCEL_SAFE;

/* ---- read_exact / read_line / read_to_end / write_all (NOT cancel-safe) -- */

/* Reads exactly len bytes into buf. Output `out`: 0, HD_EEOF (the stream
 * ended first; `done` bytes arrived), or HD_E*. NOT cancel-safe: if it is
 * dropped midway, the `done` bytes already read are consumed from the
 * stream and sit only in buf; the stream stays usable from the next byte. */
typedef struct HD_CANCEL_UNSAFE hd_read_exact {
  hd_future hd;
  int out;
  hd_stream *s;
  uint8_t *buf;
  size_t len;
  size_t done;
} hd_read_exact;
hd_future *hd_read_exact_init(hd_read_exact *r, hd_stream *s, void *buf,
                              size_t len) HD_CANCEL_UNSAFE;

/* Reads one line, up to and including '\n', into buf (NUL-terminated; at
 * most cap - 1 bytes). It never consumes bytes past the newline. Output
 * `out`: the line's length with its '\n' (0 at end of stream; a last line
 * without '\n' is returned as is), HD_ETOOBIG (cap - 1 bytes and no
 * newline: they stay in buf, `done` of them), HD_EINVAL (cap < 2) or HD_E*.
 * NOT cancel-safe: the bytes of a partly read line are lost with the
 * future. */
typedef struct HD_CANCEL_UNSAFE hd_read_line {
  hd_future hd;
  ssize_t out;
  hd_stream *s;
  char *buf;
  size_t cap;
  size_t done;
} hd_read_line;
hd_future *hd_read_line_init(hd_read_line *r, hd_stream *s, char *buf, size_t cap) HD_CANCEL_UNSAFE;

/* Reads until end of stream into a malloc'd buffer of at most max bytes.
 * Output `out`: 0 with `data`/`len` set (the caller then owns data and
 * frees it; data is NULL when len is 0), HD_ETOOBIG (more than max bytes),
 * or HD_E*. On error data is freed. NOT cancel-safe: dropping it frees
 * everything read so far, which is gone from the stream. */
typedef struct HD_CANCEL_UNSAFE hd_read_to_end {
  hd_future hd;
  int out;
  hd_stream *s;
  size_t max;
  uint8_t *data HD_OWNED;
  size_t len;
  size_t cap;
} hd_read_to_end;
hd_future *hd_read_to_end_init(hd_read_to_end *r, hd_stream *s, size_t max) HD_CANCEL_UNSAFE;

/* Writes all len bytes of buf. Output `out`: 0 or HD_E* (`done` bytes were
 * written before the error). NOT cancel-safe: a dropped write_all has sent
 * `done` bytes, and the peer may see half a message. */
typedef struct HD_CANCEL_UNSAFE hd_write_all {
  hd_future hd;
  int out;
  hd_stream *s;
  const uint8_t *buf;
  size_t len;
  size_t done;
} hd_write_all;
hd_future *hd_write_all_init(hd_write_all *w, hd_stream *s, const void *buf,
                             size_t len) HD_CANCEL_UNSAFE;

/* ---- length-prefixed frames ---------------------------------------------- */

/* A frame is a u32 big-endian length followed by that many bytes. */
#define HD_FRAME_HEADER 4

/* A buffered frame reader over a stream. Partial frames live in the
 * reader's buffer, not in the future, so read_frame is cancel-safe. Owned
 * by one task at a time. After an error (other than HD_ECLOSED at a frame
 * boundary, which also repeats) the reader is poisoned: every later
 * read_frame returns the same error, since the byte stream is no longer in
 * step with the frames. */
typedef struct HD_SEND hd_framed_reader {
  hd_stream *s;
  uint8_t *buf HD_OWNED;
  size_t cap;
  size_t start; /* first unconsumed byte */
  size_t end;   /* one past the last buffered byte */
  size_t max_frame;
  int err; /* sticky error, 0 while healthy */
} hd_framed_reader;

/* max_frame: the largest payload accepted (bytes). 0, HD_EINVAL, HD_ENOMEM. */
int hd_framed_reader_init(hd_framed_reader *fr, hd_stream *s, size_t max_frame);
/* Frees the buffer (does not close the stream). Idempotent. */
void hd_framed_reader_free(hd_framed_reader *fr);

/* Reads the next frame. Output `out`: 0 with `data`/`len` (the payload,
 * pointing into the reader's buffer, valid until the next read_frame is
 * polled on this reader); HD_ECLOSED (clean end of stream between frames);
 * HD_EEOF (end of stream inside a frame); HD_ETOOBIG (announced length
 * over max_frame); HD_E*. Cancel-safe: dropping it loses nothing; the next
 * read_frame continues where it stopped. */
typedef struct HD_CANCEL_SAFE hd_read_frame {
  hd_future hd;
  int out;
  hd_framed_reader *fr;
  const uint8_t *data;
  size_t len;
} hd_read_frame;
hd_future *hd_read_frame_init(hd_read_frame *f, hd_framed_reader *fr) HD_CANCEL_SAFE;

/* Writes one frame (header + payload, len <= UINT32_MAX). Output `out`: 0
 * or HD_E*. NOT cancel-safe: a dropped write_frame may leave half a frame
 * on the wire, after which the peer's framing is broken. */
typedef struct HD_CANCEL_UNSAFE hd_write_frame {
  hd_future hd;
  int out;
  hd_stream *s;
  const uint8_t *data;
  size_t len;
  uint8_t hdr[HD_FRAME_HEADER];
  size_t done; /* of HD_FRAME_HEADER + len */
} hd_write_frame;
hd_future *hd_write_frame_init(hd_write_frame *w, hd_stream *s, const void *data,
                               size_t len) HD_CANCEL_UNSAFE;

#ifdef __cplusplus
}
#endif
#endif
