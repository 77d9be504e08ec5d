/* sched/explorer.h - the exploration state shared by the scheduler parts.
 *
 * hd__explorer lives in one MAP_SHARED mapping made before the explorer
 * forks its worker child: the path of choices (one node per visible
 * operation), the DFS/DPOR bookkeeping, counters and reports survive the
 * child dying on a signal, so the parent reports the crash with the path
 * that led to it and a new child goes on from the same point.
 *
 * Node k is the state before event k. Fields:
 *   enabled    threads that could run at k
 *   tid, op    who ran and what it did (the event); prev: who ran before
 *   pending    every live thread's next operation at k (for sleep sets)
 *   backtrack  threads DPOR asks to try at k; done: tried; sleep: the sleep
 *              set at k; skipped: cut by the preemption bound
 *   preemptions  preemptions on the path up to and including k
 * Writers: sched.c appends nodes during an execution (nodes below
 * `replay_upto` keep their choice); dpor.c adds backtrack points and picks
 * the next path between executions; explore.c owns counters and the loop.
 */
#ifndef HEDDLE_SHADOW_EXPLORER_H
#define HEDDLE_SHADOW_EXPLORER_H

#include <signal.h>

#include "heddle/shadow.h"
#include "sched.h"

typedef struct hd__node {
  hd__tset enabled, backtrack, done, sleep, skipped;
  uint8_t tid, prev;
  uint16_t preemptions;
  hd__op op;
  uintptr_t pc;
  hd__op pending[HD__MAX_THREADS];
} hd__node;

typedef enum hd__end {
  HD__END_DONE,     /* every thread finished */
  HD__END_DEADLOCK, /* threads blocked forever (reported) */
  HD__END_SLEEP,    /* DFS: every enabled thread asleep: redundant */
  HD__END_BOUND,    /* DFS: only choices above the preemption bound */
  HD__END_STEPS,    /* max_steps reached */
  HD__END_DIVERGED, /* a replayed choice was not enabled (reported) */
  HD__END_CRASH,    /* the child died on a signal */
} hd__end;

#define HD__MAX_REPORTS 64
#define HD__CRASH_FRAMES 24

typedef struct hd__raw_report {
  uint8_t kind;
  uint64_t key; /* dedup: kind + locations */
  uint64_t execution;
  char message[256];
  char schedule[2048];
  unsigned nlocs;
  uintptr_t pcs[HD_SHADOW_MAX_LOCS];
  char notes[HD_SHADOW_MAX_LOCS][64];
} hd__raw_report;

typedef struct hd__explorer {
  /* counters (hd_shadow_stats) */
  uint64_t executions, pass_executions, sleep_blocked, bound_blocked, step_limited, crashes, steps;
  int bound;         /* current DFS preemption bound, -1 unbounded */
  int last_bound;    /* bound of the last finished pass */
  bool bound_pruned; /* this pass cut a choice because of the bound */
  bool exhaustive, finished;
  /* the current execution */
  uint32_t depth;       /* nodes recorded */
  uint32_t replay_upto; /* nodes [0, replay_upto) follow their recorded tid */
  uint32_t max_nodes;
  uint32_t nthreads;
  int32_t spawn_parent[HD__MAX_THREADS];
  int32_t spawn_after[HD__MAX_THREADS]; /* parent's last event before the spawn, or -1 */
  uint8_t end;                          /* hd__end of the last execution */
  volatile sig_atomic_t in_execution;
  volatile sig_atomic_t crash_pending; /* the child died; the next child finishes it */
  volatile sig_atomic_t crash_signal;
  volatile sig_atomic_t crash_tid;
  volatile sig_atomic_t crash_nframes;
  uintptr_t crash_addr; /* the faulting address (SIGSEGV, SIGBUS) */
  uintptr_t crash_frames[HD__CRASH_FRAMES];
  /* PCT */
  uint32_t pct_steps_estimate;
  /* reports */
  uint32_t nreports;
  hd__raw_report reports[HD__MAX_REPORTS];
  hd__node nodes[];
} hd__explorer;

/* The explorer of this process (set up by hd_shadow_run). */
extern hd__explorer *hd__ex;
extern hd_shadow_options hd__opts;

/* sched.c: runs one execution of body from a clean state, following the
 * recorded nodes below replay_upto, then the strategy. */
hd__end hd__execute(void (*body)(void));
/* sched.c: per-process engine setup (stack size, replay choices). */
int hd__engine_init(const hd_shadow_options *o);

/* dpor.c */
bool hd__op_dependent(hd__op a, hd__op b);
/* Adds backtrack points for the races of the recorded execution. */
void hd__dpor_analyze(hd__explorer *ex);
/* Picks the next path to run; false when the current pass is exhausted. */
bool hd__dpor_next(hd__explorer *ex);
/* Whether running p at node k stays within the bound (and its count). */
bool hd__dpor_within_bound(const hd__explorer *ex, uint32_t k, unsigned p);

/* schedule.c: encoding of the choices at nodes with more than one enabled
 * thread: "v1:" then one letter per choice (a..z A..Z = thread 0..51), a
 * run of one letter as the letter and a decimal count ("a3b" = a a a b). */
size_t hd__schedule_encode(const hd__explorer *ex, char *buf, size_t len);
/* Decodes s into choices (thread ids); returns the count or HD_EINVAL. */
int hd__schedule_decode(const char *s, uint8_t **choices);

/* report.c */
void hd__report_raw(hd__report_kind kind, const char *message, const uintptr_t *pcs,
                    const char *const *notes, unsigned n);
const char *hd__report_kind_name(unsigned kind);
/* Turns the shared raw reports into the public table (symbolized). */
void hd__reports_publish(const hd_shadow_stats *st);
void hd__reports_clear(void);

/* symbolize.c: "file:line (function)" for a code address (a return address
 * when `is_return`), into buf. Returns whether a source line was found. */
bool hd__symbolize(uintptr_t pc, bool is_return, char *buf, size_t len);

/* symbolize.c: whether pc is code of the shadow library itself. */
bool hd__pc_is_shadow(uintptr_t pc);
/* symbolize.c: the global variable at addr ("lock_a", "table+8"), if any. */
bool hd__symbol_name(uintptr_t addr, char *buf, size_t len);

/* explore.c: the text of an operation kind ("atomic load"). */
const char *hd__op_name(unsigned kind);

#endif
