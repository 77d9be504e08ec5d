/* Streams over pipes and Unix socket pairs: read, write, read_exact,
 * read_line, read_to_end, write_all; cancellation by drop; bad input. */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "heddle/combinators.h"
#include "heddle/io.h"
#include "heddle/runtime.h"
#include "heddle/time.h"
#include "io_harness.h"

#define BIG (1u << 20) /* bigger than a pipe or socket buffer */

static uint8_t pattern(size_t i) {
  return (uint8_t)(i * 7 + i / 251);
}

/* ---- a writer task and a reader task over a stream pair ------------------ */

HD_ASYNC_FN(writer, int, hd_stream *s; uint8_t * data; size_t len; hd_write_all w;);
HD_ASYNC(writer, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_write_all_init(&f->w, f->s, f->data, f->len));
  hd_stream_close(f->s); /* the reader sees end of stream */
  HD_RETURN(f, f->w.out);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(pump, int, hd_stream *rd; hd_stream * wr; uint8_t * data; hd_join_handle * h;
            hd_read_to_end r; hd_join j;);
HD_ASYNC(pump, f, cx, NULL) {
  writer w;
  HD_ASYNC_INIT(&w, writer);
  w.s = f->wr;
  w.data = f->data;
  w.len = BIG;
  f->h = hd_spawn(&w.hd);
  assert_non_null(f->h);
  HD_AWAIT(f, cx, hd_read_to_end_init(&f->r, f->rd, 2 * BIG));
  assert_int_equal(f->r.out, 0);
  assert_int_equal(f->r.len, BIG);
  for (size_t i = 0; i < BIG; i++)
    if (f->r.data[i] != pattern(i))
      fail_msg("byte %zu differs", i);
  free(f->r.data);
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->h));
  assert_int_equal(((writer *)f->j.task)->out, 0);
  hd_join_handle_drop(f->h);
}
HD_ASYNC_END(f)

static void run_pump(hd_runtime *rt, bool sockets) {
  hd_stream a, b;
  assert_int_equal(sockets ? hd_socketpair(&a, &b) : hd_pipe(&a, &b), 0);
  uint8_t *data = malloc(BIG);
  for (size_t i = 0; i < BIG; i++)
    data[i] = pattern(i);
  pump f;
  HD_ASYNC_INIT(&f, pump);
  f.rd = &a;
  f.wr = &b;
  f.data = data;
  assert_int_equal(hd_block_on(rt, &f.hd), 0);
  hd_stream_close(&a);
  free(data);
}
static void check_big_transfer(hd_runtime *rt) {
  run_pump(rt, false);
  run_pump(rt, true);
}
static void test_io_big_transfer_between_tasks(void **state) {
  harness_each_runtime(check_big_transfer);
}

/* ---- read_exact dropped midway: the bytes it took are lost ---------------- */

HD_ASYNC_FN(exact_lost, int, hd_stream *rd; hd_stream * wr; uint8_t buf[8]; hd_timeout t;
            hd_read_exact rx; hd_write_all w;);
HD_ASYNC(exact_lost, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_write_all_init(&f->w, f->wr, "abc", 3));
  HD_AWAIT(f, cx, hd_timeout_init(&f->t, hd_read_exact_init(&f->rx, f->rd, f->buf, 8), 20));
  assert_int_equal(f->t.out, HD_ETIMEDOUT);
  assert_int_equal(f->rx.hd.resume, HD__RESUME_DROPPED);
  assert_int_equal(f->rx.done, 3); /* taken from the stream, now only in buf */
  assert_memory_equal(f->buf, "abc", 3);
  /* The stream is still usable: the next bytes arrive intact. */
  HD_AWAIT(f, cx, hd_write_all_init(&f->w, f->wr, "ABCDEFGH", 8));
  memset(f->buf, 0, sizeof f->buf);
  HD_AWAIT(f, cx, hd_read_exact_init(&f->rx, f->rd, f->buf, 8));
  assert_int_equal(f->rx.out, 0);
  assert_memory_equal(f->buf, "ABCDEFGH", 8);
}
HD_ASYNC_END(f)

