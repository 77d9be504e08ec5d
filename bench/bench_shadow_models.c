/* bench_shadow_models: executions to exhaust and executions/s for models of
 * the rest of the API on libheddle-shadow (virtual time, sync, channels, the
 * in-memory network): N tasks incrementing under an async mutex, oneshot
 * and mpsc ping-pong, a select of read_exact against a timeout over a
 * stream split in every way, and the relay scenario of
 * corpus/dynamic/cancel-data-loss (its bug and its fixed twin).
 * Columns: executions of one DFS (bound "-": unbounded, i.e. exhaustive;
 * otherwise iterative preemption bounds up to it, all passes counted), reports found,
 * DFS executions/s (the whole exploration repeated in-process) and random
 * walk executions/s (20,000-execution walks). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "heddle/heddle.h"
#include "heddle/shadow.h"

static int ntasks;
static unsigned nworkers;

static void run_root(hd_future *root) {
  hd_runtime *rt =
      nworkers ? hd_runtime_new_multi_thread(nworkers) : hd_runtime_new_current_thread();
  hd_block_on(rt, root);
  hd_runtime_free(rt);
}

/* ---- N tasks increment under an async mutex ---- */

static hd_mutex amutex;
static int shared;

HD_ASYNC_FN(adder, int, hd_mutex_guard g; hd_mutex_lock l;);
HD_ASYNC(adder, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_mutex_lock_init(&f->l, &amutex, &f->g));
  shared++;
  hd_mutex_guard_release(&f->g);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(adders, int, hd_join_handle *h[4]; int k; hd_join j;);
HD_ASYNC(adders, f, cx, NULL) {
  for (f->k = 0; f->k < ntasks; f->k++) {
    adder a;
    HD_ASYNC_INIT(&a, adder);
    f->h[f->k] = hd_spawn(&a.hd);
  }
  for (f->k = 0; f->k < ntasks; f->k++)
    HD_AWAIT(f, cx, hd_join_init(&f->j, f->h[f->k]));
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

static void body_async_mutex(void) {
  hd_mutex_init(&amutex);
  shared = 0;
  adders a;
  HD_ASYNC_INIT(&a, adders);
  run_root(&a.hd);
  hd_shadow_check(shared == ntasks, "shared == ntasks");
}

/* ---- oneshot ping-pong: ping one way, pong back ---- */

static hd_oneshot_sender ping_tx, pong_tx;
static hd_oneshot_receiver ping_rx, pong_rx;

HD_ASYNC_FN(ponger, int, int v; hd_oneshot_recv r;);
HD_ASYNC(ponger, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_oneshot_recv_init(&f->r, &ping_rx, &f->v));
  f->v++;
  hd_oneshot_send(&pong_tx, &f->v);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(pinger, int, int v; hd_oneshot_recv r; hd_join_handle * h; hd_join j;);
HD_ASYNC(pinger, f, cx, NULL) {
  {
    ponger p;
    HD_ASYNC_INIT(&p, ponger);
    f->h = hd_spawn(&p.hd);
  }
  f->v = 1;
  hd_oneshot_send(&ping_tx, &f->v);
  HD_AWAIT(f, cx, hd_oneshot_recv_init(&f->r, &pong_rx, &f->v));
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->h));
  HD_RETURN(f, f->v);
}
HD_ASYNC_END(f)

static void body_oneshot(void) {
  hd_oneshot_channel(sizeof(int), &ping_tx, &ping_rx);
  hd_oneshot_channel(sizeof(int), &pong_tx, &pong_rx);
  pinger p;
  HD_ASYNC_INIT(&p, pinger);
  run_root(&p.hd);
  hd_oneshot_receiver_drop(&ping_rx);
  hd_oneshot_receiver_drop(&pong_rx);
  hd_shadow_check(p.out == 2, "pong == 2");
}

/* ---- mpsc ping-pong: 2 round trips over two bounded(1) channels ---- */

static hd_mpsc_sender req_tx, rep_tx;
static hd_mpsc_receiver req_rx, rep_rx;

