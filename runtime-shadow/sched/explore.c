/* The exploration loop: options, limits, the forked worker child that
 * survives crashes, progress, DFS passes with a rising preemption bound,
 * and the replay trace. */
#define _GNU_SOURCE
#include <errno.h>
#include <execinfo.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

#include "explorer.h"
#include "fiber.h"
#include "heddle/error.h"

hd__explorer *hd__ex;
hd_shadow_options hd__opts;

static const char *const op_names[] = {
#define HD__OP(name, cls, text) text,
#include "ops.def"
#undef HD__OP
};

const char *hd__op_name(unsigned kind) {
  return kind < HD__OP_COUNT ? op_names[kind] : "?";
}

void hd_shadow_options_default(hd_shadow_options *o) {
  memset(o, 0, sizeof *o);
  o->strategy = HD_SHADOW_DFS;
  o->preemptions = 3;
  o->seed = 1;
  o->pct_depth = 3;
  o->max_steps = 10000;
  o->stack_size = 256 * 1024;
  o->isolate = true;
  o->hang_seconds = 10;
}

static int env_num(const char *name, double *out) {
  const char *v = getenv(name);
  if (!v || !*v)
    return 0;
  char *end;
  errno = 0;
  double d = strtod(v, &end);
  if (errno || *end) {
    fprintf(stderr, "heddle-explore: %s=%s is not a number\n", name, v);
    return HD_EINVAL;
  }
  *out = d;
  return 1;
}

int hd_shadow_strategy_parse(const char *s, hd_shadow_strategy *out);
int hd_shadow_strategy_parse(const char *s, hd_shadow_strategy *out) {
  static const char *const names[] = {"dfs", "random", "pct", "replay"};
  for (int i = 0; i < 4; i++)
    if (strcmp(s, names[i]) == 0) {
      *out = (hd_shadow_strategy)i;
      return 0;
    }
  return HD_EINVAL;
}