static void check_read_exact_dropped(hd_runtime *rt) {
  for (int sockets = 0; sockets < 2; sockets++) {
    hd_stream a, b;
    assert_int_equal(sockets ? hd_socketpair(&a, &b) : hd_pipe(&a, &b), 0);
    exact_lost f;
    HD_ASYNC_INIT(&f, exact_lost);
    f.rd = &a;
    f.wr = &b;
    assert_int_equal(hd_block_on(rt, &f.hd), 0);
    hd_stream_close(&a);
    hd_stream_close(&b);
  }
}
static void test_io_read_exact_dropped_loses_bytes(void **state) {
  harness_each_runtime(check_read_exact_dropped);
}

/* ---- the other cancel-unsafe futures, dropped midway ---------------------- */

HD_ASYNC_FN(unsafe_drops, int, hd_stream *rd; hd_stream * wr; char line[16]; uint8_t * big;
            size_t sent; hd_timeout t; hd_read_line l; hd_read_to_end re; hd_write_all w;);
HD_ASYNC(unsafe_drops, f, cx, NULL) {
  /* read_line: the partial line goes with the future. */
  HD_AWAIT(f, cx, hd_write_all_init(&f->w, f->wr, "hel", 3));
  HD_AWAIT(f, cx, hd_timeout_init(&f->t, hd_read_line_init(&f->l, f->rd, f->line, 16), 20));
  assert_int_equal(f->t.out, HD_ETIMEDOUT);
  assert_int_equal(f->l.done, 3);
  HD_AWAIT(f, cx, hd_write_all_init(&f->w, f->wr, "lo\n", 3));
  HD_AWAIT(f, cx, hd_read_line_init(&f->l, f->rd, f->line, 16));
  assert_int_equal(f->l.out, 3);
  assert_string_equal(f->line, "lo\n");
  /* read_to_end: what it had read is freed by its drop hook (LSan checks). */
  HD_AWAIT(f, cx, hd_write_all_init(&f->w, f->wr, "abc", 3));
  HD_AWAIT(f, cx, hd_timeout_init(&f->t, hd_read_to_end_init(&f->re, f->rd, 1024), 20));
  assert_int_equal(f->t.out, HD_ETIMEDOUT);
  assert_null(f->re.data);
  /* write_all: `done` bytes went out and stay out; the peer gets exactly
   * those. The writer is dropped while the socket buffer is full. */
  HD_AWAIT(f, cx, hd_timeout_init(&f->t, hd_write_all_init(&f->w, f->wr, f->big, 4 * BIG), 20));
  assert_int_equal(f->t.out, HD_ETIMEDOUT);
  assert_true(f->w.done > 0 && f->w.done < 4 * BIG);
  f->sent = f->w.done;
  hd_stream_close(f->wr);
  HD_AWAIT(f, cx, hd_read_to_end_init(&f->re, f->rd, 8 * BIG));
  assert_int_equal(f->re.out, 0);
  assert_int_equal(f->re.len, f->sent);
  free(f->re.data);
}
HD_ASYNC_END(f)

static void check_unsafe_drops(hd_runtime *rt) {
  hd_stream a, b;
  assert_int_equal(hd_socketpair(&a, &b), 0);
  unsafe_drops f;
  HD_ASYNC_INIT(&f, unsafe_drops);
  f.rd = &a;
  f.wr = &b;
  f.big = calloc(4, BIG);
  assert_int_equal(hd_block_on(rt, &f.hd), 0);
  free(f.big);
  hd_stream_close(&a);
}
static void test_io_unsafe_futures_dropped_midway(void **state) {
  harness_each_runtime(check_unsafe_drops);
}

/* ---- hd_read is cancel-safe: a dropped read took nothing -------------------- */

HD_ASYNC_FN(read_safe, int, hd_stream *rd; hd_stream * wr; char buf[16]; hd_select sel; hd_read r;
            hd_sleep s; hd_write_all w;);