HD_ASYNC_FN(echo, int, int v; hd_mpsc_recv r; hd_mpsc_send s;);
HD_ASYNC(echo, f, cx, NULL) {
  for (;;) {
    HD_AWAIT(f, cx, hd_mpsc_recv_init(&f->r, &req_rx, &f->v));
    if (f->r.out != 0)
      break;
    HD_AWAIT(f, cx, hd_mpsc_send_init(&f->s, &rep_tx, &f->v));
  }
  hd_mpsc_sender_drop(&rep_tx);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(client, int, int i; int v; hd_mpsc_send s; hd_mpsc_recv r; hd_join_handle * h;
            hd_join j;);
HD_ASYNC(client, f, cx, NULL) {
  {
    echo e;
    HD_ASYNC_INIT(&e, echo);
    f->h = hd_spawn(&e.hd);
  }
  for (f->i = 0; f->i < 2; f->i++) {
    f->v = f->i;
    HD_AWAIT(f, cx, hd_mpsc_send_init(&f->s, &req_tx, &f->v));
    HD_AWAIT(f, cx, hd_mpsc_recv_init(&f->r, &rep_rx, &f->v));
    f->out += f->v == f->i;
  }
  hd_mpsc_sender_drop(&req_tx);
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->h));
  HD_RETURN(f, f->out);
}
HD_ASYNC_END(f)

static void body_mpsc(void) {
  hd_mpsc_bounded(sizeof(int), 1, &req_tx, &req_rx);
  hd_mpsc_bounded(sizeof(int), 1, &rep_tx, &rep_rx);
  client c;
  HD_ASYNC_INIT(&c, client);
  run_root(&c.hd);
  hd_mpsc_receiver_drop(&req_rx);
  hd_mpsc_receiver_drop(&rep_rx);
  hd_shadow_check(c.out == 2, "2 replies");
}

/* ---- select(read_exact(8), timeout) while a writer sends 8 bytes ---- */

static hd_stream ends[2];

HD_ASYNC_FN(sender8, int, hd_write_all w;);
HD_ASYNC(sender8, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_write_all_init(&f->w, &ends[1], "abcdefgh", 8));
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(select_rx, int, uint8_t buf[8]; hd_read_exact rx; hd_sleep t; hd_select sel;
            hd_join_handle * h; hd_join j;);
HD_ASYNC(select_rx, f, cx, NULL) {
  {
    sender8 s;
    HD_ASYNC_INIT(&s, sender8);
    f->h = hd_spawn(&s.hd);
  }
  HD_AWAIT(f, cx,
           HD_SELECT(&f->sel, hd_read_exact_init(&f->rx, &ends[0], f->buf, 8),
                     hd_sleep_init(&f->t, 10)));
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->h));
  HD_RETURN(f, f->sel.winner);
}
HD_ASYNC_END(f)

static void body_select(void) {
  hd_socketpair(&ends[0], &ends[1]);
  select_rx s;
  HD_ASYNC_INIT(&s, select_rx);
  run_root(&s.hd);
}

/* ---- the relay scenario (corpus/dynamic/cancel-data-loss) ---- */

#define HEARTBEAT_MS 50
static bool relay_fixed;

HD_ASYNC_FN(
    session, int, hd_stream *s; uint8_t hdr[4]; uint8_t body[16]; hd_framed_reader fr; struct {
      hd_read_exact hdr;
      hd_read_frame frame;
      hd_sleep beat;
      hd_select sel;
    } w;
    hd_read_exact body_rx; hd_write_all ack; int frames;);
