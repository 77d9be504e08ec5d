/* Streams: constructors, close, lazy registration and the syscall
 * attempts every I/O future is built from (see heddle/io.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "io/stream_impl.h"

int hd__errno_to_error(int err) {
  switch (err) {
  case ECONNRESET:
  case ECONNABORTED:
    return HD_ECONNRESET;
  case EPIPE:
  case ENOTCONN:
  case ESHUTDOWN:
    return HD_ECLOSED;
  case EBADF:
  case ENOTSOCK:
    return HD_EBADF;
  case ECONNREFUSED:
    return HD_ECONNREFUSED;
  case ETIMEDOUT:
    return HD_ETIMEDOUT;
  case ENOMEM:
  case ENOBUFS:
    return HD_ENOMEM;
  case EINVAL:
  case EFAULT:
    return HD_EINVAL;
  default:
    return HD_EIO;
  }
}

void hd__stream_adopt(hd_stream *s, int fd, bool is_socket) {
  *s = (hd_stream){.fd = fd, .is_socket = is_socket};
  atomic_init(&s->bound, 0);
}

int hd_stream_from_fd(hd_stream *s, int fd) {
  if (!s)
    return HD_EINVAL;
  hd__stream_adopt(s, -1, false);
  struct stat st;
  int flags = fd < 0 ? -1 : fcntl(fd, F_GETFL);
  if (flags < 0 || fstat(fd, &st) < 0)
    return HD_EBADF;
  if (fcntl(fd, F_SETFL, flags | O_NONBLOCK) < 0 || fcntl(fd, F_SETFD, FD_CLOEXEC) < 0)
    return hd__errno_to_error(errno);
  hd__stream_adopt(s, fd, S_ISSOCK(st.st_mode));
  return 0;
}

int hd_pipe(hd_stream *rd, hd_stream *wr) {
  if (!rd || !wr)
    return HD_EINVAL;
  int fds[2];
  if (pipe2(fds, O_NONBLOCK | O_CLOEXEC) < 0)
    return hd__errno_to_error(errno);
  hd__stream_adopt(rd, fds[0], false);
  hd__stream_adopt(wr, fds[1], false);
  return 0;
}

int hd_socketpair(hd_stream *a, hd_stream *b) {
  if (!a || !b)
    return HD_EINVAL;
  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) < 0)
    return hd__errno_to_error(errno);
  hd__stream_adopt(a, fds[0], true);
  hd__stream_adopt(b, fds[1], true);
  return 0;
}

void hd_stream_close(hd_stream *s) {
  if (!s || s->fd < 0)
    return;
  int fd = s->fd;
  s->fd = -1;
  hd__io_source_deregister(&s->src);
  close(fd);
}

int hd_stream_shutdown_write(hd_stream *s) {
  if (!s || !s->is_socket)
    return HD_EINVAL;
  if (s->fd < 0)
    return HD_EBADF;
  return shutdown(s->fd, SHUT_WR) < 0 ? hd__errno_to_error(errno) : 0;
}

int hd_stream_fd(const hd_stream *s) {
  return s ? s->fd : -1;
}

void hd__stream_forget_read(hd_stream *s) {
  if (s && s->fd >= 0 && atomic_load_explicit(&s->bound, memory_order_acquire) == 2)
    hd__io_source_forget_read(&s->src);
}

void hd__stream_forget_write(hd_stream *s) {
  if (s && s->fd >= 0 && atomic_load_explicit(&s->bound, memory_order_acquire) == 2)
    hd__io_source_forget_write(&s->src);
}

int hd__stream_bind(hd_stream *s) {
  if (!s)
    return HD_EINVAL;
  if (s->fd < 0)
    return HD_EBADF;
  int state = atomic_load_explicit(&s->bound, memory_order_acquire);
  if (state == 2)
    return s->bind_err;
  hd__reactor *r = hd__reactor_current();
  if (!r)
    return HD_ENORUNTIME;
  int expected = 0;
  if (atomic_compare_exchange_strong(&s->bound, &expected, 1)) {
    s->bind_err = hd__io_source_register(r, &s->src, s->fd);
    atomic_store_explicit(&s->bound, 2, memory_order_release);
    return s->bind_err;
  }
  /* Another thread is registering it right now: a few instructions. */
  while (atomic_load_explicit(&s->bound, memory_order_acquire) != 2)
    sched_yield();
  return s->bind_err;
}

