/* Length-prefixed frames: round trips, a dropped read_frame loses nothing,
 * oversize frames, end of stream inside and between frames, bad input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "heddle/io.h"
#include "heddle/runtime.h"
#include "heddle/time.h"
#include "io_harness.h"

static const size_t sizes[] = {0, 1, 3, 4, 100, 4095, 4096, 70000, 5, 0, 200000};
#define NSIZES (sizeof sizes / sizeof sizes[0])

static uint8_t pattern(size_t frame, size_t i) {
  return (uint8_t)(frame * 31 + i * 7);
}

/* Writes every frame, then closes the stream. */
HD_ASYNC_FN(frame_writer, int, hd_stream *s; size_t i; uint8_t * buf; hd_write_frame w;);
HD_ASYNC(frame_writer, f, cx, NULL) {
  for (f->i = 0; f->i < NSIZES; f->i++) {
    for (size_t k = 0; k < sizes[f->i]; k++)
      f->buf[k] = pattern(f->i, k);
    HD_AWAIT(f, cx, hd_write_frame_init(&f->w, f->s, f->buf, sizes[f->i]));
    if (f->w.out < 0)
      HD_RETURN(f, f->w.out);
  }
  hd_stream_close(f->s);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(frame_reader, int, hd_stream *s; hd_framed_reader fr; size_t i; hd_join_handle * h;
            uint8_t * wbuf; hd_read_frame rf; hd_join j;);
static void frame_reader_drop(hd_future *self) {
  hd_framed_reader_free(&((frame_reader *)self)->fr);
}
HD_ASYNC(frame_reader, f, cx, frame_reader_drop) {
  assert_int_equal(hd_framed_reader_init(&f->fr, f->s, 1u << 20), 0);
  for (f->i = 0; f->i < NSIZES; f->i++) {
    HD_AWAIT(f, cx, hd_read_frame_init(&f->rf, &f->fr));
    assert_int_equal(f->rf.out, 0);
    assert_int_equal(f->rf.len, sizes[f->i]);
    for (size_t k = 0; k < f->rf.len; k++)
      if (f->rf.data[k] != pattern(f->i, k))
        fail_msg("frame %zu byte %zu differs", f->i, k);
  }
  HD_AWAIT(f, cx, hd_read_frame_init(&f->rf, &f->fr));
  assert_int_equal(f->rf.out, HD_ECLOSED); /* clean end between frames */
  HD_AWAIT(f, cx, hd_read_frame_init(&f->rf, &f->fr));
  assert_int_equal(f->rf.out, HD_ECLOSED); /* and it stays so */
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->h));
  assert_int_equal(((frame_writer *)f->j.task)->out, 0);
  hd_join_handle_drop(f->h);
  hd_framed_reader_free(&f->fr);
}
HD_ASYNC_END(f)

static void check_round_trip(hd_runtime *rt) {
  hd_stream a, b;
  assert_int_equal(hd_socketpair(&a, &b), 0);
  uint8_t *wbuf = malloc(200000);
  frame_writer w;
  HD_ASYNC_INIT(&w, frame_writer);
  w.s = &b;
  w.buf = wbuf;
  frame_reader r;
  HD_ASYNC_INIT(&r, frame_reader);
  r.s = &a;
  r.h = hd_spawn_on(rt, &w.hd);
  assert_non_null(r.h);
  assert_int_equal(hd_block_on(rt, &r.hd), 0);
  hd_stream_close(&a);
  free(wbuf);
}
static void test_framed_round_trip(void **state) {
  harness_each_runtime(check_round_trip);
}

/* read_frame dropped mid-frame (a timeout wins), then the rest arrives: the
 * next read_frame returns the whole frame. */
HD_ASYNC_FN(partial, int, hd_stream *rd; hd_stream * wr; hd_framed_reader fr; hd_timeout t;
            hd_read_frame rf; hd_write_all w;);
static void partial_drop(hd_future *self) {
  hd_framed_reader_free(&((partial *)self)->fr);
}
HD_ASYNC(partial, f, cx, partial_drop) {
  assert_int_equal(hd_framed_reader_init(&f->fr, f->rd, 64), 0);
  /* Header (length 10) and 4 of 10 payload bytes. */
  HD_AWAIT(f, cx,
           hd_write_all_init(&f->w, f->wr,
                             "\0\0\0\x0a"
                             "abcd",
                             8));
  HD_AWAIT(f, cx, hd_timeout_init(&f->t, hd_read_frame_init(&f->rf, &f->fr), 20));
  assert_int_equal(f->t.out, HD_ETIMEDOUT);
  assert_int_equal(f->rf.hd.resume, HD__RESUME_DROPPED);
  /* Once more, with only part of the header after the payload. */
  HD_AWAIT(f, cx, hd_write_all_init(&f->w, f->wr, "efghij\0\0", 8));
  HD_AWAIT(f, cx, hd_read_frame_init(&f->rf, &f->fr));
  assert_int_equal(f->rf.out, 0);
  assert_int_equal(f->rf.len, 10);
  assert_memory_equal(f->rf.data, "abcdefghij", 10);
  HD_AWAIT(f, cx, hd_timeout_init(&f->t, hd_read_frame_init(&f->rf, &f->fr), 20));
  assert_int_equal(f->t.out, HD_ETIMEDOUT);
  HD_AWAIT(f, cx, hd_write_all_init(&f->w, f->wr, "\0\x02xy", 4));
  HD_AWAIT(f, cx, hd_read_frame_init(&f->rf, &f->fr));
  assert_int_equal(f->rf.out, 0);
  assert_int_equal(f->rf.len, 2);
  assert_memory_equal(f->rf.data, "xy", 2);
  hd_framed_reader_free(&f->fr);
}
HD_ASYNC_END(f)

