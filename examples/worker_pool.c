/* examples/worker_pool.c - a worker pool sharing state under an async mutex.
 *
 *   worker_pool [--current | --multi] [--workers N] [--jobs N]
 *
 * Jobs travel over a bounded mpsc channel. The channel has one receiver,
 * so the workers share it under an async mutex (the guard is held across
 * the recv await: only one worker waits on the channel at a time, the
 * others queue on the mutex in FIFO order). Each result is added to shared
 * totals under a second async mutex.
 *
 * Before the pool starts, a "hog" task takes the totals mutex and parks
 * forever; main aborts it. Cancelling a task drops its frame, and the
 * frame's drop hook releases the guards it holds: that is what lets the
 * workers lock the totals afterwards. Every async function below that
 * holds a guard across an await has such a hook.
 *
 * Exit status: 0 when the totals match a sequential computation, 1 on a
 * wrong result, 2 on a setup error.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heddle/heddle.h"

enum { MAX_WORKERS = 64 };

typedef struct job {
  unsigned id;
  unsigned long long seed;
} job;

/* Shared by every task; lives in main's stack frame for the whole run. */
typedef struct pool {
  hd_mutex rx_lock; /* guards rx: the channel has a single consumer */
  hd_mpsc_receiver rx;
  hd_mutex totals_lock; /* guards everything below */
  unsigned long long sum;
  unsigned done;
  unsigned per_worker[MAX_WORKERS];
  hd_notify never; /* never notified: the hog parks on it */
} pool;

/* The work: steps of the Collatz sequence from `seed` to 1. */
static unsigned long long collatz_steps(unsigned long long n) {
  unsigned long long steps = 0;
  while (n > 1) {
    n = n % 2 ? 3 * n + 1 : n / 2;
    steps++;
  }
  return steps;
}

static unsigned long long job_seed(unsigned id) {
  return 1000003ull * id % 999983 + 1;
}

/* ---- a task that holds the totals lock until it is cancelled ------------ */

HD_ASYNC_FN(
    hog, int, pool *p; hd_oneshot_sender locked; hd_mutex_guard guard; union {
      hd_mutex_lock lock;
      hd_notify_notified wait;
    } c;);
