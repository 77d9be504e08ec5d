/* The in-memory network: pipes, socket pairs and TCP as byte queues whose
 * reads return a split chosen by the scheduler, under the real I/O futures
 * (read_exact, read_line, read_to_end, write_all, framed reader). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "heddle/io.h"
#include "heddle/runtime.h"
#include "models.h"

static unsigned seen_sizes; /* across executions (isolate off): bit n = a read got n bytes */
static hd_stream ends[2];

/* ---- one read of 4 available bytes: all, 1 or 2 ---- */

HD_ASYNC_FN(one_read, int, uint8_t buf[8]; hd_read r; hd_write_all w;);
HD_ASYNC(one_read, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_write_all_init(&f->w, &ends[1], "abcd", 4));
  HD_AWAIT(f, cx, hd_read_init(&f->r, &ends[0], f->buf, sizeof f->buf));
  HD_SHADOW_CHECK(f->r.out >= 1 && f->r.out <= 4 && memcmp(f->buf, "abcd", (size_t)f->r.out) == 0);
  seen_sizes |= 1u << f->r.out;
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

static void run_root(hd_future *root, unsigned workers) {
  hd_runtime *rt = workers ? hd_runtime_new_multi_thread(workers) : hd_runtime_new_current_thread();
  HD_SHADOW_CHECK(hd_block_on(rt, root) == 0);
  hd_runtime_free(rt);
}

static void body_one_read(void) {
  HD_SHADOW_CHECK(hd_pipe(&ends[0], &ends[1]) == 0);
  one_read r;
  HD_ASYNC_INIT(&r, one_read);
  run_root(&r.hd, 0);
}

static hd_shadow_options options(void) {
  hd_shadow_options o = model_options();
  o.isolate = false;
  o.preemptions = 2;
  return o;
}

/* Current-thread: one unbounded DFS pass (exhaustive, small). Two workers:
 * a seeded random walk (the space with every read split is large). */
static hd_shadow_options options_for(unsigned nworkers) {
  hd_shadow_options o = options();
  if (nworkers) {
    o.strategy = HD_SHADOW_RANDOM;
    o.seed = 1;
    o.iterations = 3000;
  } else {
    o.preemptions = -1;
  }
  return o;
}

static void test_net_read_splits(void **state) {
  hd_shadow_options o = options();
  hd_shadow_stats st;
  o.preemptions = -1; /* one unbounded pass */
  seen_sizes = 0;
  assert_int_equal(hd_shadow_run(&o, body_one_read, &st), 0);
  assert_int_equal(seen_sizes, (1u << 1) | (1u << 2) | (1u << 4));
  assert_int_equal(st.executions, 3);
}

/* ---- a writer task sends a line in two parts; read_line and read_exact
 * get it whole whatever the splits ---- */

HD_ASYNC_FN(writer, int, hd_write_all w;);
HD_ASYNC(writer, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_write_all_init(&f->w, &ends[1], "hel", 3));
  HD_AWAIT(f, cx, hd_write_all_init(&f->w, &ends[1], "lo\nrest", 7));
  hd_stream_close(&ends[1]);
  HD_RETURN(f, f->w.out);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(liner, int, char line[16]; uint8_t rest[4]; hd_read_line rl; hd_read_exact rx;
            hd_read_to_end re; hd_join_handle * h; hd_join j;);
HD_ASYNC(liner, f, cx, NULL) {
  {
    writer w;
    HD_ASYNC_INIT(&w, writer);
    f->h = hd_spawn(&w.hd);
  }
  HD_AWAIT(f, cx, hd_read_line_init(&f->rl, &ends[0], f->line, sizeof f->line));
  HD_SHADOW_CHECK(f->rl.out == 6 && strcmp(f->line, "hello\n") == 0);
  HD_AWAIT(f, cx, hd_read_exact_init(&f->rx, &ends[0], f->rest, 2));
  HD_SHADOW_CHECK(f->rx.out == 0 && memcmp(f->rest, "re", 2) == 0);
  HD_AWAIT(f, cx, hd_read_to_end_init(&f->re, &ends[0], 100));
  HD_SHADOW_CHECK(f->re.out == 0 && f->re.len == 2 && memcmp(f->re.data, "st", 2) == 0);
  free(f->re.data);
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->h));
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