HD_ASYNC(read_safe, f, cx, NULL) {
  HD_AWAIT(f, cx,
           HD_SELECT(&f->sel, hd_read_init(&f->r, f->rd, f->buf, 16), hd_sleep_init(&f->s, 10)));
  assert_int_equal(f->sel.winner, 1);
  assert_int_equal(f->r.hd.resume, HD__RESUME_DROPPED);
  /* The dropped read withdrew its waker: the stream holds no task. */
  assert_true(hd_waker_is_empty(&f->rd->src.read_waker));
  HD_AWAIT(f, cx, hd_write_all_init(&f->w, f->wr, "hello", 5));
  HD_AWAIT(f, cx, hd_read_init(&f->r, f->rd, f->buf, 16));
  assert_int_equal(f->r.out, 5);
  assert_memory_equal(f->buf, "hello", 5);
}
HD_ASYNC_END(f)

static void check_read_cancel_safe(hd_runtime *rt) {
  hd_stream a, b;
  assert_int_equal(hd_socketpair(&a, &b), 0);
  read_safe f;
  HD_ASYNC_INIT(&f, read_safe);
  f.rd = &a;
  f.wr = &b;
  assert_int_equal(hd_block_on(rt, &f.hd), 0);
  hd_stream_close(&a);
  hd_stream_close(&b);
}
static void test_io_read_is_cancel_safe(void **state) {
  harness_each_runtime(check_read_cancel_safe);
}

/* ---- read_line ---------------------------------------------------------------- */

HD_ASYNC_FN(lines, int, hd_stream *rd; hd_stream * wr; char buf[16]; hd_write_all w; hd_read_line l;
            hd_read r;);
HD_ASYNC(lines, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_write_all_init(&f->w, f->wr, "hello\nworld\nlast", 16));
  hd_stream_close(f->wr);
  HD_AWAIT(f, cx, hd_read_line_init(&f->l, f->rd, f->buf, sizeof f->buf));
  assert_int_equal(f->l.out, 6);
  assert_string_equal(f->buf, "hello\n");
  HD_AWAIT(f, cx, hd_read_line_init(&f->l, f->rd, f->buf, sizeof f->buf));
  assert_int_equal(f->l.out, 6);
  assert_string_equal(f->buf, "world\n");
  HD_AWAIT(f, cx, hd_read_line_init(&f->l, f->rd, f->buf, sizeof f->buf));
  assert_int_equal(f->l.out, 4);
  assert_string_equal(f->buf, "last");
  HD_AWAIT(f, cx, hd_read_line_init(&f->l, f->rd, f->buf, sizeof f->buf));
  assert_int_equal(f->l.out, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(long_line, int, hd_stream *rd; hd_stream * wr; char buf[8]; hd_write_all w;
            hd_read_line l; hd_read r;);
HD_ASYNC(long_line, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_write_all_init(&f->w, f->wr, "0123456789\n", 11));
  HD_AWAIT(f, cx, hd_read_line_init(&f->l, f->rd, f->buf, sizeof f->buf));
  assert_int_equal(f->l.out, HD_ETOOBIG);
  assert_string_equal(f->buf, "0123456");
  /* Nothing past the limit was consumed. */
  HD_AWAIT(f, cx, hd_read_init(&f->r, f->rd, f->buf, sizeof f->buf));
  assert_int_equal(f->r.out, 4);
  assert_memory_equal(f->buf, "789\n", 4);
}
HD_ASYNC_END(f)

static void check_read_line(hd_runtime *rt) {
  for (int sockets = 0; sockets < 2; sockets++) {
    hd_stream a, b;
    assert_int_equal(sockets ? hd_socketpair(&a, &b) : hd_pipe(&a, &b), 0);
    lines f;
    HD_ASYNC_INIT(&f, lines);
    f.rd = &a;
    f.wr = &b;
    assert_int_equal(hd_block_on(rt, &f.hd), 0);
    hd_stream_close(&a);

    assert_int_equal(sockets ? hd_socketpair(&a, &b) : hd_pipe(&a, &b), 0);
    long_line g;
    HD_ASYNC_INIT(&g, long_line);
    g.rd = &a;
    g.wr = &b;
    assert_int_equal(hd_block_on(rt, &g.hd), 0);
    hd_stream_close(&a);
    hd_stream_close(&b);
  }
}
static void test_io_read_line(void **state) {
  harness_each_runtime(check_read_line);
}

