/* DPOR against brute force: for a few hundred small random programs
 * (2-3 threads, loads, stores, read-modify-writes, compare-exchanges,
 * locked updates and trylocks over 2 variables and one mutex), the set of
 * outcomes (what every thread observed, and the final memory) that DFS
 * with source-DPOR + sleep sets reaches must equal the set that trying
 * every interleaving reaches. The second test adds condition variables
 * (signal, broadcast, a wait with its predicate) and compares the reports
 * too (a wait nothing signals is a lost wake-up either way). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "models.h"

enum {
  OP_LOAD,
  OP_STORE,
  OP_ADD,
  OP_CAS,
  OP_LOCKED_ADD,
  OP_TRYLOCK_STORE,
  OP_KINDS,
  /* with condition variables (the second test) */
  OP_SIGNAL = OP_KINDS,
  OP_BROADCAST,
  OP_WAIT,
  OP_ALL_KINDS
};

typedef struct prog_op {
  uint8_t kind, var, val;
} prog_op;

#define MAX_T 3
#define MAX_OPS 3
#define MAX_OUTCOMES 4096

static prog_op prog[MAX_T][MAX_OPS];
static int nthr, nops[MAX_T];
static atomic_int vars[2];
static pthread_mutex_t mx = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static atomic_int flag;
static unsigned op_kinds = OP_KINDS;
static int seen[MAX_T][MAX_OPS];
static uint64_t outcomes[MAX_OUTCOMES];
static size_t noutcomes;

static void *run_thread(void *arg) {
  int t = (int)(intptr_t)arg;
  for (int i = 0; i < nops[t]; i++) {
    const prog_op *op = &prog[t][i];
    atomic_int *v = &vars[op->var];
    int r = 0;
    switch (op->kind) {
    case OP_LOAD:
      r = atomic_load(v);
      break;
    case OP_STORE:
      atomic_store(v, op->val);
      break;
    case OP_ADD:
      r = atomic_fetch_add(v, op->val);
      break;
    case OP_CAS: {
      int expected = 0;
      r = atomic_compare_exchange_strong(v, &expected, op->val);
      break;
    }
    case OP_LOCKED_ADD:
      pthread_mutex_lock(&mx);
      r = atomic_load(v);
      atomic_store(v, r + op->val);
      pthread_mutex_unlock(&mx);
      break;
    case OP_TRYLOCK_STORE:
      if (pthread_mutex_trylock(&mx) == 0) {
        atomic_store(v, op->val);
        pthread_mutex_unlock(&mx);
        r = 1;
      }
      break;
    case OP_SIGNAL:
    case OP_BROADCAST:
      pthread_mutex_lock(&mx);
      atomic_store(&flag, 1);
      r = atomic_load(v);
      if (op->kind == OP_SIGNAL)
        pthread_cond_signal(&cv);
      else
        pthread_cond_broadcast(&cv);
      pthread_mutex_unlock(&mx);
      break;
    case OP_WAIT:
      pthread_mutex_lock(&mx);
      while (!atomic_load(&flag))
        pthread_cond_wait(&cv, &mx);
      r = atomic_load(v);
      atomic_store(v, r + op->val);
      pthread_mutex_unlock(&mx);
      break;
    }
    seen[t][i] = r;
  }
  return NULL;
}

static void record(void) {
  uint64_t h = 0xCBF29CE484222325ull;
  for (int t = 0; t < nthr; t++)
    for (int i = 0; i < nops[t]; i++)
      h = (h ^ (uint64_t)(seen[t][i] + 1000)) * 0x100000001B3ull;
  for (int k = 0; k < 2; k++)
    h = (h ^ (uint64_t)(atomic_load(&vars[k]) + 7000)) * 0x100000001B3ull;
  for (size_t i = 0; i < noutcomes; i++)
    if (outcomes[i] == h)
      return;
  if (noutcomes < MAX_OUTCOMES)
    outcomes[noutcomes++] = h;
}

static void body_program(void) {
  atomic_store(&flag, 0);
  atomic_store(&vars[0], 0);
  atomic_store(&vars[1], 0);
  memset(seen, 0, sizeof seen);
  pthread_t th[MAX_T];
  for (int t = 0; t < nthr; t++)
    pthread_create(&th[t], NULL, run_thread, (void *)(intptr_t)t);
  for (int t = 0; t < nthr; t++)
    pthread_join(th[t], NULL);
  record();
}

static uint64_t rng;
static unsigned next(unsigned n) {
  rng = rng * 6364136223846793005ull + 1442695040888963407ull;
  return (unsigned)((rng >> 33) % n);
}

static void make_program(uint64_t seed) {
  rng = seed;
  nthr = 2 + (int)next(2);
  for (int t = 0; t < nthr; t++) {
    nops[t] = 1 + (int)next(nthr == 3 ? 2 : MAX_OPS);
    for (int i = 0; i < nops[t]; i++)
      prog[t][i] = (prog_op){(uint8_t)next(op_kinds), (uint8_t)next(2), (uint8_t)(1 + next(3))};
  }
}

static int cmp(const void *a, const void *b) {
  uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

/* Explores the current program; returns its sorted outcomes in out and
 * the report kinds seen (a bit per kind name hashed) in *kinds. */
static size_t explore(bool brute, uint64_t *out, hd_shadow_stats *st, unsigned *kinds) {
  hd_shadow_options o = model_options();
  o.isolate = false; /* outcomes are collected in this process */
  o.no_reduction = brute;
  noutcomes = 0;
  int r = hd_shadow_run(&o, body_program, st);
  assert_true(r == 0 || r == 1);
  assert_true(st->exhaustive);
  *kinds = 0;
  for (size_t i = 0; i < hd_shadow_report_count(); i++)
    *kinds |= 1u << (strlen(hd_shadow_report_get(i)->kind) % 31);
  memcpy(out, outcomes, noutcomes * sizeof *out);
  qsort(out, noutcomes, sizeof *out, cmp);
  return noutcomes;
}

static void compare(uint64_t first, uint64_t last, unsigned kinds_used) {
  static uint64_t a[MAX_OUTCOMES], b[MAX_OUTCOMES];
  uint64_t dpor_execs = 0, brute_execs = 0;
  op_kinds = kinds_used;
  for (uint64_t seed = first; seed <= last; seed++) {
    make_program(seed);
    hd_shadow_stats sd, sb;
    unsigned kd, kb;
    size_t na = explore(false, a, &sd, &kd);
    size_t nb = explore(true, b, &sb, &kb);
    if (na != nb || memcmp(a, b, na * sizeof *a) != 0 || kd != kb)
      fail_msg("program %llu: DPOR reached %zu outcomes (reports %x), brute force %zu (%x)",
               (unsigned long long)seed, na, kd, nb, kb);
    assert_true(sd.executions <= sb.executions);
    dpor_execs += sd.executions;
    brute_execs += sb.executions;
  }
  printf("programs %llu-%llu: %llu executions with DPOR, %llu without\n", (unsigned long long)first,
         (unsigned long long)last, (unsigned long long)dpor_execs, (unsigned long long)brute_execs);
}

static void test_dpor_matches_brute_force(void **state) {
  compare(1, 300, OP_KINDS);
}

/* Condition variables too: the same outcomes, and the same reports (a
 * wait that nothing signals is a lost wake-up in both). */
static void test_dpor_matches_brute_force_condvars(void **state) {
  compare(10001, 10200, OP_ALL_KINDS);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_dpor_matches_brute_force),
      cmocka_unit_test(test_dpor_matches_brute_force_condvars),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