static void session_drop(hd_future *self) {
  hd_framed_reader_free(&((session *)self)->fr);
}
HD_ASYNC(session, f, cx, session_drop) {
  hd_framed_reader_init(&f->fr, f->s, 16);
  for (;;) {
    if (relay_fixed)
      HD_AWAIT(f, cx,
               HD_SELECT(&f->w.sel, hd_read_frame_init(&f->w.frame, &f->fr),
                         hd_sleep_init(&f->w.beat, HEARTBEAT_MS)));
    else
      HD_AWAIT(f, cx,
               HD_SELECT(&f->w.sel, hd_read_exact_init(&f->w.hdr, f->s, f->hdr, 4),
                         hd_sleep_init(&f->w.beat, HEARTBEAT_MS)));
    if (f->w.sel.winner == 1)
      continue;
    if (relay_fixed ? f->w.frame.out != 0 : f->w.hdr.out != 0)
      break;
    if (!relay_fixed) {
      uint32_t len = (uint32_t)f->hdr[2] << 8 | f->hdr[3];
      if (len > sizeof f->body)
        break;
      HD_AWAIT(f, cx, hd_read_exact_init(&f->body_rx, f->s, f->body, len));
      if (f->body_rx.out != 0)
        break;
    }
    f->frames++;
    HD_AWAIT(f, cx, hd_write_all_init(&f->ack, f->s, "ACK\n", 4));
  }
  hd_framed_reader_free(&f->fr);
  HD_RETURN(f, f->frames);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(
    sensor, int, uint16_t port; hd_stream s; uint8_t ack[4]; union {
      hd_tcp_connect conn;
      hd_write_all wr;
      hd_sleep pause;
      hd_timeout tmo;
    } c;
    hd_read_exact rx;);
HD_ASYNC(sensor, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_tcp_connect_init(&f->c.conn, NULL, f->port, &f->s));
  HD_AWAIT(f, cx, hd_write_all_init(&f->c.wr, &f->s, "\0\0", 2));
  HD_AWAIT(f, cx, hd_sleep_init(&f->c.pause, HEARTBEAT_MS + 20));
  HD_AWAIT(f, cx, hd_write_all_init(&f->c.wr, &f->s, "\0\x08temp=21C", 10));
  HD_AWAIT(f, cx, hd_timeout_init(&f->c.tmo, hd_read_exact_init(&f->rx, &f->s, f->ack, 4), 500));
  hd_stream_close(&f->s);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(relay, int, hd_tcp_listener l; hd_stream conn; hd_join_handle * sens; hd_accept acc;
            session sess; hd_join j;);
HD_ASYNC(relay, f, cx, NULL) {
  hd_tcp_listener_bind(&f->l, NULL, 0, 16);
  {
    sensor s;
    HD_ASYNC_INIT(&s, sensor);
    s.port = (uint16_t)hd_tcp_listener_port(&f->l);
    f->sens = hd_spawn(&s.hd);
  }
  HD_AWAIT(f, cx, hd_accept_init(&f->acc, &f->l, &f->conn));
  HD_ASYNC_INIT(&f->sess, session);
  f->sess.s = &f->conn;
  HD_AWAIT(f, cx, &f->sess.hd);
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->sens));
  hd_stream_close(&f->conn);
  hd_tcp_listener_close(&f->l);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

static void body_relay(void) {
  relay r;
  HD_ASYNC_INIT(&r, relay);
  run_root(&r.hd);
}

/* ---- measuring ---- */

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double rate(hd_shadow_options o, void (*body)(void)) {
  uint64_t execs = 0;
  double start = now(), el;
  do {
    hd_shadow_stats st;
    hd_shadow_run(&o, body, &st);
    execs += st.executions;
    el = now() - start;
  } while (el < 0.3);
  return (double)execs / el;
}

static void row(const char *name, void (*body)(void), const char *param, int bound) {
  hd_shadow_options o;
  hd_shadow_options_default(&o);
  o.preemptions = bound;
  o.quiet = true;
  o.isolate = false;
  hd_shadow_stats st;
  hd_shadow_run(&o, body, &st);
  double dfs = rate(o, body);
  hd_shadow_options r = o;
  r.strategy = HD_SHADOW_RANDOM;
  r.iterations = 20000;
  double rnd = rate(r, body);
  printf("%-30s %-12s %5s %10llu %7zu %11.0f %11.0f\n", name, param,
         bound < 0 ? "-" : (bound == 1 ? "1" : "2"), (unsigned long long)st.executions, st.reports,
         dfs, rnd);
  fflush(stdout);
}

int main(void) {
  printf("%-30s %-12s %5s %10s %7s %11s %11s\n", "model", "params", "bound", "executions",
         "reports", "dfs/s", "random/s");
  char p[32];
  nworkers = 0;
  for (ntasks = 2; ntasks <= 3; ntasks++) {
    snprintf(p, sizeof p, "N=%d, current", ntasks);
    row("async mutex increment", body_async_mutex, p, -1);
  }
  nworkers = 2;
  ntasks = 2;
  row("async mutex increment", body_async_mutex, "N=2, 2 wk", -1);
  ntasks = 3;
  row("async mutex increment", body_async_mutex, "N=3, 2 wk", 1);
  for (nworkers = 0; nworkers <= 2; nworkers += 2) {
    snprintf(p, sizeof p, nworkers ? "2 workers" : "current");
    row("oneshot ping-pong", body_oneshot, p, nworkers ? 2 : -1);
    row("mpsc ping-pong (2 trips)", body_mpsc, p, nworkers ? 2 : -1);
    row("select(read_exact 8, timeout)", body_select, p, nworkers ? 2 : -1);
  }
  nworkers = 0;
  relay_fixed = false;
  row("relay (cancel-data-loss)", body_relay, "current", -1);
  relay_fixed = true;
  row("relay fixed (framed reader)", body_relay, "current", -1);
  nworkers = 2;
  relay_fixed = false;
  row("relay (cancel-data-loss)", body_relay, "2 workers", 1);
  relay_fixed = true;
  row("relay fixed (framed reader)", body_relay, "2 workers", 1);
  return 0;
}