/* ---- read_to_end over its limit ------------------------------------------------ */

HD_ASYNC_FN(too_long, int, hd_stream *rd; hd_stream * wr; hd_write_all w; hd_read_to_end r;);
HD_ASYNC(too_long, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_write_all_init(&f->w, f->wr, "0123456789", 10));
  hd_stream_close(f->wr);
  HD_AWAIT(f, cx, hd_read_to_end_init(&f->r, f->rd, 9));
  assert_int_equal(f->r.out, HD_ETOOBIG);
  assert_null(f->r.data);
}
HD_ASYNC_END(f)

static void check_read_to_end_limit(hd_runtime *rt) {
  hd_stream a, b;
  assert_int_equal(hd_pipe(&a, &b), 0);
  too_long f;
  HD_ASYNC_INIT(&f, too_long);
  f.rd = &a;
  f.wr = &b;
  assert_int_equal(hd_block_on(rt, &f.hd), 0);
  hd_stream_close(&a);
}
static void test_io_read_to_end_limit(void **state) {
  harness_each_runtime(check_read_to_end_limit);
}

/* ---- errors: closed streams, gone peers, NULL ------------------------------------ */

HD_ASYNC_FN(closed_ops, int, hd_stream *a; hd_stream * b; char buf[4]; hd_read r; hd_write w;
            hd_write_all wa; hd_read_exact rx;);
HD_ASYNC(closed_ops, f, cx, NULL) {
  /* b is closed: its own operations report HD_EBADF. */
  hd_stream_close(f->b);
  HD_AWAIT(f, cx, hd_read_init(&f->r, f->b, f->buf, 4));
  assert_int_equal(f->r.out, HD_EBADF);
  HD_AWAIT(f, cx, hd_write_init(&f->w, f->b, "x", 1));
  assert_int_equal(f->w.out, HD_EBADF);
  /* a's peer is gone: writing fails without SIGPIPE, reading sees EOF. */
  HD_AWAIT(f, cx, hd_write_all_init(&f->wa, f->a, "xyz", 3));
  assert_true(f->wa.out == HD_ECLOSED || f->wa.out == HD_ECONNRESET);
  HD_AWAIT(f, cx, hd_read_exact_init(&f->rx, f->a, f->buf, 4));
  assert_true(f->rx.out == HD_EEOF || f->rx.out == HD_ECONNRESET);
}
HD_ASYNC_END(f)

static void check_closed(hd_runtime *rt) {
  hd_stream a, b;
  assert_int_equal(hd_socketpair(&a, &b), 0);
  closed_ops f;
  HD_ASYNC_INIT(&f, closed_ops);
  f.a = &a;
  f.b = &b;
  assert_int_equal(hd_block_on(rt, &f.hd), 0);
  hd_stream_close(&a);
}
static void test_io_closed_streams(void **state) {
  /* With SIGPIPE at its default action a raised SIGPIPE kills the test. */
  signal(SIGPIPE, SIG_DFL);
  harness_each_runtime(check_closed);
}

HD_ASYNC_FN(pipe_gone, int, hd_stream *wr; hd_write_all w;);
HD_ASYNC(pipe_gone, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_write_all_init(&f->w, f->wr, "xyz", 3));
  HD_RETURN(f, f->w.out);
}
HD_ASYNC_END(f)

static void check_pipe_reader_gone(hd_runtime *rt) {
  hd_stream a, b;
  assert_int_equal(hd_pipe(&a, &b), 0);
  hd_stream_close(&a);
  pipe_gone f;
  HD_ASYNC_INIT(&f, pipe_gone);
  f.wr = &b;
  assert_int_equal(hd_block_on(rt, &f.hd), 0);
  assert_int_equal(f.out, HD_ECLOSED);
  hd_stream_close(&b);
}
static void test_io_pipe_reader_gone_no_sigpipe(void **state) {
  signal(SIGPIPE, SIG_DFL);
  harness_each_runtime(check_pipe_reader_gone);
  sigset_t pending;
  sigpending(&pending);
  assert_false(sigismember(&pending, SIGPIPE));
}

