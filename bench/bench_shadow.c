/* bench_shadow: the shadow runtime's speed and reduction on standard models.
 *
 * For N = 2, 3, 4 threads: atomic fetch_add, load-then-store (a lost
 * update), increment under a pthread mutex, and 1 writer + N-1 readers.
 * Prints executions to exhaust under unbounded DFS (DPOR + sleep sets)
 * beside the optimal count (one execution per Mazurkiewicz trace), and
 * executions per second for DFS and for random walk, in-process (no fork)
 * and with the crash-isolating fork. Then a 3-worker executor with a
 * lost wake-up (executions until found, per strategy), and the raw fiber
 * switch cost against swapcontext().
 * Usage: bench_shadow [seconds per figure, default 0.3]. */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <ucontext.h>

#include "fiber.h"
#include "heddle/runtime.h"
#include "heddle/shadow.h"

static int nthreads;
static atomic_int counter;
static int plain;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;

static void *fetch_add(void *arg) {
  atomic_fetch_add(&counter, 1);
  return NULL;
}

static void *load_store(void *arg) {
  int v = atomic_load(&counter);
  atomic_store(&counter, v + 1);
  return NULL;
}

static void *locked_inc(void *arg) {
  pthread_mutex_lock(&lock);
  plain++;
  pthread_mutex_unlock(&lock);
  return NULL;
}

static void *writer(void *arg) {
  atomic_store(&counter, 1);
  return NULL;
}

static void *reader(void *arg) {
  return (void *)(intptr_t)atomic_load(&counter);
}

static void run_threads(void *(*first)(void *), void *(*rest)(void *), int n) {
  atomic_store_explicit(&counter, 0, memory_order_relaxed);
  plain = 0;
  pthread_t t[8];
  for (int i = 0; i < n; i++)
    pthread_create(&t[i], NULL, i == 0 && first ? first : rest, NULL);
  for (int i = 0; i < n; i++)
    pthread_join(t[i], NULL);
}

