/* Channel ping-pong: round trips/s between two tasks, for mpsc and
 * oneshot, on each executor.
 * usage: bench_channel [ROUNDS]   (default 100000)
 *
 * mpsc:    two bounded(1) channels; the pinger sends on one and awaits the
 *          other, the ponger echoes. One round trip = 2 sends + 2 recvs.
 * oneshot: every round uses fresh channels: the pinger sends the ponger a
 *          reply sender plus the receiver of the next round's request
 *          (handles are plain bytes, so they travel in the message). One
 *          round trip = 2 channel creations + 2 sends + 2 recvs. */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "heddle/channel.h"
#include "heddle/runtime.h"

/* ---- mpsc ------------------------------------------------------------------ */

HD_ASYNC_FN(
    mpsc_pong, int, hd_mpsc_receiver rx; hd_mpsc_sender tx; long v; union {
      hd_mpsc_recv recv;
      hd_mpsc_send send;
    } c;);
static void mpsc_pong_drop(hd_future *self) {
  mpsc_pong *f = (mpsc_pong *)self;
  hd_mpsc_receiver_drop(&f->rx);
  hd_mpsc_sender_drop(&f->tx);
}
HD_ASYNC(mpsc_pong, f, cx, mpsc_pong_drop) {
  for (;;) {
    HD_AWAIT(f, cx, hd_mpsc_recv_init(&f->c.recv, &f->rx, &f->v));
    if (f->c.recv.out != 0)
      break;
    f->v++;
    HD_AWAIT(f, cx, hd_mpsc_send_init(&f->c.send, &f->tx, &f->v));
  }
  mpsc_pong_drop(&f->hd);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(
    mpsc_ping, long, long rounds; long i; long v; hd_mpsc_sender tx; hd_mpsc_receiver rx;
    hd_join_handle * h; union {
      hd_mpsc_recv recv;
      hd_mpsc_send send;
      hd_join j;
    } c;);
static void mpsc_ping_drop(hd_future *self) {
  mpsc_ping *f = (mpsc_ping *)self;
  hd_mpsc_receiver_drop(&f->rx);
  hd_mpsc_sender_drop(&f->tx);
}
HD_ASYNC(mpsc_ping, f, cx, mpsc_ping_drop) {
  {
    mpsc_pong p;
    HD_ASYNC_INIT(&p, mpsc_pong);
    if (hd_mpsc_bounded(sizeof(long), 1, &f->tx, &p.rx) != 0 ||
        hd_mpsc_bounded(sizeof(long), 1, &p.tx, &f->rx) != 0)
      HD_RETURN(f, -1);
    f->h = hd_spawn(&p.hd);
  }
  for (f->i = 0; f->i < f->rounds; f->i++) {
    f->v = f->i;
    HD_AWAIT(f, cx, hd_mpsc_send_init(&f->c.send, &f->tx, &f->v));
    HD_AWAIT(f, cx, hd_mpsc_recv_init(&f->c.recv, &f->rx, &f->v));
    if (f->c.recv.out != 0 || f->v != f->i + 1)
      HD_RETURN(f, -1);
  }
  hd_mpsc_sender_drop(&f->tx); /* the ponger sees HD_ECLOSED and ends */
  HD_AWAIT(f, cx, hd_join_init(&f->c.j, f->h));
  hd_join_handle_drop(f->h);
  hd_mpsc_receiver_drop(&f->rx); /* the drop hook runs only when cancelled */
  HD_RETURN(f, f->i);
}
HD_ASYNC_END(f)

/* ---- oneshot ---------------------------------------------------------------- */

typedef struct request {
  hd_oneshot_sender reply;
  hd_oneshot_receiver next; /* where the next request will arrive */
} request;

HD_ASYNC_FN(oneshot_pong, int, hd_oneshot_receiver rx; request req; hd_oneshot_recv recv;);
static void oneshot_pong_drop(hd_future *self) {
  hd_oneshot_receiver_drop(&((oneshot_pong *)self)->rx);
}
HD_ASYNC(oneshot_pong, f, cx, oneshot_pong_drop) {
  for (;;) {
    HD_AWAIT(f, cx, hd_oneshot_recv_init(&f->recv, &f->rx, &f->req));
    hd_oneshot_receiver_drop(&f->rx);
    if (f->recv.out != 0)
      break; /* the pinger dropped its sender: done */
    f->rx = f->req.next;
    long v = 1;
    hd_oneshot_send(&f->req.reply, &v);
  }
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(
    oneshot_ping, long, long rounds; long i; long v; hd_oneshot_sender to_pong;
    hd_oneshot_receiver reply; hd_join_handle * h; union {
      hd_oneshot_recv recv;
      hd_join j;
    } c;);
static void oneshot_ping_drop(hd_future *self) {
  oneshot_ping *f = (oneshot_ping *)self;
  hd_oneshot_sender_drop(&f->to_pong);
  hd_oneshot_receiver_drop(&f->reply);
}
HD_ASYNC(oneshot_ping, f, cx, oneshot_ping_drop) {
  {
    oneshot_pong p;
    HD_ASYNC_INIT(&p, oneshot_pong);
    if (hd_oneshot_channel(sizeof(request), &f->to_pong, &p.rx) != 0)
      HD_RETURN(f, -1);
    f->h = hd_spawn(&p.hd);
  }
  for (f->i = 0; f->i < f->rounds; f->i++) {
    request req;
    hd_oneshot_sender next_tx;
    if (hd_oneshot_channel(sizeof(long), &req.reply, &f->reply) != 0 ||
        hd_oneshot_channel(sizeof(request), &next_tx, &req.next) != 0)
      HD_RETURN(f, -1);
    if (hd_oneshot_send(&f->to_pong, &req) != 0)
      HD_RETURN(f, -1);
    f->to_pong = next_tx;
    HD_AWAIT(f, cx, hd_oneshot_recv_init(&f->c.recv, &f->reply, &f->v));
    hd_oneshot_receiver_drop(&f->reply);
    if (f->c.recv.out != 0 || f->v != 1)
      HD_RETURN(f, -1);
  }
  hd_oneshot_sender_drop(&f->to_pong);
  HD_AWAIT(f, cx, hd_join_init(&f->c.j, f->h));
  hd_join_handle_drop(f->h);
  HD_RETURN(f, f->i);
}
HD_ASYNC_END(f)

/* ---- driver ------------------------------------------------------------------ */

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void report(const char *chan, const char *exec, long rounds, long got, double dt) {
  printf("channel ping-pong %-8s %-24s %9.0f round trips/s  (%ld rounds, %.3f s)%s\n", chan, exec,
         rounds / dt, rounds, dt, got == rounds ? "" : "  WRONG RESULT");
}

/* Runs `ping` as a task (so on the multi-thread executor both sides are on
 * workers, as in a server) and returns its output. */
static long run_task(hd_runtime *rt, hd_future *ping) {
  hd_join_handle *h = hd_spawn_on(rt, ping);
  hd_join j;
  hd_block_on(rt, hd_join_init(&j, h));
  /* Both ping frames are HD_ASYNC_FN(name, long, ...): `out` follows `hd`. */
  long out = j.task ? ((mpsc_ping *)j.task)->out : -1;
  hd_join_handle_drop(h);
  return out;
}

static void run(const char *exec, hd_runtime *(*make)(void), long rounds) {
  hd_runtime *rt = make();
  mpsc_ping m;
  HD_ASYNC_INIT(&m, mpsc_ping);
  m.rounds = rounds;
  double t0 = now_s();
  long got = run_task(rt, &m.hd);
  report("mpsc", exec, rounds, got, now_s() - t0);
  hd_runtime_free(rt);

  rt = make();
  oneshot_ping o;
  HD_ASYNC_INIT(&o, oneshot_ping);
  o.rounds = rounds;
  t0 = now_s();
  got = run_task(rt, &o.hd);
  report("oneshot", exec, rounds, got, now_s() - t0);
  hd_runtime_free(rt);
}

static hd_runtime *make_current(void) {
  return hd_runtime_new_current_thread();
}
static hd_runtime *make_multi(void) {
  return hd_runtime_new_multi_thread(2);
}

int main(int argc, char **argv) {
  long rounds = argc > 1 ? atol(argv[1]) : 100000;
  if (rounds < 100)
    rounds = 100;
  run("current-thread", make_current, rounds);
  run("multi-thread (2 workers)", make_multi, rounds);
  return 0;
}
