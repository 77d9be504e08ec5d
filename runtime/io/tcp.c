/* TCP: the listener, the accept future and the connect future (see
 * heddle/io.h). Addresses are numeric only; nothing here blocks. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "io/stream_impl.h"

/* Parses a numeric IPv4/IPv6 host (NULL: 127.0.0.1). 0 or HD_EINVAL. */
static int make_addr(const char *host, uint16_t port, struct sockaddr_storage *ss, socklen_t *len) {
  memset(ss, 0, sizeof *ss);
  struct sockaddr_in *in4 = (struct sockaddr_in *)ss;
  struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)ss;
  if (!host)
    host = "127.0.0.1";
  if (inet_pton(AF_INET, host, &in4->sin_addr) == 1) {
    in4->sin_family = AF_INET;
    in4->sin_port = htons(port);
    *len = sizeof *in4;
    return 0;
  }
  if (inet_pton(AF_INET6, host, &in6->sin6_addr) == 1) {
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(port);
    *len = sizeof *in6;
    return 0;
  }
  return HD_EINVAL;
}

static void set_nodelay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

int hd_tcp_listener_bind(hd_tcp_listener *l, const char *host, uint16_t port, int backlog) {
  if (!l)
    return HD_EINVAL;
  hd__stream_adopt(&l->s, -1, true);
  struct sockaddr_storage ss;
  socklen_t len;
  if (make_addr(host, port, &ss, &len) < 0)
    return HD_EINVAL;
  int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return hd__errno_to_error(errno);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(fd, (struct sockaddr *)&ss, len) < 0 ||
      listen(fd, backlog > 0 ? backlog : SOMAXCONN) < 0) {
    int err = errno;
    close(fd);
    return err == EADDRINUSE || err == EACCES ? HD_EIO : hd__errno_to_error(err);
  }
  hd__stream_adopt(&l->s, fd, true);
  return 0;
}

int hd_tcp_listener_port(const hd_tcp_listener *l) {
  if (!l)
    return HD_EINVAL;
  if (l->s.fd < 0)
    return HD_EBADF;
  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  if (getsockname(l->s.fd, (struct sockaddr *)&ss, &len) < 0)
    return hd__errno_to_error(errno);
  if (ss.ss_family == AF_INET)
    return ntohs(((struct sockaddr_in *)&ss)->sin_port);
  return ntohs(((struct sockaddr_in6 *)&ss)->sin6_port);
}

void hd_tcp_listener_close(hd_tcp_listener *l) {
  if (l)
    hd_stream_close(&l->s);
}

/* ---- accept ---- */

/* One accept attempt: an fd, HD_E*, or HD__IO_PENDING. */
static ssize_t try_accept(hd_stream *s, hd_context *cx) {
  int rc = hd__stream_bind(s);
  if (rc < 0)
    return rc;
  while (hd__io_source_poll_read(&s->src, cx)) {
    if (s->fd < 0)
      return HD_EBADF;
    int fd = accept4(s->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0)
      return fd;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      hd__io_source_clear_read(&s->src);
      if (!s->src.reactor)
        return HD_ENORUNTIME; /* its runtime was freed: nothing would wake us */
    } else if (errno != EINTR && errno != ECONNABORTED && errno != EPROTO)
      return hd__errno_to_error(errno);
    /* else a connection died in the queue, or EINTR: try the next */
  }
  return HD__IO_PENDING;
}

static hd_poll accept_poll(hd_future *self, hd_context *cx) {
  hd_accept *a = (hd_accept *)self;
  if (!a->l || !a->stream) {
    a->out = HD_EINVAL;
    return HD_READY;
  }
  ssize_t fd = try_accept(&a->l->s, cx);
  if (fd == HD__IO_PENDING)
    return HD_PENDING;
  if (fd < 0) {
    a->out = (int)fd;
    return HD_READY;
  }
  set_nodelay((int)fd);
  hd__stream_adopt(a->stream, (int)fd, true);
  a->out = 0;
  return HD_READY;
}

