/* heddle/shadow.h - driving libheddle-shadow from a test.
 *
 * A shadow test is a body run many times, once per schedule, on fibers of
 * one OS thread. The threads it creates (pthread_create) and the runtime's
 * simulated workers interleave only at visible operations (atomics, locks,
 * joins); the scheduler picks who runs at each one. Code compiled with
 * -fsanitize=thread reports its plain reads and writes to the shadow library
 * (no TSan runtime is linked), which feeds the data-race detector.
 *
 * Two ways in:
 *  - link heddle-shadow-main and define hd_shadow_test(): `heddle explore
 *    -- ./test` (or running ./test directly) explores it with options taken
 *    from HEDDLE_* environment variables (docs/shadow.md lists them);
 *  - call hd_shadow_run() yourself (unit tests of the explorer do this).
 *
 * The body must reset every global it uses at its start: each execution
 * starts from the state the body itself sets up. Reports are kept in a
 * table read with hd_shadow_report_count()/hd_shadow_report_get(), valid
 * until the next hd_shadow_run().
 */
#ifndef HEDDLE_SHADOW_H
#define HEDDLE_SHADOW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef enum hd_shadow_strategy {
  HD_SHADOW_DFS,    /* exhaustive, DPOR + sleep sets, iterative preemption bound */
  HD_SHADOW_RANDOM, /* uniform random walk */
  HD_SHADOW_PCT,    /* probabilistic concurrency testing with depth pct_depth */
  HD_SHADOW_REPLAY, /* one execution following `replay` */
} hd_shadow_strategy;

typedef struct hd_shadow_options {
  hd_shadow_strategy strategy;
  int preemptions;       /* DFS: highest preemption bound (raised from 0); < 0: unbounded */
  uint64_t iterations;   /* execution limit; 0: none for DFS, 1000 for random and PCT */
  uint64_t seed;         /* random and PCT */
  double time_budget;    /* seconds, 0: none; checked after every execution */
  unsigned pct_depth;    /* PCT bug depth d (default 3) */
  unsigned max_steps;    /* branch limit: visible operations per execution */
  size_t stack_size;     /* bytes per simulated thread (fixed by the first run of a process) */
  const char *replay;    /* schedule string for HD_SHADOW_REPLAY */
  bool no_reduction;     /* DFS: try every interleaving (no DPOR, no sleep sets); for
                            checking the reduction against brute force */
  bool isolate;          /* run in a forked child: a crash is reported, exploring goes on */
  unsigned hang_seconds; /* isolate: an execution that makes no visible operation for this
                            long is reported as a hang (default 10; 0: never) */
  bool progress;         /* progress line on stderr */
  bool trace;            /* print the step-by-step trace of the (replayed) execution */
  bool quiet;            /* do not print reports on stderr */
  const char *json_path; /* write the reports as JSON there */
  const char *argv0;     /* test binary, for the replay command in reports */
} hd_shadow_options;

/* Defaults: DFS, preemption bound 3, isolate, 10000 steps, 256 KiB stacks,
 * hang after 10 s. */
void hd_shadow_options_default(hd_shadow_options *o);
/* Overrides fields from HEDDLE_STRATEGY, HEDDLE_PREEMPTIONS, HEDDLE_ITERATIONS,
 * HEDDLE_SEED, HEDDLE_TIME, HEDDLE_PCT_DEPTH, HEDDLE_MAX_STEPS, HEDDLE_REPLAY,
 * HEDDLE_JSON, HEDDLE_PROGRESS, HEDDLE_TRACE, HEDDLE_ISOLATE, HEDDLE_HANG,
 * HEDDLE_STACK_KB, HEDDLE_NO_REDUCTION. Returns 0, or
 * HD_EINVAL naming the bad variable on stderr. */
int hd_shadow_options_from_env(hd_shadow_options *o);

typedef struct hd_shadow_stats {
  uint64_t executions;    /* all executions run, in every bounded pass */
  uint64_t last_pass;     /* executions of the last DFS pass */
  uint64_t sleep_blocked; /* DFS executions cut short as redundant (sleep set) */
  uint64_t bound_blocked; /* DFS executions cut short by the preemption bound */
  uint64_t step_limited;  /* executions that hit max_steps */
  uint64_t crashes;       /* executions that died on a signal */
  uint64_t steps;         /* visible operations run, over all executions */
  int bound;              /* DFS: the bound of the last finished pass (-1: unbounded) */
  bool exhaustive;        /* DFS finished a pass in which no choice was cut by the bound */
  bool finished;          /* DFS finished its last pass (not stopped by a limit) */
  double seconds;
  size_t reports;
} hd_shadow_stats;

/* Explores body under o. Returns 0 when nothing was reported, 1 when
 * something was, or a negative HD_E* code (bad options, bad replay string,
 * no memory, called from inside an exploration). */
int hd_shadow_run(const hd_shadow_options *o, void (*body)(void), hd_shadow_stats *stats);

#define HD_SHADOW_MAX_LOCS 8
typedef struct hd_shadow_location {
  uintptr_t pc;
  char where[160]; /* "file:line (function)" or "0xADDR (module)" */
  char note[64];   /* "write by thread 1", "lock held by thread 2", ... */
} hd_shadow_location;

typedef struct hd_shadow_report {
  const char *kind; /* "deadlock", "data-race", "crash", ... (report_kinds.def) */
  char message[256];
  char schedule[2048]; /* replay with HEDDLE_REPLAY / heddle explore --replay */
  uint64_t execution;  /* 1-based number of the execution that found it */
  unsigned nlocs;
  hd_shadow_location locs[HD_SHADOW_MAX_LOCS];
} hd_shadow_report;

size_t hd_shadow_report_count(void);
const hd_shadow_report *hd_shadow_report_get(size_t i);

/* An assertion checked inside the body: when cond is false, an `assertion`
 * report is made (with the schedule) and the execution goes on. */
void hd_shadow_check(bool cond, const char *what);
#define HD_SHADOW_CHECK(cond) hd_shadow_check((cond), #cond)

/* Supplied by the test when it links heddle-shadow-main. */
void hd_shadow_test(void);

#ifdef __cplusplus
}
#endif
#endif
