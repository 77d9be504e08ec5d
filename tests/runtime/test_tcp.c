/* TCP on 127.0.0.1: listener, accept (cancel-safe), connect, echo between
 * tasks, refused connections, peer reset, bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include <cmocka.h>

#include "heddle/combinators.h"
#include "heddle/io.h"
#include "heddle/runtime.h"
#include "heddle/time.h"
#include "io_harness.h"

#define CLIENTS 8
#define ROUNDS 20

/* Serves one connection: echoes each frame back until the client closes. */
HD_ASYNC_FN(echo_conn, int, hd_stream s; hd_framed_reader fr; hd_read_frame rf; hd_write_frame w;);
static void echo_conn_drop(hd_future *self) {
  echo_conn *f = (echo_conn *)self;
  hd_framed_reader_free(&f->fr);
  hd_stream_close(&f->s);
}
HD_ASYNC(echo_conn, f, cx, echo_conn_drop) {
  if (hd_framed_reader_init(&f->fr, &f->s, 1024) < 0)
    HD_RETURN(f, HD_ENOMEM);
  for (;;) {
    HD_AWAIT(f, cx, hd_read_frame_init(&f->rf, &f->fr));
    if (f->rf.out < 0)
      break;
    HD_AWAIT(f, cx, hd_write_frame_init(&f->w, &f->s, f->rf.data, f->rf.len));
    if (f->w.out < 0)
      break;
  }
  f->out = f->rf.out == HD_ECLOSED ? 0 : f->rf.out;
  hd_framed_reader_free(&f->fr);
  hd_stream_close(&f->s);
}
HD_ASYNC_END(f)

/* Accepts n connections, spawning a server task for each. */
HD_ASYNC_FN(acceptor, int, hd_tcp_listener *l; int n; int i; hd_stream s; hd_accept a;);
HD_ASYNC(acceptor, f, cx, NULL) {
  for (f->i = 0; f->i < f->n; f->i++) {
    HD_AWAIT(f, cx, hd_accept_init(&f->a, f->l, &f->s));
    if (f->a.out < 0)
      HD_RETURN(f, f->a.out);
    echo_conn c;
    HD_ASYNC_INIT(&c, echo_conn);
    c.s = f->s; /* not polled yet: the stream may still move */
    hd_join_handle *h = hd_spawn(&c.hd);
    assert_non_null(h);
    hd_join_handle_drop(h); /* detached */
  }
}
HD_ASYNC_END(f)

/* A client: connects, sends ROUNDS frames and checks each echo. */
HD_ASYNC_FN(client, int, uint16_t port; int id; int i; char msg[32]; size_t len; hd_stream s;
            hd_framed_reader fr; hd_tcp_connect c; hd_write_frame w; hd_read_frame rf;);
static void client_drop(hd_future *self) {
  client *f = (client *)self;
  hd_framed_reader_free(&f->fr);
  hd_stream_close(&f->s);
}
HD_ASYNC(client, f, cx, client_drop) {
  HD_AWAIT(f, cx, hd_tcp_connect_init(&f->c, "127.0.0.1", f->port, &f->s));
  if (f->c.out < 0)
    HD_RETURN(f, f->c.out);
  assert_int_equal(hd_framed_reader_init(&f->fr, &f->s, 1024), 0);
  for (f->i = 0; f->i < ROUNDS; f->i++) {
    f->len = (size_t)snprintf(f->msg, sizeof f->msg, "client %d round %d", f->id, f->i);
    HD_AWAIT(f, cx, hd_write_frame_init(&f->w, &f->s, f->msg, f->len));
    assert_int_equal(f->w.out, 0);
    HD_AWAIT(f, cx, hd_read_frame_init(&f->rf, &f->fr));
    assert_int_equal(f->rf.out, 0);
    assert_int_equal(f->rf.len, f->len);
    assert_memory_equal(f->rf.data, f->msg, f->len);
  }
  hd_framed_reader_free(&f->fr);
  hd_stream_close(&f->s);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(echo_main, int, hd_tcp_listener *l; int i; hd_join_handle * acc;
            hd_join_handle * h[CLIENTS]; hd_join j;);
HD_ASYNC(echo_main, f, cx, NULL) {
  acceptor a;
  HD_ASYNC_INIT(&a, acceptor);
  a.l = f->l;
  a.n = CLIENTS;
  f->acc = hd_spawn(&a.hd);
  for (f->i = 0; f->i < CLIENTS; f->i++) {
    client c;
    HD_ASYNC_INIT(&c, client);
    c.port = (uint16_t)hd_tcp_listener_port(f->l);
    c.id = f->i;
    f->h[f->i] = hd_spawn(&c.hd);
    assert_non_null(f->h[f->i]);
  }
  for (f->i = 0; f->i < CLIENTS; f->i++) {
    HD_AWAIT(f, cx, hd_join_init(&f->j, f->h[f->i]));
    assert_int_equal(((client *)f->j.task)->out, 0);
    hd_join_handle_drop(f->h[f->i]);
  }
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->acc));
  assert_int_equal(((acceptor *)f->j.task)->out, 0);
  hd_join_handle_drop(f->acc);
}
HD_ASYNC_END(f)