static void body_fetch_add(void) {
  run_threads(NULL, fetch_add, nthreads);
}
static void body_load_store(void) {
  run_threads(NULL, load_store, nthreads);
}
static void body_locked(void) {
  run_threads(NULL, locked_inc, nthreads);
}
static void body_readers(void) {
  run_threads(writer, reader, nthreads);
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double budget = 0.3;

/* Executions per second of `o` on body, repeating the run for the budget. */
static double rate(hd_shadow_options o, void (*body)(void)) {
  uint64_t execs = 0;
  double start = now(), el;
  do {
    hd_shadow_stats st;
    hd_shadow_run(&o, body, &st);
    execs += st.executions;
    el = now() - start;
  } while (el < budget);
  return (double)execs / el;
}

static unsigned long fact(int n) {
  return n <= 1 ? 1 : (unsigned long)n * fact(n - 1);
}

static void row(const char *name, void (*body)(void), int n, unsigned long optimal) {
  nthreads = n;
  hd_shadow_options o;
  hd_shadow_options_default(&o);
  o.preemptions = -1;
  o.quiet = true;
  o.isolate = false;
  hd_shadow_stats st;
  hd_shadow_run(&o, body, &st);
  double dfs = rate(o, body);
  hd_shadow_options fork_o = o;
  fork_o.isolate = true;
  double dfs_fork = rate(fork_o, body);
  hd_shadow_options r = o;
  r.strategy = HD_SHADOW_RANDOM;
  r.iterations = 20000;
  double rnd = rate(r, body);
  printf("%-22s %2d %10llu %8lu %7llu %11.0f %11.0f %11.0f\n", name, n,
         (unsigned long long)st.executions, optimal, (unsigned long long)st.sleep_blocked, dfs,
         dfs_fork, rnd);
  fflush(stdout);
}

/* lastzero(N) (Abdulla et al., POPL 2014): thread 0 scans an array from
 * the end for the last zero while threads 1..N each write a[j] = a[j-1]+1.
 * Source sets alone are not optimal here: executions cut by sleep sets
 * measure how far from optimal the reduction is. */
static atomic_int lz[8];

static void *lz_scan(void *arg) {
  int i = nthreads;
  while (i > 0 && atomic_load(&lz[i]) != 0)
    i--;
  return NULL;
}

static void *lz_write(void *arg) {
  int j = (int)(intptr_t)arg;
  atomic_store(&lz[j], atomic_load(&lz[j - 1]) + 1);
  return NULL;
}

static void body_lastzero(void) {
  for (int i = 0; i <= nthreads; i++)
    atomic_store_explicit(&lz[i], 0, memory_order_relaxed);
  pthread_t t[8];
  pthread_create(&t[0], NULL, lz_scan, NULL);
  for (int j = 1; j <= nthreads; j++)
    pthread_create(&t[j], NULL, lz_write, (void *)(intptr_t)j);
  for (int j = 0; j <= nthreads; j++)
    pthread_join(t[j], NULL);
}

static void bench_lastzero(void) {
  printf("\nlastzero(N): N writers + 1 scanner (not optimal for source sets)\n");
  printf("  %2s %10s %14s %11s\n", "N", "executions", "sleep-blocked", "dfs/s");
  for (int n = 2; n <= 5; n++) {
    nthreads = n;
    hd_shadow_options o;
    hd_shadow_options_default(&o);
    o.preemptions = -1;
    o.quiet = true;
    o.isolate = false;
    hd_shadow_stats st;
    hd_shadow_run(&o, body_lastzero, &st);
    printf("  %2d %10llu %14llu %11.0f\n", n, (unsigned long long)st.executions,
           (unsigned long long)st.sleep_blocked, rate(o, body_lastzero));
  }
}

/* ---- a 3-worker executor with a lost wake-up ---- *
 * A waiter task checks a flag and only then registers its waker; a setter
 * task sets the flag and wakes whatever is registered. Set between the
 * check and the registration, the wake-up is lost and block_on hangs. */

static atomic_int flag, registered;
static hd_waker slot;

typedef struct flag_wait {
  hd_future hd;
} flag_wait;

static hd_poll flag_wait_poll(hd_future *self, hd_context *cx) {
  if (atomic_load(&flag))
    return HD_READY;
  if (!atomic_load(&registered)) {
    slot = hd_waker_clone(cx->waker);
    atomic_store(&registered, 1);
  }
  return HD_PENDING;
}
static const hd_future_vtable flag_wait_vtable = {"flag_wait", flag_wait_poll, NULL,
                                                  sizeof(flag_wait)};

HD_ASYNC_FN(waiter, int, flag_wait w;);
HD_ASYNC(waiter, f, cx, NULL) {
  hd_future_init(&f->w.hd, &flag_wait_vtable);
  HD_AWAIT(f, cx, &f->w.hd);
  HD_RETURN(f, 1);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(setter, int, int unused;);
HD_ASYNC(setter, f, cx, NULL) {
  atomic_store(&flag, 1);
  if (atomic_load(&registered))
    hd_waker_wake_by_ref(&slot);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(pair, int, hd_join_handle *w; hd_join_handle * s; hd_join j;);
HD_ASYNC(pair, f, cx, NULL) {
  waiter w;
  setter st;
  HD_ASYNC_INIT(&w, waiter);
  HD_ASYNC_INIT(&st, setter);
  f->w = hd_spawn(&w.hd);
  f->s = hd_spawn(&st.hd);
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->w));
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->s));
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

static void body_lost_wakeup(void) {
  atomic_store(&flag, 0);
  atomic_store(&registered, 0);
  slot = (hd_waker){0};
  hd_runtime *rt = hd_runtime_new_multi_thread(3);
  pair p;
  HD_ASYNC_INIT(&p, pair);
  hd_block_on(rt, &p.hd);
  hd_runtime_free(rt);
}