/* The shape of every attempt: check readiness, try, clear on EAGAIN. A
 * transfer shorter than `want` bytes, with clear_short, (but not 0) drained the kernel buffer
 * (or filled it): readiness is cleared at once, which saves the syscall
 * that would only say EAGAIN (tokio does the same). The clear keeps any
 * event that arrived meanwhile, so nothing is missed. */
#define TRY_IO(s, cx, poll_fn, clear_fn, clear_short, want, syscall)                               \
  do {                                                                                             \
    int rc_ = hd__stream_bind(s);                                                                  \
    if (rc_ < 0)                                                                                   \
      return rc_;                                                                                  \
    while (poll_fn(&(s)->src, (cx))) {                                                             \
      if ((s)->fd < 0)                                                                             \
        return HD_EBADF;                                                                           \
      ssize_t n_ = (syscall);                                                                      \
      if (n_ >= 0) {                                                                               \
        if ((clear_short) && n_ > 0 && (size_t)n_ < (want))                                        \
          clear_fn(&(s)->src);                                                                     \
        return n_;                                                                                 \
      }                                                                                            \
      if (errno == EINTR)                                                                          \
        continue;                                                                                  \
      if (errno == EAGAIN || errno == EWOULDBLOCK) {                                               \
        clear_fn(&(s)->src);                                                                       \
        if (!(s)->src.reactor)                                                                     \
          return HD_ENORUNTIME; /* its runtime was freed: nothing would wake us */                 \
        continue;                                                                                  \
      }                                                                                            \
      return hd__errno_to_error(errno);                                                            \
    }                                                                                              \
    return HD__IO_PENDING;                                                                         \
  } while (0)

ssize_t hd__stream_try_read(hd_stream *s, void *buf, size_t cap, hd_context *cx) {
  TRY_IO(s, cx, hd__io_source_poll_read, hd__io_source_clear_read, true, cap,
         read(s->fd, buf, cap));
}

ssize_t hd__stream_try_peek(hd_stream *s, void *buf, size_t cap, hd_context *cx) {
  /* A peek consumes nothing: never a reason to clear. */
  TRY_IO(s, cx, hd__io_source_poll_read, hd__io_source_clear_read, false, cap,
         recv(s->fd, buf, cap, MSG_PEEK));
}

/* writev on a pipe with SIGPIPE blocked on this thread; a SIGPIPE the
 * write raised is consumed before the mask is restored. */
static ssize_t pipe_writev(int fd, const struct iovec *iov, int iovcnt) {
  sigset_t pipe_set, old;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
  ssize_t n = writev(fd, iov, iovcnt);
  int err = errno;
  if (n < 0 && err == EPIPE) {
    const struct timespec zero = {0, 0};
    while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR)
      ;
  }
  pthread_sigmask(SIG_SETMASK, &old, NULL);
  errno = err;
  return n;
}

static ssize_t do_writev(hd_stream *s, const struct iovec *iov, int iovcnt) {
  if (!s->is_socket)
    return pipe_writev(s->fd, iov, iovcnt);
  struct msghdr msg = {.msg_iov = (struct iovec *)iov, .msg_iovlen = (size_t)iovcnt};
  return sendmsg(s->fd, &msg, MSG_NOSIGNAL);
}

ssize_t hd__stream_try_writev(hd_stream *s, const struct iovec *iov, int iovcnt, hd_context *cx) {
  size_t total = 0;
  for (int i = 0; i < iovcnt; i++)
    total += iov[i].iov_len;
  TRY_IO(s, cx, hd__io_source_poll_write, hd__io_source_clear_write, true, total,
         do_writev(s, iov, iovcnt));
}

ssize_t hd__stream_try_write(hd_stream *s, const void *buf, size_t len, hd_context *cx) {
  struct iovec iov = {(void *)buf, len};
  return hd__stream_try_writev(s, &iov, 1, cx);
}