static void check_echo(hd_runtime *rt) {
  hd_tcp_listener l;
  assert_int_equal(hd_tcp_listener_bind(&l, "127.0.0.1", 0, 64), 0);
  assert_true(hd_tcp_listener_port(&l) > 0);
  echo_main f;
  HD_ASYNC_INIT(&f, echo_main);
  f.l = &l;
  assert_int_equal(hd_block_on(rt, &f.hd), 0);
  hd_tcp_listener_close(&l);
}
static void test_tcp_echo_between_tasks(void **state) {
  harness_each_runtime(check_echo);
}

/* ---- accept is cancel-safe ----------------------------------------------------- */

HD_ASYNC_FN(accept_later, int, hd_tcp_listener *l; hd_stream in; hd_stream cl; char buf[4];
            hd_select sel; hd_accept a; hd_sleep s; hd_tcp_connect c; hd_write_all w;
            hd_read_exact rx;);
HD_ASYNC(accept_later, f, cx, NULL) {
  HD_AWAIT(f, cx,
           HD_SELECT(&f->sel, hd_accept_init(&f->a, f->l, &f->in), hd_sleep_init(&f->s, 10)));
  assert_int_equal(f->sel.winner, 1);
  assert_int_equal(f->a.hd.resume, HD__RESUME_DROPPED);
  assert_true(hd_waker_is_empty(&f->l->s.src.read_waker)); /* interest withdrawn */
  HD_AWAIT(f, cx, hd_tcp_connect_init(&f->c, NULL, (uint16_t)hd_tcp_listener_port(f->l), &f->cl));
  assert_int_equal(f->c.out, 0);
  HD_AWAIT(f, cx, hd_accept_init(&f->a, f->l, &f->in));
  assert_int_equal(f->a.out, 0);
  HD_AWAIT(f, cx, hd_write_all_init(&f->w, &f->cl, "pong", 4));
  HD_AWAIT(f, cx, hd_read_exact_init(&f->rx, &f->in, f->buf, 4));
  assert_int_equal(f->rx.out, 0);
  assert_memory_equal(f->buf, "pong", 4);
  hd_stream_close(&f->in);
  hd_stream_close(&f->cl);
}
HD_ASYNC_END(f)

static void check_accept_cancel_safe(hd_runtime *rt) {
  hd_tcp_listener l;
  assert_int_equal(hd_tcp_listener_bind(&l, NULL, 0, 8), 0);
  accept_later f;
  HD_ASYNC_INIT(&f, accept_later);
  f.l = &l;
  assert_int_equal(hd_block_on(rt, &f.hd), 0);
  hd_tcp_listener_close(&l);
}
static void test_tcp_accept_is_cancel_safe(void **state) {
  harness_each_runtime(check_accept_cancel_safe);
}

/* ---- refused, reset ------------------------------------------------------------------ */

HD_ASYNC_FN(refused, int, uint16_t port; hd_stream s; hd_tcp_connect c;);
HD_ASYNC(refused, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_tcp_connect_init(&f->c, "127.0.0.1", f->port, &f->s));
  assert_int_equal(hd_stream_fd(&f->s), -1); /* left closed */
  HD_RETURN(f, f->c.out);
}
HD_ASYNC_END(f)

static void check_refused(hd_runtime *rt) {
  hd_tcp_listener l;
  assert_int_equal(hd_tcp_listener_bind(&l, NULL, 0, 8), 0);
  int port = hd_tcp_listener_port(&l);
  hd_tcp_listener_close(&l); /* nobody listens there now */
  refused f;
  HD_ASYNC_INIT(&f, refused);
  f.port = (uint16_t)port;
  assert_int_equal(hd_block_on(rt, &f.hd), 0);
  assert_int_equal(f.out, HD_ECONNREFUSED);
}
static void test_tcp_connect_refused(void **state) {
  harness_each_runtime(check_refused);
}

HD_ASYNC_FN(reset, int, hd_tcp_listener *l; hd_stream in; hd_stream cl; char buf[4]; hd_accept a;
            hd_tcp_connect c; hd_read r; hd_write_all w;);
