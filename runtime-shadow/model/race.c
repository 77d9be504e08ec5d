/* Vector-clock race detection over plain accesses (race.h). */
#include "race.h"

#include <stdio.h>
#include <string.h>

#include "objmap.h"

typedef struct epoch {
  uint32_t clk;
  uint8_t tid;
  uint8_t mask; /* bytes of the granule accessed */
  bool atomic;  /* two atomic accesses never race */
  uintptr_t pc;
} epoch;

#define READS 4
typedef struct cell {
  epoch w;
  epoch r[READS];
} cell;

static hd__vc clocks[HD__MAX_THREADS];
static hd__vc fence_rel[HD__MAX_THREADS];   /* clock at the last release fence */
static hd__vc acq_pending[HD__MAX_THREADS]; /* from relaxed loads, for an acquire fence */

static void vjoin(hd__vc a, const hd__vc b) {
  for (unsigned i = 0; i < HD__MAX_THREADS; i++)
    if (b[i] > a[i])
      a[i] = b[i];
}

void hd__race_thread_start(unsigned parent, unsigned child) {
  if (parent == child) {
    memset(clocks[child], 0, sizeof(hd__vc));
  } else {
    memcpy(clocks[child], clocks[parent], sizeof(hd__vc));
    clocks[parent][parent]++;
  }
  clocks[child][child]++;
  memset(fence_rel[child], 0, sizeof(hd__vc));
  memset(acq_pending[child], 0, sizeof(hd__vc));
}

void hd__race_join(unsigned me, unsigned target) {
  vjoin(clocks[me], clocks[target]);
}

void hd__race_acquire(unsigned me, const hd__vc clock) {
  vjoin(clocks[me], clock);
}

void hd__race_release(unsigned me, hd__vc clock, bool accumulate) {
  if (accumulate)
    vjoin(clock, clocks[me]);
  else
    memcpy(clock, clocks[me], sizeof(hd__vc));
  clocks[me][me]++;
}

void hd__race_relaxed_load(unsigned me, const hd__vc clock) {
  vjoin(acq_pending[me], clock);
}

void hd__race_relaxed_store(unsigned me, hd__vc clock, bool accumulate) {
  if (accumulate)
    vjoin(clock, fence_rel[me]);
  else
    memcpy(clock, fence_rel[me], sizeof(hd__vc));
}

void hd__race_fence(unsigned me, bool acquire, bool release) {
  if (acquire)
    vjoin(clocks[me], acq_pending[me]);
  if (release) {
    memcpy(fence_rel[me], clocks[me], sizeof(hd__vc));
    clocks[me][me]++;
  }
}

static const char *what(bool write, bool atomic) {
  return atomic ? (write ? "atomic write" : "atomic read") : (write ? "write" : "read");
}

static void report(uintptr_t addr, const epoch *now, bool write, const epoch *prev, bool prev_write,
                   unsigned me) {
  char msg[200], now_note[64], then_note[64];
  snprintf(msg, sizeof msg, "data race on %#lx: %s by thread %u, %s by thread %u",
           (unsigned long)addr, what(write, now->atomic), me, what(prev_write, prev->atomic),
           prev->tid);
  snprintf(now_note, sizeof now_note, "%s by thread %u", what(write, now->atomic), me);
  snprintf(then_note, sizeof then_note, "earlier %s by thread %u", what(prev_write, prev->atomic),
           prev->tid);
  hd__loc locs[2] = {{now->pc, now_note}, {prev->pc, then_note}};
  hd__report(HD__REPORT_DATA_RACE, msg, locs, 2);
}

/* Does the earlier access e race with `now` by thread me? */
static bool races(const epoch *e, const epoch *now, const uint32_t *vc, unsigned me) {
  return e->clk && e->tid != me && (e->mask & now->mask) && !(e->atomic && now->atomic) &&
         e->clk > vc[e->tid];
}

/* `at` is the first byte of the access inside the granule (for the message). */
static void check(uintptr_t granule, uintptr_t at, uint8_t mask, bool write, bool atomic,
                  const void *pc, unsigned me) {
  cell *c = hd__obj_get(granule, HD__OBJ_CELL, sizeof(cell));
  if (!c)
    return;
  const uint32_t *vc = clocks[me];
  epoch now = {vc[me], (uint8_t)me, mask, atomic, (uintptr_t)pc};
  epoch *w = &c->w;
  if (races(w, &now, vc, me)) {
    report(at, &now, write, w, true, me);
  } else if (write) {
    for (unsigned i = 0; i < READS; i++) {
      if (races(&c->r[i], &now, vc, me)) {
        report(at, &now, write, &c->r[i], false, me);
        break;
      }
    }
  }
  if (write) {
    *w = now;
    memset(c->r, 0, sizeof c->r);
    return;
  }
  /* A read replaces this thread's earlier read of the same bytes (or fewer):
   * any write racing with the earlier one races with the later one. Reads
   * of other bytes keep their own (older) epoch: merging them under the
   * newer clock would make a write ordered after the older read look
   * concurrent. When full, replace the oldest-clocked one. */
  unsigned slot = 0;
  for (unsigned i = 0; i < READS; i++) {
    if (c->r[i].clk && c->r[i].tid == me && c->r[i].atomic == atomic &&
        (now.mask & c->r[i].mask) == c->r[i].mask) {
      slot = i;
      break;
    }
    if (!c->r[i].clk || c->r[i].clk < c->r[slot].clk)
      slot = i;
  }
  c->r[slot] = now;
}

static void access_range(uintptr_t addr, size_t size, bool write, bool atomic, const void *pc) {
  unsigned me = hd__sched_self();
  uintptr_t end = addr + size;
  if (size > 4096) /* huge ranges: the first page is a fair sample */
    end = addr + 4096;
  while (addr < end) {
    uintptr_t g = addr & ~(uintptr_t)7;
    uintptr_t stop = g + 8 < end ? g + 8 : end;
    uint8_t mask = (uint8_t)(((1u << (stop - g)) - 1) & ~((1u << (addr - g)) - 1));
    check(g, addr, mask, write, atomic, pc, me);
    addr = stop;
  }
}

void hd__race_atomic_access(uintptr_t addr, size_t size, bool write, const void *pc) {
  access_range(addr, size, write, true, pc);
}

void hd__race_access(uintptr_t addr, size_t size, bool write, const void *pc) {
  access_range(addr, size, write, false, pc);
}
