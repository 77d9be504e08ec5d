/* The in-memory network: heddle/io.h's streams, pipes, socket pairs and
 * TCP on 127.0.0.1 as byte queues, in place of runtime/io/stream.c and
 * tcp.c. The real I/O futures (read_write.c, read_exact.c, read_line.c,
 * read_to_end.c, write_all.c, framed.c) are compiled in as they are: they
 * only call the hd__stream_try_* functions of stream_impl.h defined here.
 *
 * A stream's fd is FD_BASE + the index of its end in this execution's end
 * table (so the struct may be copied before it is polled, as with real
 * fds); an end reads one direction (a `chan`) and writes the other. Every
 * read, peek, write and close is a visible operation on the direction it
 * touches, so DPOR orders the reader against the writer and the closer. A
 * read of m available bytes returns a number of bytes chosen by the
 * scheduler (hd__choose): all m (first), 1, or m/2, as HEDDLE_READ_SPLIT
 * allows (0: always all; 1: all or 1; 2, the default: all, 1 or m/2).
 * Writes move as much as fits (a direction holds CHAN_CAP bytes); a full
 * direction makes the writer wait. A write happens before the read that
 * gets its bytes (race detector). TCP: bind registers a port (0 picks one
 * from 40000 up); connect succeeds at once when a listener has room in its
 * backlog (HD_ECONNREFUSED otherwise) and queues the server end for
 * accept. Real fds are not modelled (hd_stream_from_fd: HD_EBADF).
 *
 * Direction states: open -> write side closed (reader gets the bytes left,
 * then 0) / read side closed (writes fail with HD_ECLOSED). Everything
 * lives in the per-execution arena and is forgotten at the next reset.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ext.h"
#include "io/stream_impl.h"
#include "objmap.h"
#include "race.h"

#define FD_BASE (1 << 20)
#define MAX_ENDS 128
#define MAX_LISTENERS 8
#define BACKLOG 8
#define CHAN_CAP 4096
#define PC __builtin_return_address(0)

typedef struct chan {
  uint8_t buf[CHAN_CAP];
  size_t head, len;
  bool wclosed; /* the writing end closed or shut down: end of stream after the bytes */
  bool rclosed; /* the reading end closed: writes fail */
  hd_waker rwaker, wwaker;
  hd__vc clock;
} chan;

enum { PIPE_RD, PIPE_WR, PAIR, TCP_CLIENT, TCP_SERVER, LISTENER };

typedef struct end {
  chan *rx, *tx;
  uint8_t kind;
  unsigned id; /* pipe / pair / connection number */
  uint16_t port;
} end;

typedef struct listener {
  uint16_t port;
  bool open;
  unsigned n, conn_ids;
  int backlog[BACKLOG]; /* server end indices, FIFO */
  hd_waker waker;       /* the accept waiting for a connection */
} listener;

static struct {
  end *ends[MAX_ENDS];
  unsigned nends, npipes, npairs, nconns;
  listener ls[MAX_LISTENERS];
  unsigned nls;
  uint16_t next_port;
  char tcp_obj; /* the object of every TCP operation */
} net;

static int split_mode = -1;

void hd__net_reset(void) {
  memset(&net, 0, sizeof net);
  net.next_port = 40000;
  if (split_mode < 0) {
    const char *e = getenv("HEDDLE_READ_SPLIT");
    split_mode = e && *e >= '0' && *e <= '2' ? *e - '0' : 2;
  }
}

static int new_end(uint8_t kind, chan *rx, chan *tx, unsigned id) {
  if (net.nends == MAX_ENDS)
    return -1;
  end *e = hd__arena_alloc(sizeof *e);
  if (!e)
    return -1;
  *e = (end){rx, tx, kind, id, 0};
  net.ends[net.nends] = e;
  return (int)net.nends++;
}

static end *end_of(const hd_stream *s) {
  if (!s || s->fd < FD_BASE || s->fd >= FD_BASE + (int)net.nends)
    return NULL;
  return net.ends[s->fd - FD_BASE];
}

static void adopt(hd_stream *s, int idx, bool is_socket) {
  *s = (hd_stream){.fd = idx < 0 ? -1 : FD_BASE + idx, .is_socket = is_socket};
  atomic_init(&s->bound, 0);
}