HD_ASYNC(reset, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_tcp_connect_init(&f->c, NULL, (uint16_t)hd_tcp_listener_port(f->l), &f->cl));
  assert_int_equal(f->c.out, 0);
  HD_AWAIT(f, cx, hd_accept_init(&f->a, f->l, &f->in));
  assert_int_equal(f->a.out, 0);
  /* Close with SO_LINGER 0: the kernel sends RST instead of FIN. */
  struct linger lg = {1, 0};
  assert_int_equal(setsockopt(hd_stream_fd(&f->in), SOL_SOCKET, SO_LINGER, &lg, sizeof lg), 0);
  hd_stream_close(&f->in);
  HD_AWAIT(f, cx, hd_read_init(&f->r, &f->cl, f->buf, 4));
  assert_int_equal(f->r.out, HD_ECONNRESET);
  /* Writing after the reset fails too, and no SIGPIPE. */
  HD_AWAIT(f, cx, hd_write_all_init(&f->w, &f->cl, "abc", 3));
  assert_true(f->w.out == HD_ECLOSED || f->w.out == HD_ECONNRESET);
  hd_stream_close(&f->cl);
}
HD_ASYNC_END(f)

static void check_reset(hd_runtime *rt) {
  hd_tcp_listener l;
  assert_int_equal(hd_tcp_listener_bind(&l, NULL, 0, 8), 0);
  reset f;
  HD_ASYNC_INIT(&f, reset);
  f.l = &l;
  assert_int_equal(hd_block_on(rt, &f.hd), 0);
  hd_tcp_listener_close(&l);
}
static void test_tcp_peer_reset(void **state) {
  harness_each_runtime(check_reset);
}

/* ---- bad input ------------------------------------------------------------------------- */

HD_ASYNC_FN(bad_connect, int, hd_stream s; hd_tcp_connect c;);
HD_ASYNC(bad_connect, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_tcp_connect_init(&f->c, "not-an-address", 80, &f->s));
  assert_int_equal(f->c.out, HD_EINVAL);
  HD_AWAIT(f, cx, hd_tcp_connect_init(&f->c, "", 80, &f->s));
  assert_int_equal(f->c.out, HD_EINVAL);
  HD_AWAIT(f, cx, hd_tcp_connect_init(&f->c, "127.0.0.1", 80, NULL));
  assert_int_equal(f->c.out, HD_EINVAL);
}
HD_ASYNC_END(f)

static void check_bad_input(hd_runtime *rt) {
  bad_connect f;
  HD_ASYNC_INIT(&f, bad_connect);
  assert_int_equal(hd_block_on(rt, &f.hd), 0);
}

static void test_tcp_bad_input(void **state) {
  hd_tcp_listener l;
  assert_int_equal(hd_tcp_listener_bind(NULL, NULL, 0, 8), HD_EINVAL);
  assert_int_equal(hd_tcp_listener_bind(&l, "localhost", 0, 8), HD_EINVAL); /* no lookups */
  assert_int_equal(hd_tcp_listener_port(NULL), HD_EINVAL);
  assert_int_equal(hd_tcp_listener_port(&l), HD_EBADF);
  hd_tcp_listener_close(&l);
  hd_tcp_listener_close(NULL);
  /* Binding a port that is taken fails cleanly. */
  hd_tcp_listener a, b;
  assert_int_equal(hd_tcp_listener_bind(&a, NULL, 0, 8), 0);
  assert_int_equal(hd_tcp_listener_bind(&b, NULL, (uint16_t)hd_tcp_listener_port(&a), 8), HD_EIO);
  hd_tcp_listener_close(&a);

  hd_waker w = hd_waker_noop();
  hd_context cx = {&w};
  hd_accept acc;
  hd_stream s;
  hd_accept_init(&acc, NULL, &s);
  assert_int_equal(hd_future_poll(&acc.hd, &cx), HD_READY);
  assert_int_equal(acc.out, HD_EINVAL);
  hd_accept_init(&acc, &l, &s); /* closed listener */
  assert_int_equal(hd_future_poll(&acc.hd, &cx), HD_READY);
  assert_int_equal(acc.out, HD_EBADF);
  hd_tcp_connect c;
  hd_tcp_connect_init(&c, NULL, 1, &s); /* outside a runtime */
  assert_int_equal(hd_future_poll(&c.hd, &cx), HD_READY);
  assert_int_equal(c.out, HD_ENORUNTIME);

  harness_each_runtime(check_bad_input);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_tcp_echo_between_tasks),
      cmocka_unit_test(test_tcp_accept_is_cancel_safe),
      cmocka_unit_test(test_tcp_connect_refused),
      cmocka_unit_test(test_tcp_peer_reset),
      cmocka_unit_test(test_tcp_bad_input),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