static void check_dropped_read_frame(hd_runtime *rt) {
  for (int sockets = 0; sockets < 2; sockets++) {
    hd_stream a, b;
    assert_int_equal(sockets ? hd_socketpair(&a, &b) : hd_pipe(&a, &b), 0);
    partial f;
    HD_ASYNC_INIT(&f, partial);
    f.rd = &a;
    f.wr = &b;
    assert_int_equal(hd_block_on(rt, &f.hd), 0);
    hd_stream_close(&a);
    hd_stream_close(&b);
  }
}
static void test_framed_dropped_read_frame_loses_nothing(void **state) {
  harness_each_runtime(check_dropped_read_frame);
}

/* Announced length over the limit: HD_ETOOBIG, and it sticks. */
HD_ASYNC_FN(oversize, int, hd_stream *rd; hd_stream * wr; hd_framed_reader fr; hd_read_frame rf;
            hd_write_all w;);
HD_ASYNC(oversize, f, cx, NULL) {
  assert_int_equal(hd_framed_reader_init(&f->fr, f->rd, 16), 0);
  HD_AWAIT(f, cx, hd_write_all_init(&f->w, f->wr, "\0\0\0\x11", 4)); /* 17 bytes */
  HD_AWAIT(f, cx, hd_read_frame_init(&f->rf, &f->fr));
  assert_int_equal(f->rf.out, HD_ETOOBIG);
  HD_AWAIT(f, cx, hd_read_frame_init(&f->rf, &f->fr));
  assert_int_equal(f->rf.out, HD_ETOOBIG);
  hd_framed_reader_free(&f->fr);
}
HD_ASYNC_END(f)

/* End of stream inside a frame: HD_EEOF. */
HD_ASYNC_FN(cut, int, hd_stream *rd; hd_stream * wr; hd_framed_reader fr; hd_read_frame rf;
            hd_write_all w;);
HD_ASYNC(cut, f, cx, NULL) {
  assert_int_equal(hd_framed_reader_init(&f->fr, f->rd, 16), 0);
  HD_AWAIT(f, cx,
           hd_write_all_init(&f->w, f->wr,
                             "\0\0\0\x03"
                             "ab",
                             6));
  hd_stream_close(f->wr);
  HD_AWAIT(f, cx, hd_read_frame_init(&f->rf, &f->fr));
  assert_int_equal(f->rf.out, HD_EEOF);
  hd_framed_reader_free(&f->fr);
}
HD_ASYNC_END(f)

static void check_bad_frames(hd_runtime *rt) {
  hd_stream a, b;
  assert_int_equal(hd_socketpair(&a, &b), 0);
  oversize f;
  HD_ASYNC_INIT(&f, oversize);
  f.rd = &a;
  f.wr = &b;
  assert_int_equal(hd_block_on(rt, &f.hd), 0);
  hd_stream_close(&a);
  hd_stream_close(&b);

  assert_int_equal(hd_socketpair(&a, &b), 0);
  cut g;
  HD_ASYNC_INIT(&g, cut);
  g.rd = &a;
  g.wr = &b;
  assert_int_equal(hd_block_on(rt, &g.hd), 0);
  hd_stream_close(&a);
}
static void test_framed_oversize_and_truncated(void **state) {
  harness_each_runtime(check_bad_frames);
}

static void test_framed_bad_input(void **state) {
  hd_waker w = hd_waker_noop();
  hd_context cx = {&w};
  hd_stream a, b;
  hd_framed_reader fr;
  assert_int_equal(hd_framed_reader_init(NULL, &a, 16), HD_EINVAL);
  assert_int_equal(hd_framed_reader_init(&fr, NULL, 16), HD_EINVAL);
  hd_read_frame rf;
  hd_read_frame_init(&rf, NULL);
  assert_int_equal(hd_future_poll(&rf.hd, &cx), HD_READY);
  assert_int_equal(rf.out, HD_EINVAL);
  hd_write_frame wf;
  hd_write_frame_init(&wf, NULL, "x", 1);
  assert_int_equal(hd_future_poll(&wf.hd, &cx), HD_READY);
  assert_int_equal(wf.out, HD_EINVAL);
  /* A reader over a closed stream: HD_EBADF, no crash. */
  assert_int_equal(hd_pipe(&a, &b), 0);
  assert_int_equal(hd_framed_reader_init(&fr, &a, 16), 0);
  hd_stream_close(&a);
  hd_read_frame_init(&rf, &fr);
  assert_int_equal(hd_future_poll(&rf.hd, &cx), HD_READY);
  assert_int_equal(rf.out, HD_EBADF);
  hd_framed_reader_free(&fr);
  hd_framed_reader_free(&fr);   /* idempotent */
  hd_read_frame_init(&rf, &fr); /* freed reader: HD_EINVAL */
  assert_int_equal(hd_future_poll(&rf.hd, &cx), HD_READY);
  assert_int_equal(rf.out, HD_EINVAL);
  hd_stream_close(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_framed_round_trip),
      cmocka_unit_test(test_framed_dropped_read_frame_loses_nothing),
      cmocka_unit_test(test_framed_oversize_and_truncated),
      cmocka_unit_test(test_framed_bad_input),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