/* A read waiting in one task; another task closes the stream: the reader
 * is woken and completes with HD_EBADF instead of hanging. */
HD_ASYNC_FN(blocked_reader, int, hd_stream *s; char buf[4]; hd_read r;);
HD_ASYNC(blocked_reader, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_read_init(&f->r, f->s, f->buf, 4));
  HD_RETURN(f, (int)f->r.out);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(close_under, int, hd_stream *s; hd_join_handle * h; hd_sleep sl; hd_join j;);
HD_ASYNC(close_under, f, cx, NULL) {
  blocked_reader r;
  HD_ASYNC_INIT(&r, blocked_reader);
  r.s = f->s;
  f->h = hd_spawn(&r.hd);
  HD_AWAIT(f, cx, hd_sleep_init(&f->sl, 10)); /* let the reader park */
  hd_stream_close(f->s);
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->h));
  f->out = ((blocked_reader *)f->j.task)->out;
  hd_join_handle_drop(f->h);
}
HD_ASYNC_END(f)

static void check_close_wakes_reader(hd_runtime *rt) {
  hd_stream a, b;
  assert_int_equal(hd_pipe(&a, &b), 0);
  close_under f;
  HD_ASYNC_INIT(&f, close_under);
  f.s = &a;
  assert_int_equal(hd_block_on(rt, &f.hd), 0);
  assert_int_equal(f.out, HD_EBADF);
  hd_stream_close(&b);
}
static void test_io_close_wakes_pending_reader(void **state) {
  harness_each_runtime(check_close_wakes_reader);
}

static void test_io_bad_input(void **state) {
  hd_waker w = hd_waker_noop();
  hd_context cx = {&w};
  char buf[4];
  hd_stream s;
  assert_int_equal(hd_pipe(NULL, &s), HD_EINVAL);
  assert_int_equal(hd_socketpair(&s, NULL), HD_EINVAL);
  assert_int_equal(hd_stream_from_fd(NULL, 0), HD_EINVAL);
  assert_int_equal(hd_stream_from_fd(&s, -1), HD_EBADF);
  assert_int_equal(hd_stream_from_fd(&s, 987654), HD_EBADF);
  assert_int_equal(hd_stream_fd(&s), -1);
  hd_stream_close(&s); /* closed: harmless */
  hd_stream_close(NULL);
  assert_int_equal(hd_stream_shutdown_write(NULL), HD_EINVAL);

  hd_read r;
  hd_read_init(&r, NULL, buf, 4);
  assert_int_equal(hd_future_poll(&r.hd, &cx), HD_READY);
  assert_int_equal(r.out, HD_EINVAL);
  hd_write wr;
  hd_write_init(&wr, NULL, buf, 4);
  assert_int_equal(hd_future_poll(&wr.hd, &cx), HD_READY);
  assert_int_equal(wr.out, HD_EINVAL);
  hd_read_exact rx;
  hd_read_exact_init(&rx, NULL, buf, 4);
  assert_int_equal(hd_future_poll(&rx.hd, &cx), HD_READY);
  assert_int_equal(rx.out, HD_EINVAL);
  hd_write_all wa;
  hd_write_all_init(&wa, NULL, buf, 4);
  assert_int_equal(hd_future_poll(&wa.hd, &cx), HD_READY);
  assert_int_equal(wa.out, HD_EINVAL);
  hd_read_line rl;
  hd_read_line_init(&rl, NULL, buf, 4);
  assert_int_equal(hd_future_poll(&rl.hd, &cx), HD_READY);
  assert_int_equal(rl.out, HD_EINVAL);
  hd_read_to_end re;
  hd_read_to_end_init(&re, NULL, 4);
  assert_int_equal(hd_future_poll(&re.hd, &cx), HD_READY);
  assert_int_equal(re.out, HD_EINVAL);

  /* A valid stream polled outside a runtime: HD_ENORUNTIME. */
  hd_stream a, b;
  assert_int_equal(hd_pipe(&a, &b), 0);
  hd_read_init(&r, &a, buf, 4);
  assert_int_equal(hd_future_poll(&r.hd, &cx), HD_READY);
  assert_int_equal(r.out, HD_ENORUNTIME);
  /* A NULL buffer with a length. */
  hd_read_init(&r, &a, NULL, 4);
  assert_int_equal(hd_future_poll(&r.hd, &cx), HD_READY);
  assert_int_equal(r.out, HD_EINVAL);
  hd_stream_close(&a);
  hd_stream_close(&b);
}