static void hog_drop(hd_future *self) {
  hog *f = (hog *)self;
  hd_mutex_guard_release(&f->guard); /* what makes cancelling it safe */
  hd_oneshot_sender_drop(&f->locked);
}
HD_ASYNC(hog, f, cx, hog_drop) {
  HD_AWAIT(f, cx, hd_mutex_lock_init(&f->c.lock, &f->p->totals_lock, &f->guard));
  {
    int yes = 1;
    hd_oneshot_send(&f->locked, &yes); /* tell main we hold it */
  }
  HD_AWAIT(f, cx, hd_notify_notified_init(&f->c.wait, &f->p->never)); /* parks forever */
  hd_mutex_guard_release(&f->guard);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

/* ---- a worker ------------------------------------------------------------ */

HD_ASYNC_FN(
    worker, int, pool *p; unsigned index; job j; unsigned long long result; hd_mutex_guard rx_guard;
    hd_mutex_guard totals_guard; union {
      hd_mutex_lock lock;
      hd_mpsc_recv recv;
      hd_yield y;
    } c;);
static void worker_drop(hd_future *self) {
  worker *f = (worker *)self;
  hd_mutex_guard_release(&f->rx_guard);
  hd_mutex_guard_release(&f->totals_guard);
}
HD_ASYNC(worker, f, cx, worker_drop) {
  for (;;) {
    HD_AWAIT(f, cx, hd_mutex_lock_init(&f->c.lock, &f->p->rx_lock, &f->rx_guard));
    HD_AWAIT(f, cx, hd_mpsc_recv_init(&f->c.recv, &f->p->rx, &f->j));
    int got = f->c.recv.out;
    hd_mutex_guard_release(&f->rx_guard);
    if (got == HD_ECLOSED)
      break;
    f->result = collatz_steps(f->j.seed);
    HD_AWAIT(f, cx, hd_yield_init(&f->c.y)); /* let others run between jobs */
    HD_AWAIT(f, cx, hd_mutex_lock_init(&f->c.lock, &f->p->totals_lock, &f->totals_guard));
    f->p->sum += f->result;
    f->p->done++;
    f->p->per_worker[f->index]++;
    hd_mutex_guard_release(&f->totals_guard);
  }
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

/* ---- main task ------------------------------------------------------------ */

HD_ASYNC_FN(
    run_pool, int, pool *p; unsigned workers; unsigned jobs; hd_mpsc_sender tx;
    hd_join_handle * hog_h; hd_oneshot_receiver hog_locked; int flag; unsigned i; job j;
    hd_join_handle * h[MAX_WORKERS]; union {
      hd_oneshot_recv locked;
      hd_join join;
      hd_mpsc_send send;
    } c;);
static void run_pool_drop(hd_future *self) {
  run_pool *f = (run_pool *)self;
  hd_mpsc_sender_drop(&f->tx);
  hd_oneshot_receiver_drop(&f->hog_locked);
}
HD_ASYNC(run_pool, f, cx, run_pool_drop) {
  /* 1. A hog takes the totals lock; cancel it while it holds the guard. */
  {
    hog h;
    HD_ASYNC_INIT(&h, hog);
    h.p = f->p;
    if (hd_oneshot_channel(sizeof(int), &h.locked, &f->hog_locked) != 0)
      HD_RETURN(f, 2);
    f->hog_h = hd_spawn(&h.hd);
    if (!f->hog_h)
      HD_RETURN(f, 2);
  }
  HD_AWAIT(f, cx, hd_oneshot_recv_init(&f->c.locked, &f->hog_locked, &f->flag));
  hd_oneshot_receiver_drop(&f->hog_locked);
  hd_join_handle_abort(f->hog_h);
  HD_AWAIT(f, cx, hd_join_init(&f->c.join, f->hog_h));
  if (f->c.join.err != HD_ECANCELED) {
    fprintf(stderr, "worker_pool: the hog was not cancelled\n");
    HD_RETURN(f, 1);
  }
  hd_join_handle_drop(f->hog_h);
  {
    hd_mutex_guard probe = {0};
    if (hd_mutex_try_lock(&f->p->totals_lock, &probe) != 0) {
      fprintf(stderr, "worker_pool: cancelling the hog did not unlock\n");
      HD_RETURN(f, 1);
    }
    hd_mutex_guard_release(&probe);
  }

  /* 2. The pool. */
  for (f->i = 0; f->i < f->workers; f->i++) {
    worker w;
    HD_ASYNC_INIT(&w, worker);
    w.p = f->p;
    w.index = f->i;
    f->h[f->i] = hd_spawn(&w.hd);
    if (!f->h[f->i])
      HD_RETURN(f, 2);
  }
  for (f->i = 0; f->i < f->jobs; f->i++) {
    f->j.id = f->i;
    f->j.seed = job_seed(f->i);
    HD_AWAIT(f, cx, hd_mpsc_send_init(&f->c.send, &f->tx, &f->j)); /* waits for room */
    if (f->c.send.out != 0)
      HD_RETURN(f, 2);
  }
  hd_mpsc_sender_drop(&f->tx); /* the workers see HD_ECLOSED once drained */
  for (f->i = 0; f->i < f->workers; f->i++) {
    HD_AWAIT(f, cx, hd_join_init(&f->c.join, f->h[f->i]));
    hd_join_handle_drop(f->h[f->i]);
  }
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

static int usage(void) {
  fprintf(stderr, "usage: worker_pool [--current | --multi] [--workers N] [--jobs N]\n");
  return 2;
}

int main(int argc, char **argv) {
  bool multi = true;
  unsigned workers = 4, jobs = 2000;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--current"))
      multi = false;
    else if (!strcmp(argv[i], "--multi"))
      multi = true;
    else if (!strcmp(argv[i], "--workers") && i + 1 < argc)
      workers = (unsigned)strtoul(argv[++i], NULL, 10);
    else if (!strcmp(argv[i], "--jobs") && i + 1 < argc)
      jobs = (unsigned)strtoul(argv[++i], NULL, 10);
    else
      return usage();
  }
  if (workers == 0 || workers > MAX_WORKERS)
    return usage();

  hd_runtime *rt = multi ? hd_runtime_new_multi_thread(workers) : hd_runtime_new_current_thread();
  if (!rt)
    return 2;
  pool p;
  memset(&p, 0, sizeof p);
  hd_mutex_init(&p.rx_lock);
  hd_mutex_init(&p.totals_lock);
  hd_notify_init(&p.never);
  run_pool f;
  HD_ASYNC_INIT(&f, run_pool);
  f.p = &p;
  f.workers = workers;
  f.jobs = jobs;
  if (hd_mpsc_bounded(sizeof(job), 8, &f.tx, &p.rx) != 0)
    return 2;
  int rc = hd_block_on(rt, &f.hd);
  hd_runtime_free(rt);
  hd_mpsc_receiver_drop(&p.rx);
  if (rc != 0 || f.out != 0)
    return f.out ? f.out : 2;

  unsigned long long expect = 0;
  for (unsigned i = 0; i < jobs; i++)
    expect += collatz_steps(job_seed(i));
  printf("worker_pool: %s executor, %u workers, %u jobs, sum %llu (expected %llu); per worker:",
         multi ? "multi-thread" : "current-thread", workers, p.done, p.sum, expect);
  for (unsigned i = 0; i < workers; i++)
    printf(" %u", p.per_worker[i]);
  printf("\n");
  hd_mutex_destroy(&p.rx_lock);
  hd_mutex_destroy(&p.totals_lock);
  hd_notify_destroy(&p.never);
  return p.sum == expect && p.done == jobs ? 0 : 1;
}