/* Cancelled: no connection was taken; withdraw the stored waker. */
static void accept_drop(hd_future *self) {
  hd_accept *a = (hd_accept *)self;
  if (a->l)
    hd__stream_forget_read(&a->l->s);
}

static const hd_future_vtable accept_vtable = {"hd_accept", accept_poll, accept_drop,
                                               sizeof(hd_accept)};

hd_future *hd_accept_init(hd_accept *a, hd_tcp_listener *l, hd_stream *stream) {
  hd_future_init(&a->hd, &accept_vtable);
  a->out = 0;
  a->l = l;
  a->stream = stream;
  return &a->hd;
}

/* ---- connect ---- */

static hd_poll connect_fail(hd_tcp_connect *c, int err) {
  if (c->stream)
    hd_stream_close(c->stream);
  c->out = err;
  return HD_READY;
}

static hd_poll connect_poll(hd_future *self, hd_context *cx) {
  hd_tcp_connect *c = (hd_tcp_connect *)self;
  if (!c->stream) {
    c->out = HD_EINVAL;
    return HD_READY;
  }
  if (!c->started) {
    c->started = true;
    hd__stream_adopt(c->stream, -1, true);
    if (!hd__reactor_current())
      return connect_fail(c, HD_ENORUNTIME);
    struct sockaddr_storage ss;
    socklen_t len;
    if (make_addr(c->host[0] ? c->host : NULL, c->port, &ss, &len) < 0)
      return connect_fail(c, HD_EINVAL);
    int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
      return connect_fail(c, hd__errno_to_error(errno));
    hd__stream_adopt(c->stream, fd, true);
    int rc;
    do
      rc = connect(fd, (struct sockaddr *)&ss, len);
    while (rc < 0 && errno == EINTR);
    if (rc < 0 && errno != EINPROGRESS)
      return connect_fail(c, hd__errno_to_error(errno));
    int brc = hd__stream_bind(c->stream);
    if (brc < 0)
      return connect_fail(c, brc);
  }
  /* Writable means connected or failed; the registration starts
   * optimistic, so a socket still connecting is recognised (ENOTCONN from
   * getpeername) and its readiness cleared. */
  hd__io_source *src = &c->stream->src;
  while (hd__io_source_poll_write(src, cx)) {
    if (c->stream->fd < 0)
      return connect_fail(c, HD_EBADF);
    int err = 0;
    socklen_t elen = sizeof err;
    if (getsockopt(c->stream->fd, SOL_SOCKET, SO_ERROR, &err, &elen) < 0)
      err = errno;
    if (err)
      return connect_fail(c, hd__errno_to_error(err));
    struct sockaddr_storage peer;
    socklen_t plen = sizeof peer;
    if (getpeername(c->stream->fd, (struct sockaddr *)&peer, &plen) == 0) {
      set_nodelay(c->stream->fd);
      c->out = 0;
      return HD_READY;
    }
    if (errno != ENOTCONN)
      return connect_fail(c, hd__errno_to_error(errno));
    hd__io_source_clear_write(src);
    if (!src->reactor)
      return connect_fail(c, HD_ENORUNTIME);
  }
  return HD_PENDING;
}

/* Dropped unfinished: the half-open socket is closed. */
static void connect_drop(hd_future *self) {
  hd_tcp_connect *c = (hd_tcp_connect *)self;
  if (c->started && c->stream)
    hd_stream_close(c->stream);
}

static const hd_future_vtable connect_vtable = {"hd_tcp_connect", connect_poll, connect_drop,
                                                sizeof(hd_tcp_connect)};

hd_future *hd_tcp_connect_init(hd_tcp_connect *c, const char *host, uint16_t port,
                               hd_stream *stream) {
  hd_future_init(&c->hd, &connect_vtable);
  c->out = 0;
  c->stream = stream;
  c->port = port;
  c->started = false;
  c->host[0] = '\0';
  if (host) {
    size_t n = strlen(host);
    if (n == 0 || n >= sizeof c->host)
      memcpy(c->host, "?", 2); /* not a numeric address: the poll says HD_EINVAL */
    else
      memcpy(c->host, host, n + 1);
  }
  return &c->hd;
}
