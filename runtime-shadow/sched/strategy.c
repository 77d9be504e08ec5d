/* Strategies: the choice at nodes past the recorded prefix (strategy.h). */
#include <stdlib.h>

#include "heddle/error.h"
#include "strategy.h"

static struct {
  uint64_t rng;
  /* PCT */
  uint32_t prio[HD__MAX_THREADS];
  uint32_t change[16];
  unsigned nchange;
  uint32_t next_low;
  /* replay */
  uint8_t *choices;
  int nchoices;
  int used;
} st;

static uint64_t next_random(void) {
  /* splitmix64: small, fast, and the same sequence on every machine */
  uint64_t z = (st.rng += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

int hd__strategy_init(const hd_shadow_options *o) {
  st.rng = o->seed ? o->seed : 1;
  free(st.choices);
  st.choices = NULL;
  st.nchoices = 0;
  if (o->strategy == HD_SHADOW_REPLAY) {
    if (!o->replay)
      return HD_EINVAL;
    int n = hd__schedule_decode(o->replay, &st.choices);
    if (n < 0)
      return n;
    st.nchoices = n;
  }
  return 0;
}

void hd__strategy_begin(hd__explorer *ex) {
  st.used = 0;
  if (hd__opts.strategy != HD_SHADOW_PCT)
    return;
  unsigned d = hd__opts.pct_depth ? hd__opts.pct_depth : 3;
  uint32_t k = ex->pct_steps_estimate ? ex->pct_steps_estimate : 64;
  st.nchange = d - 1 < 16 ? d - 1 : 16;
  for (unsigned i = 0; i < st.nchange; i++)
    st.change[i] = (uint32_t)(next_random() % k);
  st.next_low = st.nchange + 1;
}

void hd__strategy_thread(unsigned tid) {
  /* Initial priorities lie above every priority a change point gives. */
  st.prio[tid] = 64 + (uint32_t)(next_random() % 1000000);
}

static int lowest(hd__tset s) {
  return s ? __builtin_ctz(s) : -1;
}

static int pick_random(hd__tset en) {
  unsigned n = (unsigned)__builtin_popcount(en);
  unsigned r = (unsigned)(next_random() % n);
  for (unsigned t = 0; t < HD__MAX_THREADS; t++)
    if ((en >> t) & 1 && r-- == 0)
      return (int)t;
  return lowest(en);
}

static int pick_pct(uint32_t k, hd__tset en, unsigned prev) {
  for (unsigned i = 0; i < st.nchange; i++)
    if (st.change[i] == k)
      st.prio[prev] = st.next_low > 1 ? --st.next_low : 1;
  int best = -1;
  for (unsigned t = 0; t < HD__MAX_THREADS; t++)
    if (((en >> t) & 1) && (best < 0 || st.prio[t] > st.prio[best]))
      best = (int)t;
  return best;
}

int hd__strategy_pick(hd__explorer *ex, uint32_t k, hd__tset en, hd__tset sleep, unsigned prev,
                      hd__end *why) {
  switch (hd__opts.strategy) {
  case HD_SHADOW_RANDOM:
    return pick_random(en);
  case HD_SHADOW_PCT:
    return pick_pct(k, en, prev);
  case HD_SHADOW_REPLAY:
    if (__builtin_popcount(en) > 1 && st.used < st.nchoices) {
      unsigned t = st.choices[st.used++];
      if (t < HD__MAX_THREADS && (en >> t) & 1)
        return (int)t;
      *why = HD__END_DIVERGED;
      return -1;
    }
    return (en >> prev) & 1 ? (int)prev : lowest(en);
  case HD_SHADOW_DFS:
    break;
  }
  if (hd__opts.no_reduction) /* brute force: no sleep set (dpor.c tries every thread) */
    ex->nodes[k].sleep = sleep = 0;
  hd__tset cand = en & ~sleep;
  if (!cand) {
    *why = HD__END_SLEEP;
    return -1;
  }
  if ((cand >> prev) & 1)
    return (int)prev;
  int t = lowest(cand);
  if (!hd__dpor_within_bound(ex, k, (unsigned)t)) {
    ex->bound_pruned = true;
    *why = HD__END_BOUND;
    return -1;
  }
  return t;
}
