/* Address -> modelled object state, reset per execution (objmap.h). */
#include "objmap.h"

#include <string.h>
#include <sys/mman.h>

#define SLOTS (1u << 18)
#define ARENA (64u << 20)

typedef struct slot {
  uint64_t key;
  uint32_t gen;
  void *val;
} slot;

static slot *table;
static char *arena;
static size_t used;
static uint32_t gen = 1, live;

static int setup(void) {
  if (table)
    return 0;
  table = mmap(NULL, SLOTS * sizeof(slot), PROT_READ | PROT_WRITE,
               MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  arena =
      mmap(NULL, ARENA, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (table == MAP_FAILED || arena == MAP_FAILED) {
    table = NULL;
    return -1;
  }
  return 0;
}

void hd__obj_reset(void) {
  gen++;
  used = 0;
  live = 0;
}

void *hd__obj_get(uintptr_t addr, unsigned type, size_t size) {
  if (setup())
    return NULL;
  uint64_t key = ((uint64_t)addr << 3) | type;
  uint32_t h = (uint32_t)((key * 0x9E3779B97F4A7C15ull) >> 46) & (SLOTS - 1);
  for (;;) {
    slot *s = &table[h];
    if (s->gen != gen) {
      if (live >= SLOTS / 4 * 3 || used + size > ARENA)
        return NULL;
      size = (size + 15) & ~(size_t)15;
      s->key = key;
      s->gen = gen;
      s->val = arena + used;
      used += size;
      live++;
      memset(s->val, 0, size);
      return s->val;
    }
    if (s->key == key)
      return s->val;
    h = (h + 1) & (SLOTS - 1);
  }
}

void *hd__arena_alloc(size_t size) {
  if (setup())
    return NULL;
  size = (size + 15) & ~(size_t)15;
  if (used + size > ARENA)
    return NULL;
  void *p = arena + used;
  used += size;
  memset(p, 0, size);
  return p;
}