static void bench_lost_wakeup(void) {
  static const char *const names[] = {"dfs (bound 2)", "random", "pct (d=3)"};
  static const hd_shadow_strategy strategies[] = {HD_SHADOW_DFS, HD_SHADOW_RANDOM, HD_SHADOW_PCT};
  printf(
      "\nexecutor, 3 workers, lost wake-up: executions until found (seeds 1..5 for random/pct)\n");
  for (int s = 0; s < 3; s++) {
    printf("  %-14s", names[s]);
    for (uint64_t seed = 1; seed <= (s ? 5u : 1u); seed++) {
      hd_shadow_options o;
      hd_shadow_options_default(&o);
      o.quiet = true;
      o.isolate = false;
      o.strategy = strategies[s];
      o.preemptions = 2;
      o.seed = seed;
      o.iterations = 100000;
      hd_shadow_stats st;
      hd_shadow_run(&o, body_lost_wakeup, &st);
      if (hd_shadow_report_count())
        printf(" %6llu", (unsigned long long)hd_shadow_report_get(0)->execution);
      else
        printf(" %6s", "-");
      if (s == 0)
        printf("   (%llu executions in all, %.0f/s)", (unsigned long long)st.executions,
               st.seconds > 0 ? (double)st.executions / st.seconds : 0.0);
    }
    printf("\n");
  }
}

/* ---- the context switch itself ---- */

static hd__fiber main_fib, ping_fib;
static long switches;

static void ping(void *arg) {
  for (;;) {
    switches++;
    hd__fiber_switch(&ping_fib, main_fib.sp);
  }
}

static ucontext_t uc_main, uc_ping;
static void uc_loop(void) {
  for (;;) {
    switches++;
    swapcontext(&uc_ping, &uc_main);
  }
}

static void bench_switch(void) {
  enum { ROUNDS = 2000000 };
  static char stack_a[64 * 1024], stack_b[64 * 1024];
  hd__fiber_init(&ping_fib, stack_a, sizeof stack_a, ping, NULL);
  double t0 = now();
  for (int i = 0; i < ROUNDS; i++)
    hd__fiber_switch(&main_fib, ping_fib.sp);
  double hand = (now() - t0) / (2.0 * ROUNDS) * 1e9;
  getcontext(&uc_ping);
  uc_ping.uc_stack.ss_sp = stack_b;
  uc_ping.uc_stack.ss_size = sizeof stack_b;
  uc_ping.uc_link = NULL;
  makecontext(&uc_ping, uc_loop, 0);
  t0 = now();
  for (int i = 0; i < ROUNDS / 4; i++)
    swapcontext(&uc_main, &uc_ping);
  double uc = (now() - t0) / (2.0 * (ROUNDS / 4)) * 1e9;
  printf("\ncontext switch: hand-written x86_64 %.1f ns, swapcontext %.1f ns (it makes a "
         "sigprocmask system call each time)\n",
         hand, uc);
}

int main(int argc, char **argv) {
  if (argc > 1)
    budget = atof(argv[1]);
  printf("shadow runtime: executions to exhaust (unbounded DFS, source-DPOR + sleep sets) and "
         "executions/s\n\n");
  printf("%-22s %2s %10s %8s %7s %11s %11s %11s\n", "model", "N", "executions", "optimal",
         "blocked", "dfs/s", "dfs+fork/s", "random/s");
  for (int n = 2; n <= 4; n++)
    row("fetch_add", body_fetch_add, n, fact(n));
  for (int n = 2; n <= 4; n++)
    row("load+store", body_load_store, n, fact(n) * fact(n));
  for (int n = 2; n <= 4; n++)
    row("mutex increment", body_locked, n, fact(n));
  for (int n = 2; n <= 4; n++)
    row("1 writer + N-1 readers", body_readers, n, 1ul << (n - 1));
  bench_lastzero();
  bench_lost_wakeup();
  bench_switch();
  return 0;
}
