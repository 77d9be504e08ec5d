/* Value choices made by the scheduler, through thread choices only.
 *
 * Two oracle threads race for each binary choice: the requester opens a
 * round, makes both oracles runnable and blocks; each oracle's next visible
 * operation is a write on the round's object, so the two are dependent and
 * DPOR explores both orders; whichever the scheduler runs first answers
 * (its index) and makes the requester runnable; the other one runs later
 * and finds the round closed. An n-way choice is a chain of binary ones
 * (unary: value k = k "no"s then a "yes"), so exhaustive DFS tries each of
 * the n values exactly once and random/PCT walks pick among them. The
 * oracles are created on the first choice of an execution and are blocked
 * between rounds (idle by design). One round is open at a time: another
 * requester waits (blocked) until it closes. */
#include <string.h>

#include "ext.h"

#define ORACLES 2
#define PC __builtin_return_address(0)

static struct {
  bool started;
  unsigned tid[ORACLES];
  uint32_t round; /* latest round (1-based), 0: none yet */
  bool open;      /* round undecided */
  unsigned value; /* answer of the last decided round */
  unsigned requester;
  hd__tset waiting; /* oracles blocked until the next round */
  hd__tset queued;  /* requesters waiting for the open round to close */
} ch;

static inline hd__tset bit(unsigned t) {
  return (hd__tset)1 << t;
}

/* The object of round r: tagged so it cannot be a real address. */
static uintptr_t round_obj(uint32_t r) {
  return ((uintptr_t)1 << 62) | r;
}

void hd__choice_reset(void) {
  memset(&ch, 0, sizeof ch);
}

hd__tset hd__choice_threads(void) {
  hd__tset s = 0;
  if (ch.started)
    for (unsigned i = 0; i < ORACLES; i++)
      s |= bit(ch.tid[i]);
  return s;
}

static void *oracle_main(void *arg) {
  unsigned index = (unsigned)(uintptr_t)arg, me = hd__sched_self();
  for (uint32_t r = 1;; r++) {
    if (ch.round < r) {
      ch.waiting |= bit(me);
      hd__sched_block(me);
    }
    hd__sched_point((hd__op){round_obj(r), HD__OP_CHOICE}, (const char *)oracle_main + 1);
    if (ch.round == r && ch.open) {
      ch.open = false;
      ch.value = index;
      hd__sched_unblock(ch.requester);
      for (unsigned t = 0; t < HD__MAX_THREADS; t++)
        if (ch.queued & bit(t))
          hd__sched_unblock(t);
      ch.queued = 0;
    }
  }
  return NULL;
}

static bool start(void) {
  for (unsigned i = 0; i < ORACLES; i++)
    if (hd__sched_spawn(oracle_main, (void *)(uintptr_t)i, &ch.tid[i]))
      return false;
  ch.started = true;
  return true;
}

static unsigned flip(const void *pc) {
  unsigned me = hd__sched_self();
  if (!ch.started && !start())
    return 0;
  while (ch.open) {
    ch.queued |= bit(me);
    hd__sched_block(me);
    hd__sched_point((hd__op){0, HD__OP_CHOICE_WAIT}, pc);
  }
  ch.round++;
  ch.open = true;
  ch.requester = me;
  for (unsigned i = 0; i < ORACLES; i++)
    if (ch.waiting & bit(ch.tid[i])) {
      ch.waiting &= ~bit(ch.tid[i]);
      hd__sched_unblock(ch.tid[i]);
    }
  hd__sched_block(me);
  hd__sched_point((hd__op){0, HD__OP_CHOICE_WAIT}, pc);
  return ch.value;
}

unsigned hd__choose(unsigned n, const void *pc) {
  if (n <= 1 || !hd__sched_active())
    return 0;
  for (unsigned k = 0; k + 1 < n; k++)
    if (flip(pc) == 0)
      return k;
  return n - 1;
}
