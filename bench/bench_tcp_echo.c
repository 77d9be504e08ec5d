/* TCP echo over loopback: requests/s with 50 connections, for each
 * executor. A request is a 64-byte message written by a client task and
 * read back in full after a server task echoed it.
 * usage: bench_tcp_echo [REQUESTS_PER_CONNECTION]   (default 2000) */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "heddle/io.h"
#include "heddle/runtime.h"

#define CONNECTIONS 50
#define MSG 64

/* Server side of one connection: echoes whatever arrives until EOF. */
HD_ASYNC_FN(echo_task, int, hd_stream s; uint8_t buf[4096]; hd_read r; hd_write_all w;);
static void echo_task_drop(hd_future *self) {
  hd_stream_close(&((echo_task *)self)->s);
}
HD_ASYNC(echo_task, f, cx, echo_task_drop) {
  for (;;) {
    HD_AWAIT(f, cx, hd_read_init(&f->r, &f->s, f->buf, sizeof f->buf));
    if (f->r.out <= 0)
      break;
    HD_AWAIT(f, cx, hd_write_all_init(&f->w, &f->s, f->buf, (size_t)f->r.out));
    if (f->w.out < 0)
      break;
  }
  hd_stream_close(&f->s);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(acceptor, int, hd_tcp_listener *l; int i; hd_stream s; hd_accept a;);
HD_ASYNC(acceptor, f, cx, NULL) {
  for (f->i = 0; f->i < CONNECTIONS; f->i++) {
    HD_AWAIT(f, cx, hd_accept_init(&f->a, f->l, &f->s));
    if (f->a.out < 0)
      HD_RETURN(f, f->a.out);
    echo_task t;
    HD_ASYNC_INIT(&t, echo_task);
    t.s = f->s;
    hd_join_handle_drop(hd_spawn(&t.hd));
  }
}
HD_ASYNC_END(f)

/* Client side: `n` request/response round trips. */
HD_ASYNC_FN(client, int, uint16_t port; int n; int i; uint8_t msg[MSG]; uint8_t back[MSG];
            hd_stream s; hd_tcp_connect c; hd_write_all w; hd_read_exact rx;);
HD_ASYNC(client, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_tcp_connect_init(&f->c, NULL, f->port, &f->s));
  if (f->c.out < 0)
    HD_RETURN(f, f->c.out);
  for (f->i = 0; f->i < f->n; f->i++) {
    f->msg[0] = (uint8_t)f->i;
    HD_AWAIT(f, cx, hd_write_all_init(&f->w, &f->s, f->msg, MSG));
    HD_AWAIT(f, cx, hd_read_exact_init(&f->rx, &f->s, f->back, MSG));
    if (f->w.out < 0 || f->rx.out < 0 || f->back[0] != f->msg[0]) {
      f->out = f->w.out < 0 ? f->w.out : f->rx.out < 0 ? f->rx.out : HD_EIO;
      break;
    }
  }
  hd_stream_close(&f->s);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(bench, int, hd_tcp_listener *l; int n; int i; hd_join_handle * acc;
            hd_join_handle * h[CONNECTIONS]; hd_join j;);
HD_ASYNC(bench, f, cx, NULL) {
  acceptor a;
  HD_ASYNC_INIT(&a, acceptor);
  a.l = f->l;
  f->acc = hd_spawn(&a.hd);
  for (f->i = 0; f->i < CONNECTIONS; f->i++) {
    client c;
    HD_ASYNC_INIT(&c, client);
    c.port = (uint16_t)hd_tcp_listener_port(f->l);
    c.n = f->n;
    f->h[f->i] = hd_spawn(&c.hd);
  }
  for (f->i = 0; f->i < CONNECTIONS; f->i++) {
    HD_AWAIT(f, cx, hd_join_init(&f->j, f->h[f->i]));
    if (((client *)f->j.task)->out < 0)
      f->out = ((client *)f->j.task)->out;
    hd_join_handle_drop(f->h[f->i]);
  }
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->acc));
  hd_join_handle_drop(f->acc);
}
HD_ASYNC_END(f)

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void run(const char *label, hd_runtime *rt, int n) {
  hd_tcp_listener l;
  if (!rt || hd_tcp_listener_bind(&l, "127.0.0.1", 0, CONNECTIONS) < 0) {
    printf("tcp echo   %-24s cannot set up\n", label);
    hd_runtime_free(rt);
    return;
  }
  bench b;
  HD_ASYNC_INIT(&b, bench);
  b.l = &l;
  b.n = n;
  double t0 = now_s();
  hd_block_on(rt, &b.hd);
  double dt = now_s() - t0;
  long total = (long)n * CONNECTIONS;
  printf("tcp echo   %-24s %9.0f requests/s  (%d connections, %ld requests, %.3f s)%s\n", label,
         (double)total / dt, CONNECTIONS, total, dt, b.out == 0 ? "" : "  FAILED");
  hd_runtime_free(rt);
  hd_tcp_listener_close(&l);
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 2000;
  if (n < 1)
    n = 1;
  run("current-thread", hd_runtime_new_current_thread(), n);
  run("multi-thread (2 workers)", hd_runtime_new_multi_thread(2), n);
  run("multi-thread (4 workers)", hd_runtime_new_multi_thread(4), n);
  return 0;
}
