/* Fiber setup and the stack pool (see fiber.h). */
#include "fiber.h"

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "sched.h"

void hd__fiber_entry(void);

void hd__fiber_init(hd__fiber *f, void *base, size_t size, void (*fn)(void *), void *arg) {
  uintptr_t top = ((uintptr_t)base + size) & ~(uintptr_t)15;
  uint64_t *sp = (uint64_t *)top;
  *--sp = 0; /* end of the call chain for unwinders */
  *--sp = (uint64_t)(uintptr_t)hd__fiber_entry;
  *--sp = 0;                        /* rbp */
  *--sp = 0;                        /* rbx */
  *--sp = (uint64_t)(uintptr_t)arg; /* r12 */
  *--sp = (uint64_t)(uintptr_t)fn;  /* r13 */
  *--sp = 0;                        /* r14 */
  *--sp = 0;                        /* r15 */
  *--sp = 0x037F00001F80ull;        /* mxcsr = 0x1f80, x87 cw = 0x37f */
  f->sp = sp;
}

static void *pool[HD__MAX_THREADS];
static size_t pool_size;

void *hd__stack_get(unsigned slot, size_t size) {
  if (slot >= HD__MAX_THREADS)
    return NULL;
  if (pool[slot])
    return pool[slot];
  if (!pool_size)
    pool_size = size;
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  size_t len = (pool_size + page - 1) / page * page + page;
  void *m =
      mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (m == MAP_FAILED)
    return NULL;
  mprotect(m, page, PROT_NONE); /* overflow faults instead of corrupting a neighbour */
  pool[slot] = (char *)m + page;
  return pool[slot];
}

bool hd__stack_is_guard(uintptr_t addr) {
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  for (unsigned i = 0; i < HD__MAX_THREADS; i++)
    if (pool[i] && addr >= (uintptr_t)pool[i] - page && addr < (uintptr_t)pool[i])
      return true;
  return false;
}