void hd__net_describe(const void *stream, char *buf, size_t len) {
  const hd_stream *s = stream;
  end *e = end_of(s);
  if (!e) {
    snprintf(buf, len, "stream %p (closed)", stream);
    return;
  }
  switch (e->kind) {
  case PIPE_RD:
  case PIPE_WR:
    snprintf(buf, len, "pipe %u (%s end)", e->id, e->kind == PIPE_RD ? "read" : "write");
    break;
  case PAIR:
    snprintf(buf, len, "socketpair %u (end %c)", e->id, e->rx && e->port ? 'b' : 'a');
    break;
  default:
    snprintf(buf, len, "tcp 127.0.0.1:%u connection %u (%s end)", e->port, e->id,
             e->kind == TCP_SERVER ? "server" : "client");
  }
}

/* ---- streams ---- */

int hd_stream_from_fd(hd_stream *s, int fd) {
  if (!s)
    return HD_EINVAL;
  adopt(s, -1, false);
  return HD_EBADF;
}

int hd_pipe(hd_stream *rd, hd_stream *wr) {
  if (!rd || !wr)
    return HD_EINVAL;
  chan *c = hd__arena_alloc(sizeof *c);
  unsigned id = ++net.npipes;
  int a = c ? new_end(PIPE_RD, c, NULL, id) : -1;
  int b = a >= 0 ? new_end(PIPE_WR, NULL, c, id) : -1;
  if (b < 0)
    return HD_ENOMEM;
  adopt(rd, a, false);
  adopt(wr, b, false);
  return 0;
}

static int pair(uint8_t kind, unsigned id, uint16_t port, int *a, int *b) {
  chan *ab = hd__arena_alloc(sizeof *ab), *ba = hd__arena_alloc(sizeof *ba);
  if (!ab || !ba)
    return HD_ENOMEM;
  *a = new_end(kind == PAIR ? PAIR : TCP_CLIENT, ba, ab, id);
  *b = *a >= 0 ? new_end(kind == PAIR ? PAIR : TCP_SERVER, ab, ba, id) : -1;
  if (*b < 0)
    return HD_ENOMEM;
  net.ends[*a]->port = port;
  net.ends[*b]->port = port ? port : 1; /* socketpair: marks end b */
  return 0;
}

int hd_socketpair(hd_stream *a, hd_stream *b) {
  if (!a || !b)
    return HD_EINVAL;
  int ia, ib, rc = pair(PAIR, ++net.npairs, 0, &ia, &ib);
  if (rc)
    return rc;
  adopt(a, ia, true);
  adopt(b, ib, true);
  return 0;
}

static void chan_op(chan *c, hd__op_kind kind, const void *pc) {
  if (hd__sched_active())
    hd__sched_point((hd__op){(uintptr_t)c, (uint8_t)kind}, pc);
}

/* The writing side of c is gone: the reader sees end of stream. */
static void close_write(chan *c, const void *pc) {
  chan_op(c, HD__OP_STREAM_CLOSE, pc);
  c->wclosed = true;
  hd_waker_wake(&c->rwaker);
  hd_waker_wake(&c->wwaker); /* our own write waiting: it sees the close */
}

static void close_read(chan *c, const void *pc) {
  chan_op(c, HD__OP_STREAM_CLOSE, pc);
  c->rclosed = true;
  hd_waker_wake(&c->wwaker);
  hd_waker_wake(&c->rwaker);
}

void hd_stream_close(hd_stream *s) {
  end *e = end_of(s);
  if (!s || s->fd < 0)
    return;
  s->fd = -1;
  if (!e)
    return;
  const void *pc = PC;
  if (e->tx)
    close_write(e->tx, pc);
  if (e->rx)
    close_read(e->rx, pc);
}

int hd_stream_shutdown_write(hd_stream *s) {
  if (!s || !s->is_socket)
    return HD_EINVAL;
  end *e = end_of(s);
  if (!e)
    return HD_EBADF;
  if (e->tx)
    close_write(e->tx, PC);
  return 0;
}

int hd_stream_fd(const hd_stream *s) {
  return s ? s->fd : -1;
}

int hd__stream_bind(hd_stream *s) {
  if (!s)
    return HD_EINVAL;
  if (!end_of(s))
    return HD_EBADF;
  return hd__reactor_current() ? 0 : HD_ENORUNTIME;
}

/* How many of m available bytes a read gets (see the file comment). */
static size_t split(size_t m, const void *pc) {
  size_t opt[3] = {m, 1, m / 2};
  unsigned n = m < 2 || split_mode == 0 ? 1 : (m < 3 || split_mode == 1 ? 2 : 3);
  return opt[hd__choose(n, pc)];
}