/* ---- hd_stream_from_fd adopts an fd ---------------------------------------------- */

HD_ASYNC_FN(adopted, int, hd_stream *rd; hd_stream * wr; char buf[4]; hd_write_all w;
            hd_read_exact rx;);
HD_ASYNC(adopted, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_write_all_init(&f->w, f->wr, "ping", 4));
  HD_AWAIT(f, cx, hd_read_exact_init(&f->rx, f->rd, f->buf, 4));
  assert_int_equal(f->rx.out, 0);
  assert_memory_equal(f->buf, "ping", 4);
}
HD_ASYNC_END(f)

static void check_from_fd(hd_runtime *rt) {
  int fds[2];
  assert_int_equal(pipe(fds), 0); /* blocking fds: adoption makes them non-blocking */
  hd_stream a, b;
  assert_int_equal(hd_stream_from_fd(&a, fds[0]), 0);
  assert_int_equal(hd_stream_from_fd(&b, fds[1]), 0);
  assert_int_equal(hd_stream_fd(&a), fds[0]);
  adopted f;
  HD_ASYNC_INIT(&f, adopted);
  f.rd = &a;
  f.wr = &b;
  assert_int_equal(hd_block_on(rt, &f.hd), 0);
  hd_stream_close(&a);
  hd_stream_close(&b);
}
static void test_io_stream_from_fd(void **state) {
  harness_each_runtime(check_from_fd);
}

/* ---- a stream that outlives its runtime ----------------------------------------- */

HD_ASYNC_FN(bind_read, int, hd_stream *rd; char buf[4]; hd_timeout t; hd_read r;);
HD_ASYNC(bind_read, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_timeout_init(&f->t, hd_read_init(&f->r, f->rd, f->buf, 4), 5));
  HD_RETURN(f, f->t.out < 0 ? f->t.out : (int)f->r.out);
}
HD_ASYNC_END(f)

static void test_io_stream_outlives_runtime(void **state) {
  for (int i = 0; i < HARNESS_RUNTIMES; i++) {
    hd_stream a, b;
    assert_int_equal(hd_pipe(&a, &b), 0);
    hd_runtime *rt = harness_runtime(i);
    bind_read f;
    HD_ASYNC_INIT(&f, bind_read);
    f.rd = &a;
    assert_int_equal(hd_block_on(rt, &f.hd), 0);
    assert_int_equal(f.out, HD_ETIMEDOUT); /* the stream is registered now */
    hd_runtime_free(rt);
    /* Its reactor is gone: the stream was detached. Using it under another
     * runtime fails cleanly instead of waiting forever; closing it is safe. */
    rt = harness_runtime(i);
    HD_ASYNC_INIT(&f, bind_read);
    f.rd = &a;
    assert_int_equal(hd_block_on(rt, &f.hd), 0);
    assert_int_equal(f.out, HD_ENORUNTIME);
    hd_runtime_free(rt);
    hd_stream_close(&a);
    hd_stream_close(&b);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_io_big_transfer_between_tasks),
      cmocka_unit_test(test_io_read_exact_dropped_loses_bytes),
      cmocka_unit_test(test_io_unsafe_futures_dropped_midway),
      cmocka_unit_test(test_io_read_is_cancel_safe),
      cmocka_unit_test(test_io_read_line),
      cmocka_unit_test(test_io_read_to_end_limit),
      cmocka_unit_test(test_io_closed_streams),
      cmocka_unit_test(test_io_pipe_reader_gone_no_sigpipe),
      cmocka_unit_test(test_io_close_wakes_pending_reader),
      cmocka_unit_test(test_io_bad_input),
      cmocka_unit_test(test_io_stream_from_fd),
      cmocka_unit_test(test_io_stream_outlives_runtime),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