int hd_shadow_options_from_env(hd_shadow_options *o) {
  const char *s = getenv("HEDDLE_STRATEGY");
  if (s && *s && hd_shadow_strategy_parse(s, &o->strategy)) {
    fprintf(stderr, "heddle-explore: HEDDLE_STRATEGY=%s: use dfs, random or pct\n", s);
    return HD_EINVAL;
  }
  double d;
  int r;
#define NUM(var, field, type)                                                                      \
  if ((r = env_num(var, &d)) < 0)                                                                  \
    return r;                                                                                      \
  if (r)                                                                                           \
    o->field = (type)d;
  NUM("HEDDLE_PREEMPTIONS", preemptions, int)
  NUM("HEDDLE_ITERATIONS", iterations, uint64_t)
  NUM("HEDDLE_SEED", seed, uint64_t)
  NUM("HEDDLE_TIME", time_budget, double)
  NUM("HEDDLE_PCT_DEPTH", pct_depth, unsigned)
  NUM("HEDDLE_MAX_STEPS", max_steps, unsigned)
  NUM("HEDDLE_PROGRESS", progress, bool)
  NUM("HEDDLE_TRACE", trace, bool)
  NUM("HEDDLE_ISOLATE", isolate, bool)
  NUM("HEDDLE_HANG", hang_seconds, unsigned)
  NUM("HEDDLE_NO_REDUCTION", no_reduction, bool)
  if ((r = env_num("HEDDLE_STACK_KB", &d)) < 0)
    return r;
  if (r)
    o->stack_size = (size_t)d * 1024;
#undef NUM
  if ((s = getenv("HEDDLE_REPLAY")) && *s) {
    o->replay = s;
    o->strategy = HD_SHADOW_REPLAY;
    o->trace = true;
  }
  if ((s = getenv("HEDDLE_JSON")) && *s)
    o->json_path = s;
  return 0;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static struct {
  double start, last_progress;
  void (*body)(void);
} lp;

static void progress(bool final) {
  hd__explorer *ex = hd__ex;
  double t = now();
  if (!final && t - lp.last_progress < 0.25)
    return;
  lp.last_progress = t;
  double el = t - lp.start;
  fprintf(stderr, "\rheddle-explore: %llu executions, %.0f/s, %u reports", //
          (unsigned long long)ex->executions, el > 0 ? (double)ex->executions / el : 0.0,
          ex->nreports);
  if (hd__opts.strategy == HD_SHADOW_DFS)
    fprintf(stderr, ", preemption bound %d", ex->bound);
  fprintf(stderr, final ? "\n" : "   ");
}

/* Accounts for the execution that just ended and sets up the next one;
 * false when exploring is over. */
static bool finish(hd__end end) {
  hd__explorer *ex = hd__ex;
  ex->executions++;
  ex->pass_executions++;
  ex->steps += ex->depth;
  ex->end = (uint8_t)end;
  ex->sleep_blocked += end == HD__END_SLEEP;
  ex->bound_blocked += end == HD__END_BOUND;
  ex->step_limited += end == HD__END_STEPS;
  ex->crashes += end == HD__END_CRASH;
  if (ex->depth > ex->pct_steps_estimate)
    ex->pct_steps_estimate = ex->depth;
  switch (hd__opts.strategy) {
  case HD_SHADOW_REPLAY:
    return false;
  case HD_SHADOW_RANDOM:
  case HD_SHADOW_PCT:
    ex->replay_upto = 0;
    return true;
  case HD_SHADOW_DFS:
    break;
  }
  if (end == HD__END_DIVERGED) {
    ex->finished = false;
    return false;
  }
  hd__dpor_analyze(ex);
  if (hd__dpor_next(ex))
    return true;
  ex->last_bound = ex->bound;
  if (!ex->bound_pruned) {
    ex->exhaustive = ex->finished = true;
    return false;
  }
  if (ex->bound >= hd__opts.preemptions) {
    ex->finished = true;
    return false;
  }
  ex->bound++;
  ex->bound_pruned = false;
  ex->replay_upto = 0;
  ex->pass_executions = 0;
  return true;
}

static bool limits_reached(void) {
  hd__explorer *ex = hd__ex;
  uint64_t limit = hd__opts.iterations;
  if (!limit && hd__opts.strategy != HD_SHADOW_DFS)
    limit = 1000;
  if (limit && ex->executions >= limit)
    return true;
  return hd__opts.time_budget > 0 && now() - lp.start >= hd__opts.time_budget;
}

static void explore_loop(void) {
  hd__explorer *ex = hd__ex;
  if (ex->crash_pending) {
    ex->crash_pending = 0;
    if (!finish(HD__END_CRASH))
      return;
  }
  bool tty = hd__opts.progress && isatty(2);
  while (!limits_reached()) {
    ex->in_execution = 1;
    hd__end end = hd__execute(lp.body);
    ex->in_execution = 0;
    if (!finish(end))
      break;
    if (tty)
      progress(false);
  }
}

static char altstack[64 * 1024];

static void on_crash(int sig, siginfo_t *si, void *ucv) {
  hd__explorer *ex = hd__ex;
  ucontext_t *uc = ucv;
  ex->crash_tid = (sig_atomic_t)hd__sched_self();
  ex->crash_addr = si ? (uintptr_t)si->si_addr : 0;
  ex->crash_frames[0] = (uintptr_t)uc->uc_mcontext.gregs[REG_RIP];
  int n = backtrace((void **)&ex->crash_frames[1], HD__CRASH_FRAMES - 1);
  ex->crash_nframes = n > 0 ? n + 1 : 1;
  ex->crash_signal = sig;
  raise(sig); /* SA_RESETHAND: now the default action ends the child */
}

/* The watchdog: once a second, an execution that has not moved for
 * hang_seconds is stopped where it loops and reported as a hang. */
static void on_tick(int sig, siginfo_t *si, void *ucv) {
  static uint64_t last_exec;
  static uint32_t last_depth;
  static unsigned still;
  hd__explorer *ex = hd__ex;
  if (!ex->in_execution || ex->executions != last_exec || ex->depth != last_depth) {
    last_exec = ex->executions;
    last_depth = ex->depth;
    still = 0;
    return;
  }
  if (++still < hd__opts.hang_seconds)
    return;
  signal(SIGALRM, SIG_DFL);
  on_crash(sig, si, ucv);
}

static void child_setup(void) {
  void *warm[2];
  backtrace(warm, 2); /* loads the unwinder now, not inside a signal handler */
  stack_t ss = {.ss_sp = altstack, .ss_size = sizeof altstack};
  sigaltstack(&ss, NULL);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_crash;
  sa.sa_flags = SA_SIGINFO | SA_RESETHAND | SA_ONSTACK | SA_NODEFER;
  sigemptyset(&sa.sa_mask);
  int sigs[] = {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP};
  for (unsigned i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
    sigaction(sigs[i], &sa, NULL);
  if (hd__opts.hang_seconds) {
    sa.sa_sigaction = on_tick;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK | SA_RESTART;
    sigaction(SIGALRM, &sa, NULL);
    struct itimerval tick = {{1, 0}, {1, 0}};
    setitimer(ITIMER_REAL, &tick, NULL);
  }
}

/* The child died inside an execution: report it with the path so far. */
static void report_crash(int sig, int code, bool exited) {
  hd__explorer *ex = hd__ex;
  char msg[256];
  uintptr_t pcs[HD_SHADOW_MAX_LOCS];
  const char *notes[HD_SHADOW_MAX_LOCS];
  unsigned n = 0;
  bool hang = !exited && sig == SIGALRM && ex->crash_signal == SIGALRM;
  if (exited) {
    snprintf(msg, sizeof msg, "the test called exit(%d) inside a schedule", code);
  } else {
    if (hang)
      snprintf(msg, sizeof msg,
               "thread %d made no visible operation for %u s (a loop that never reaches an "
               "atomic, a lock or a join?)",
               (int)ex->crash_tid, hd__opts.hang_seconds);
    else if (sig == SIGSEGV && ex->crash_signal == sig && hd__stack_is_guard(ex->crash_addr))
      snprintf(msg, sizeof msg,
               "stack overflow in thread %d (%zu KiB stacks: raise HEDDLE_STACK_KB)",
               (int)ex->crash_tid, hd__opts.stack_size / 1024);
    else
      snprintf(msg, sizeof msg, "signal %d (%s) in thread %d", sig, strsignal(sig),
               (int)ex->crash_tid);
    /* Keep the frames that have source lines: the test's own code. */
    int nf = ex->crash_signal == sig ? (int)ex->crash_nframes : 0;
    char prev[160] = "";
    for (int i = 0; i < nf && n < HD_SHADOW_MAX_LOCS; i++) {
      char buf[160];
      if (!hd__symbolize(ex->crash_frames[i], i > 0, buf, sizeof buf) ||
          strstr(buf, "(on_crash)") || strstr(buf, "(on_tick)"))
        continue;
      /* The test's frames end where the scheduler called its function. */
      if (strstr(buf, "(thread_main)") || strstr(buf, "(body_main)"))
        break;
      if (strcmp(buf, prev) == 0) /* the signal frame repeats the faulting one */
        continue;
      if (n == 0 && hd__pc_is_shadow(ex->crash_frames[i])) /* the detector, not the test */
        continue;
      memcpy(prev, buf, sizeof prev);
      pcs[n] = ex->crash_frames[i];
      notes[n] = n ? "called from" : hang ? "looping here" : "crashed here";
      n++;
    }
  }
  hd__report_raw(hang ? HD__REPORT_HANG : HD__REPORT_CRASH, msg, pcs, notes, n);
}

static void print_trace(void) {
  hd__explorer *ex = hd__ex;
  printf("trace (%u steps):\n", ex->depth);
  for (uint32_t k = 0; k < ex->depth; k++) {
    const hd__node *nd = &ex->nodes[k];
    char where[160];
    hd__symbolize(nd->pc, true, where, sizeof where);
    bool choice = __builtin_popcount(nd->enabled) > 1;
    printf("  %4u %c thread %u  %-26s", k, choice ? '*' : ' ', nd->tid, hd__op_name(nd->op.kind));
    if (nd->op.kind == HD__OP_JOIN)
      printf(" thread %u", (unsigned)(nd->op.obj & 0xff));
    else if (nd->op.kind != HD__OP_YIELD)
      printf(" %#lx", (unsigned long)nd->op.obj);
    printf("  %s\n", where);
  }
  static const char *const ends[] = {
      "all threads finished", "deadlock", "sleep-set blocked", "preemption bound", "step limit",
      "replay diverged",      "crash"};
  printf("end: %s\n", ends[ex->end]);
  fflush(stdout);
}

static int run_isolated(void) {
  hd__explorer *ex = hd__ex;
  for (;;) {
    fflush(stdout);
    fflush(stderr);
    pid_t pid = fork();
    if (pid < 0)
      return HD_ENOMEM;
    if (pid == 0) {
      child_setup();
      explore_loop();
      fflush(stdout);
      _exit(0);
    }
    int st;
    while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
      ;
    if (!ex->in_execution)
      return WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : HD_EINVAL;
    ex->in_execution = 0;
    report_crash(WIFSIGNALED(st) ? WTERMSIG(st) : 0, WIFEXITED(st) ? WEXITSTATUS(st) : 0,
                 WIFEXITED(st));
    if (hd__opts.strategy == HD_SHADOW_REPLAY) {
      ex->executions++;
      ex->crashes++;
      ex->end = HD__END_CRASH;
      return 0;
    }
    ex->crash_pending = 1;
  }
}

int hd_shadow_run(const hd_shadow_options *o, void (*body)(void), hd_shadow_stats *stats) {
  if (hd__sched_active() || hd__ex)
    return HD_EINVAL; /* not from inside an exploration */
  hd__opts = *o;
  if (!hd__opts.max_steps)
    hd__opts.max_steps = 10000;
  int err = hd__engine_init(&hd__opts);
  if (err)
    return err;
  /* The shared mapping is kept for the next run (tests and benchmarks run
   * many small explorations); only its header needs clearing, since nodes
   * are written in full when they are created. */
  static hd__explorer *kept;
  static size_t kept_len;
  size_t len = sizeof(hd__explorer) + sizeof(hd__node) * hd__opts.max_steps;
  if (kept && kept_len < len) {
    munmap(kept, kept_len);
    kept = NULL;
  }
  if (!kept) {
    void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED)
      return HD_ENOMEM;
    kept = m;
    kept_len = len;
  }
  hd__explorer *ex = kept;
  memset(ex, 0, offsetof(hd__explorer, reports));
  hd__ex = ex;
  ex->max_nodes = hd__opts.max_steps;
  ex->bound = o->strategy == HD_SHADOW_DFS && o->preemptions >= 0 ? 0 : -1;
  ex->last_bound = ex->bound;
  lp.start = lp.last_progress = now();
  lp.body = body;
  err = hd__opts.isolate ? run_isolated() : (explore_loop(), 0);
  bool tty = hd__opts.progress && isatty(2);
  if (tty)
    progress(true);
  if (hd__opts.trace)
    print_trace();
  hd_shadow_stats st = {
      .executions = ex->executions,
      .last_pass = ex->pass_executions,
      .sleep_blocked = ex->sleep_blocked,
      .bound_blocked = ex->bound_blocked,
      .step_limited = ex->step_limited,
      .crashes = ex->crashes,
      .steps = ex->steps,
      .bound = ex->last_bound,
      .exhaustive = ex->exhaustive,
      .finished = ex->finished,
      .seconds = now() - lp.start,
      .reports = ex->nreports,
  };
  hd__reports_publish(&st);
  if (stats)
    *stats = st;
  hd__ex = NULL;
  if (err)
    return err;
  return st.reports ? 1 : 0;
}