static ssize_t try_read(hd_stream *s, void *buf, size_t cap, hd_context *cx, bool peek,
                        const void *pc) {
  int rc = hd__stream_bind(s);
  if (rc < 0)
    return rc;
  end *e = end_of(s);
  chan *c = e->rx;
  if (!c)
    return HD_EBADF;
  chan_op(c, HD__OP_STREAM_READ, pc);
  if (s->fd < 0)
    return HD_EBADF;
  if (cap == 0)
    return 0;
  if (c->len == 0) {
    if (c->wclosed)
      return 0;
    hd_waker_register(&c->rwaker, cx);
    return HD__IO_PENDING;
  }
  size_t m = c->len < cap ? c->len : cap;
  size_t n = peek ? m : split(m, pc);
  for (size_t i = 0; i < n; i++)
    ((uint8_t *)buf)[i] = c->buf[(c->head + i) % CHAN_CAP];
  hd__race_acquire(hd__sched_self(), c->clock);
  if (!peek) {
    c->head = (c->head + n) % CHAN_CAP;
    c->len -= n;
    hd_waker_wake(&c->wwaker);
  }
  return (ssize_t)n;
}

ssize_t hd__stream_try_read(hd_stream *s, void *buf, size_t cap, hd_context *cx) {
  return try_read(s, buf, cap, cx, false, PC);
}

ssize_t hd__stream_try_peek(hd_stream *s, void *buf, size_t cap, hd_context *cx) {
  return try_read(s, buf, cap, cx, true, PC);
}

static ssize_t try_writev(hd_stream *s, const struct iovec *iov, int iovcnt, hd_context *cx,
                          const void *pc) {
  int rc = hd__stream_bind(s);
  if (rc < 0)
    return rc;
  end *e = end_of(s);
  chan *c = e->tx;
  if (!c)
    return HD_EBADF;
  chan_op(c, HD__OP_STREAM_WRITE, pc);
  if (s->fd < 0)
    return HD_EBADF;
  if (c->rclosed || c->wclosed)
    return HD_ECLOSED;
  size_t total = 0;
  for (int i = 0; i < iovcnt; i++)
    total += iov[i].iov_len;
  if (total == 0)
    return 0;
  if (c->len == CHAN_CAP) {
    hd_waker_register(&c->wwaker, cx);
    return HD__IO_PENDING;
  }
  size_t n = 0;
  for (int i = 0; i < iovcnt && c->len < CHAN_CAP; i++)
    for (size_t k = 0; k < iov[i].iov_len && c->len < CHAN_CAP; k++, n++)
      c->buf[(c->head + c->len++) % CHAN_CAP] = ((const uint8_t *)iov[i].iov_base)[k];
  hd__race_release(hd__sched_self(), c->clock, true);
  hd_waker_wake(&c->rwaker);
  return (ssize_t)n;
}

ssize_t hd__stream_try_writev(hd_stream *s, const struct iovec *iov, int iovcnt, hd_context *cx) {
  return try_writev(s, iov, iovcnt, cx, PC);
}

ssize_t hd__stream_try_write(hd_stream *s, const void *buf, size_t len, hd_context *cx) {
  struct iovec iov = {(void *)buf, len};
  return try_writev(s, &iov, 1, cx, PC);
}

/* The drop hooks of the I/O futures withdraw the waker they left. */
void hd__stream_forget_read(hd_stream *s);
void hd__stream_forget_write(hd_stream *s);

void hd__stream_forget_read(hd_stream *s) {
  end *e = s && s->fd >= 0 ? end_of(s) : NULL;
  if (e && e->rx)
    hd_waker_drop(&e->rx->rwaker);
}

void hd__stream_forget_write(hd_stream *s) {
  end *e = s && s->fd >= 0 ? end_of(s) : NULL;
  if (e && e->tx)
    hd_waker_drop(&e->tx->wwaker);
}

/* ---- TCP ---- */

static void tcp_op(const void *pc) {
  if (hd__sched_active())
    hd__sched_point((hd__op){(uintptr_t)&net.tcp_obj, HD__OP_TCP}, pc);
}

static bool numeric_host(const char *host) {
  unsigned char addr[16];
  return !host || inet_pton(AF_INET, host, addr) == 1 || inet_pton(AF_INET6, host, addr) == 1;
}

static listener *listener_of(const hd_tcp_listener *l) {
  if (!l || l->s.fd < FD_BASE || l->s.fd >= FD_BASE + (int)net.nends)
    return NULL;
  end *e = net.ends[l->s.fd - FD_BASE];
  return e->kind == LISTENER ? &net.ls[e->id] : NULL;
}

