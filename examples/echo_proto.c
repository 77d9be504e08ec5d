/* The frame echo protocol shared by the echo examples (see echo_proto.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "echo_proto.h"

/* ---- server: one connection ---- */

static void echo_serve_conn_drop(hd_future *self) {
  echo_serve_conn *f = (echo_serve_conn *)self;
  hd_framed_reader_free(&f->fr);
  hd_stream_close(&f->s);
}

HD_ASYNC(echo_serve_conn, f, cx, echo_serve_conn_drop) {
  f->out = hd_framed_reader_init(&f->fr, &f->s, ECHO_MAX_FRAME);
  while (f->out == 0) {
    /* Cancel-safe under a timeout: a partial frame stays in the reader. */
    HD_AWAIT(f, cx, hd_timeout_init(&f->to, hd_read_frame_init(&f->rf, &f->fr), f->idle_ms));
    f->out = f->to.out < 0 ? f->to.out : f->rf.out;
    if (f->out < 0)
      break;
    HD_AWAIT(f, cx, hd_write_frame_init(&f->w, &f->s, f->rf.data, f->rf.len));
    f->out = f->w.out;
  }
  if (f->out == HD_ECLOSED)
    f->out = 0; /* the client said goodbye between frames */
  hd_framed_reader_free(&f->fr);
  hd_stream_close(&f->s);
}
HD_ASYNC_END(f)

hd_future *echo_serve_conn_init(echo_serve_conn *f, const hd_stream *s, uint64_t idle_ms) {
  HD_ASYNC_INIT(f, echo_serve_conn);
  f->s = *s; /* the frame has not been polled: the stream may still move */
  f->idle_ms = idle_ms;
  return &f->hd;
}

/* ---- server: the accept loop ---- */

/* Cancelled: the connection tasks still joined here are detached. */
static void echo_accept_loop_drop(hd_future *self) {
  echo_accept_loop *f = (echo_accept_loop *)self;
  for (unsigned i = 0; i < f->served; i++)
    if (f->h[i])
      hd_join_handle_drop(f->h[i]);
  f->served = 0;
}

HD_ASYNC(echo_accept_loop, f, cx, echo_accept_loop_drop) {
  while (f->max_conns == 0 || f->served < f->max_conns) {
    HD_AWAIT(f, cx, hd_accept_init(&f->a, f->l, &f->s));
    if (f->a.out < 0) {
      f->out = f->a.out;
      break;
    }
    echo_serve_conn conn;
    echo_serve_conn_init(&conn, &f->s, f->idle_ms);
    hd_join_handle *h = hd_spawn(&conn.hd);
    if (!h) {
      hd_stream_close(&f->s);
      f->out = HD_ENOMEM;
      break;
    }
    if (f->max_conns)
      f->h[f->served++] = h;
    else
      hd_join_handle_drop(h); /* detached: it closes its own stream */
  }
  /* A bounded server ends when its connections have ended. */
  for (f->i = 0; f->i < f->served; f->i++) {
    HD_AWAIT(f, cx, hd_join_init(&f->j, f->h[f->i]));
    int conn_out = f->j.err < 0 ? f->j.err : ((echo_serve_conn *)f->j.task)->out;
    if (f->out == 0)
      f->out = conn_out;
    hd_join_handle_drop(f->h[f->i]);
    f->h[f->i] = NULL;
  }
  f->served = 0;
}
HD_ASYNC_END(f)

hd_future *echo_accept_loop_init(echo_accept_loop *f, hd_tcp_listener *l, unsigned max_conns,
                                 uint64_t idle_ms) {
  HD_ASYNC_INIT(f, echo_accept_loop);
  f->l = l;
  f->max_conns = max_conns > ECHO_MAX_CONNS ? ECHO_MAX_CONNS : max_conns;
  f->idle_ms = idle_ms;
  return &f->hd;
}

/* ---- client ---- */

static void echo_client_drop(hd_future *self) {
  echo_client *f = (echo_client *)self;
  hd_framed_reader_free(&f->fr);
  hd_stream_close(&f->s);
}

HD_ASYNC(echo_client, f, cx, echo_client_drop) {
  HD_AWAIT(f, cx, hd_tcp_connect_init(&f->c, "127.0.0.1", f->port, &f->s));
  f->out = f->c.out;
  if (f->out == 0)
    f->out = hd_framed_reader_init(&f->fr, &f->s, ECHO_MAX_FRAME);
  while (f->out == 0 && f->echoed < f->frames) {
    for (unsigned i = 0; i < f->size; i++)
      f->msg[i] = (uint8_t)(f->echoed * 13 + i);
    HD_AWAIT(f, cx, hd_write_frame_init(&f->w, &f->s, f->msg, f->size));
    f->out = f->w.out;
    if (f->out < 0)
      break;
    HD_AWAIT(f, cx,
             hd_timeout_init(&f->to, hd_read_frame_init(&f->rf, &f->fr), f->frame_timeout_ms));
    f->out = f->to.out < 0 ? f->to.out : f->rf.out;
    if (f->out == 0 && (f->rf.len != f->size || memcmp(f->rf.data, f->msg, f->size) != 0))
      f->out = HD_EIO; /* a wrong echo */
    if (f->out == 0)
      f->echoed++;
  }
  hd_framed_reader_free(&f->fr);
  hd_stream_close(&f->s);
}
HD_ASYNC_END(f)

hd_future *echo_client_init(echo_client *f, uint16_t port, unsigned frames, unsigned size,
                            uint64_t frame_timeout_ms) {
  HD_ASYNC_INIT(f, echo_client);
  f->port = port;
  f->frames = frames;
  f->size = size > ECHO_MAX_FRAME ? ECHO_MAX_FRAME : size;
  f->frame_timeout_ms = frame_timeout_ms;
  return &f->hd;
}

/* ---- command line ---- */

hd_runtime *echo_runtime_from_args(int argc, char **argv, int *next) {
  bool multi = false;
  unsigned workers = 0;
  int i = 1;
  for (; i < argc; i++) {
    if (strcmp(argv[i], "--current") == 0)
      multi = false;
    else if (strcmp(argv[i], "--multi") == 0)
      multi = true;
    else if (strcmp(argv[i], "--workers") == 0 && i + 1 < argc)
      workers = (unsigned)strtoul(argv[++i], NULL, 10);
    else
      break;
  }
  *next = i;
  return multi ? hd_runtime_new_multi_thread(workers) : hd_runtime_new_current_thread();
}