static int pair_kind; /* 0 pipe, 1 socketpair */
static unsigned workers;
static uint64_t runs;

static void body_liner(void) {
  HD_SHADOW_CHECK((pair_kind ? hd_socketpair(&ends[0], &ends[1]) : hd_pipe(&ends[0], &ends[1])) ==
                  0);
  liner l;
  HD_ASYNC_INIT(&l, liner);
  run_root(&l.hd, workers);
  hd_stream_close(&ends[0]);
  runs++;
}

static void test_net_line_exact_to_end(void **state) {
  hd_shadow_stats st;
  for (pair_kind = 0; pair_kind < 2; pair_kind++)
    for (workers = 0; workers <= 2; workers += 2) {
      hd_shadow_options o = options_for(workers);
      runs = 0;
      assert_int_equal(hd_shadow_run(&o, body_liner, &st), 0);
      assert_true(runs > 1);
    }
}

/* ---- TCP: connect, accept, a frame each way ---- */

static hd_tcp_listener listener;

HD_ASYNC_FN(client, int, hd_stream s; hd_tcp_connect c; hd_write_frame wf; hd_read_exact rx;
            uint8_t ack[3];);
HD_ASYNC(client, f, cx, NULL) {
  HD_AWAIT(f, cx,
           hd_tcp_connect_init(&f->c, NULL, (uint16_t)hd_tcp_listener_port(&listener), &f->s));
  HD_SHADOW_CHECK(f->c.out == 0);
  HD_AWAIT(f, cx, hd_write_frame_init(&f->wf, &f->s, "ping", 4));
  HD_SHADOW_CHECK(f->wf.out == 0);
  HD_AWAIT(f, cx, hd_read_exact_init(&f->rx, &f->s, f->ack, 3));
  HD_SHADOW_CHECK(f->rx.out == 0 && memcmp(f->ack, "ACK", 3) == 0);
  hd_stream_close(&f->s);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(server, int, hd_stream conn; hd_accept a; hd_framed_reader fr; hd_read_frame rf;
            hd_write_all w; hd_join_handle * h; hd_join j; hd_tcp_connect refused; hd_stream s2;);
HD_ASYNC(server, f, cx, NULL) {
  HD_SHADOW_CHECK(hd_tcp_listener_bind(&listener, NULL, 0, 4) == 0);
  {
    client c;
    HD_ASYNC_INIT(&c, client);
    f->h = hd_spawn(&c.hd);
  }
  HD_AWAIT(f, cx, hd_accept_init(&f->a, &listener, &f->conn));
  HD_SHADOW_CHECK(f->a.out == 0);
  HD_SHADOW_CHECK(hd_framed_reader_init(&f->fr, &f->conn, 64) == 0);
  HD_AWAIT(f, cx, hd_read_frame_init(&f->rf, &f->fr));
  HD_SHADOW_CHECK(f->rf.out == 0 && f->rf.len == 4 && memcmp(f->rf.data, "ping", 4) == 0);
  HD_AWAIT(f, cx, hd_write_all_init(&f->w, &f->conn, "ACK", 3));
  HD_AWAIT(f, cx, hd_read_frame_init(&f->rf, &f->fr));
  HD_SHADOW_CHECK(f->rf.out == HD_ECLOSED); /* the client hung up between frames */
  hd_framed_reader_free(&f->fr);
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->h));
  hd_stream_close(&f->conn);
  hd_tcp_listener_close(&listener);
  HD_AWAIT(f, cx, hd_tcp_connect_init(&f->refused, NULL, 40000, &f->s2));
  HD_SHADOW_CHECK(f->refused.out == HD_ECONNREFUSED);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

static void body_tcp(void) {
  server s;
  HD_ASYNC_INIT(&s, server);
  run_root(&s.hd, workers);
  runs++;
}

static void test_net_tcp_frames(void **state) {
  hd_shadow_stats st;
  for (workers = 0; workers <= 2; workers += 2) {
    hd_shadow_options o = options_for(workers);
    runs = 0;
    assert_int_equal(hd_shadow_run(&o, body_tcp, &st), 0);
    assert_true(runs > 1);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_net_read_splits),
      cmocka_unit_test(test_net_line_exact_to_end),
      cmocka_unit_test(test_net_tcp_frames),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