int hd_tcp_listener_bind(hd_tcp_listener *l, const char *host, uint16_t port, int backlog) {
  if (!l)
    return HD_EINVAL;
  adopt(&l->s, -1, true);
  if (!numeric_host(host))
    return HD_EINVAL;
  tcp_op(PC);
  if (port == 0)
    port = net.next_port++;
  for (unsigned i = 0; i < net.nls; i++)
    if (net.ls[i].open && net.ls[i].port == port)
      return HD_EIO; /* address in use */
  if (net.nls == MAX_LISTENERS)
    return HD_EIO;
  int idx = new_end(LISTENER, NULL, NULL, net.nls);
  if (idx < 0)
    return HD_ENOMEM;
  net.ls[net.nls++] = (listener){.port = port, .open = true};
  adopt(&l->s, idx, true);
  return 0;
}

int hd_tcp_listener_port(const hd_tcp_listener *l) {
  if (!l)
    return HD_EINVAL;
  listener *ls = listener_of(l);
  return ls && ls->open ? ls->port : HD_EBADF;
}

void hd_tcp_listener_close(hd_tcp_listener *l) {
  listener *ls = listener_of(l);
  if (!ls || !ls->open)
    return;
  const void *pc = PC;
  tcp_op(pc);
  ls->open = false;
  l->s.fd = -1;
  /* Connections never accepted are reset: their client sees the end. */
  for (unsigned i = 0; i < ls->n; i++) {
    end *e = net.ends[ls->backlog[i]];
    close_write(e->tx, pc);
    close_read(e->rx, pc);
  }
  ls->n = 0;
  hd_waker_wake(&ls->waker);
}

static hd_poll accept_poll(hd_future *self, hd_context *cx) {
  hd_accept *a = (hd_accept *)self;
  listener *ls = listener_of(a->l);
  if (!a->stream || !a->l) {
    a->out = HD_EINVAL;
    return HD_READY;
  }
  if (!hd__reactor_current()) {
    a->out = HD_ENORUNTIME;
    return HD_READY;
  }
  tcp_op((const char *)accept_poll + 1);
  if (!ls || !ls->open) {
    a->out = HD_EBADF;
    return HD_READY;
  }
  if (!ls->n) {
    hd_waker_register(&ls->waker, cx);
    return HD_PENDING;
  }
  int idx = ls->backlog[0];
  memmove(ls->backlog, ls->backlog + 1, --ls->n * sizeof ls->backlog[0]);
  adopt(a->stream, idx, true);
  a->out = 0;
  return HD_READY;
}

static const hd_future_vtable accept_vtable = {"hd_accept", accept_poll, NULL, sizeof(hd_accept)};

hd_future *hd_accept_init(hd_accept *a, hd_tcp_listener *l, hd_stream *stream) {
  hd_future_init(&a->hd, &accept_vtable);
  a->out = 0;
  a->l = l;
  a->stream = stream;
  return &a->hd;
}

static hd_poll connect_poll(hd_future *self, hd_context *cx) {
  hd_tcp_connect *c = (hd_tcp_connect *)self;
  if (!c->stream) {
    c->out = HD_EINVAL;
    return HD_READY;
  }
  adopt(c->stream, -1, true);
  if (!numeric_host(c->host[0] ? c->host : NULL)) {
    c->out = HD_EINVAL;
    return HD_READY;
  }
  if (!hd__reactor_current()) {
    c->out = HD_ENORUNTIME;
    return HD_READY;
  }
  tcp_op((const char *)connect_poll + 1);
  c->started = true;
  listener *ls = NULL;
  for (unsigned i = 0; i < net.nls; i++)
    if (net.ls[i].open && net.ls[i].port == c->port)
      ls = &net.ls[i];
  if (!ls || ls->n == BACKLOG) {
    c->out = HD_ECONNREFUSED;
    return HD_READY;
  }
  int client, server, rc = pair(TCP_CLIENT, ++net.nconns, c->port, &client, &server);
  if (rc) {
    c->out = rc;
    return HD_READY;
  }
  ls->backlog[ls->n++] = server;
  hd_waker_wake(&ls->waker);
  adopt(c->stream, client, true);
  c->out = 0;
  return HD_READY;
}

static const hd_future_vtable connect_vtable = {"hd_tcp_connect", connect_poll, NULL,
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
      memcpy(c->host, "?", 2);
    else
      memcpy(c->host, host, n + 1);
  }
  return &c->hd;
}
