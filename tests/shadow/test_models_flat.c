/* Memory stays flat over 10^6 random executions of a model that uses every
 * part of model/ext.h at once: TCP streams with read splits, a framed reader
 * (malloc'd buffer) in a select with a heartbeat timer, a sleeping sender,
 * a oneshot reply, an async mutex, two workers and the oracle threads. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "heddle/heddle.h"
#include "models.h"

static hd_tcp_listener lst;
static hd_mutex amutex;
static int frames; /* guarded by amutex */
static hd_oneshot_sender done_tx;
static hd_oneshot_receiver done_rx;

HD_ASYNC_FN(sender, int, hd_stream s; hd_tcp_connect c; hd_write_all w; hd_sleep pause;);
HD_ASYNC(sender, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_tcp_connect_init(&f->c, NULL, (uint16_t)hd_tcp_listener_port(&lst), &f->s));
  HD_AWAIT(f, cx, hd_write_all_init(&f->w, &f->s, "\0\0", 2));
  HD_AWAIT(f, cx, hd_sleep_init(&f->pause, 30));
  HD_AWAIT(f, cx, hd_write_all_init(&f->w, &f->s, "\0\3abc", 5));
  hd_stream_close(&f->s);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(receiver, int, hd_stream conn; hd_accept a; hd_framed_reader fr; hd_read_frame rf;
            hd_sleep beat; hd_select sel; hd_mutex_guard g; hd_mutex_lock l; int n;);
static void receiver_drop(hd_future *self) {
  hd_framed_reader_free(&((receiver *)self)->fr);
}
HD_ASYNC(receiver, f, cx, receiver_drop) {
  HD_AWAIT(f, cx, hd_accept_init(&f->a, &lst, &f->conn));
  hd_framed_reader_init(&f->fr, &f->conn, 16);
  for (;;) {
    HD_AWAIT(f, cx,
             HD_SELECT(&f->sel, hd_read_frame_init(&f->rf, &f->fr), hd_sleep_init(&f->beat, 20)));
    if (f->sel.winner == 1)
      continue;
    if (f->rf.out != 0)
      break;
    HD_AWAIT(f, cx, hd_mutex_lock_init(&f->l, &amutex, &f->g));
    frames++;
    hd_mutex_guard_release(&f->g);
    f->n++;
  }
  hd_framed_reader_free(&f->fr);
  hd_stream_close(&f->conn);
  hd_oneshot_send(&done_tx, &f->n);
  HD_RETURN(f, f->n);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(both, int, hd_join_handle *h[2]; hd_oneshot_recv r; int n; int k; hd_join j;);
HD_ASYNC(both, f, cx, NULL) {
  hd_tcp_listener_bind(&lst, NULL, 0, 4);
  {
    receiver r;
    sender s;
    HD_ASYNC_INIT(&r, receiver);
    HD_ASYNC_INIT(&s, sender);
    f->h[0] = hd_spawn(&r.hd);
    f->h[1] = hd_spawn(&s.hd);
  }
  HD_AWAIT(f, cx, hd_oneshot_recv_init(&f->r, &done_rx, &f->n));
  for (f->k = 0; f->k < 2; f->k++)
    HD_AWAIT(f, cx, hd_join_init(&f->j, f->h[f->k]));
  hd_tcp_listener_close(&lst);
  HD_RETURN(f, f->n);
}
HD_ASYNC_END(f)

static void body_mixed(void) {
  hd_mutex_init(&amutex);
  frames = 0;
  hd_oneshot_channel(sizeof(int), &done_tx, &done_rx);
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  both b;
  HD_ASYNC_INIT(&b, both);
  HD_SHADOW_CHECK(hd_block_on(rt, &b.hd) == 0);
  HD_SHADOW_CHECK(b.out == 1 && frames == 1);
  hd_runtime_free(rt);
  hd_oneshot_receiver_drop(&done_rx);
}

static long rss_kib(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long kib = -1;
  while (f && fgets(line, sizeof line, f))
    if (sscanf(line, "VmRSS: %ld", &kib) == 1)
      break;
  if (f)
    fclose(f);
  return kib;
}

static void test_models_flat_memory(void **state) {
  hd_shadow_options o = model_options();
  o.isolate = false; /* measure this process */
  o.strategy = HD_SHADOW_RANDOM;
  o.iterations = 10000;
  assert_int_equal(hd_shadow_run(&o, body_mixed, NULL), 0);
  long before = rss_kib();
  o.iterations = 1000000;
  hd_shadow_stats st;
  assert_int_equal(hd_shadow_run(&o, body_mixed, &st), 0);
  long after = rss_kib();
  assert_int_equal(st.executions, 1000000);
  printf("rss before %ld KiB, after 10^6 executions %ld KiB (%.0f executions/s)\n", before, after,
         (double)st.executions / st.seconds);
  assert_true(after - before < 1024);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_models_flat_memory),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
