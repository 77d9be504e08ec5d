/* The __tsan_* entry points that code compiled with -fsanitize=thread calls
 * (no TSan runtime is linked). Atomics are visible operations: each one is
 * a scheduling point, then runs on plain memory (one OS thread: sequential
 * consistency) and moves the race detector's clocks per its memory order.
 * Plain reads and writes feed the race detector. Outside an execution
 * everything simply does the operation. Weak compare-exchange never fails
 * spuriously here. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "objmap.h"
#include "race.h"

#define PUBLIC __attribute__((visibility("default")))
#define PC __builtin_return_address(0)

void __tsan_init(void) PUBLIC;
void __tsan_init(void) {}

void __tsan_func_entry(void *pc) PUBLIC;
void __tsan_func_entry(void *pc) {
  if (hd__sched_active())
    hd__sched_func_entry(pc);
}

void __tsan_func_exit(void) PUBLIC;
void __tsan_func_exit(void) {
  if (hd__sched_active())
    hd__sched_func_exit();
}

static inline void access(void *addr, size_t n, bool write, const void *pc) {
  if (hd__sched_active())
    hd__race_access((uintptr_t)addr, n, write, pc);
}

#define ACCESS(n)                                                                                  \
  void __tsan_read##n(void *a) PUBLIC;                                                             \
  void __tsan_read##n(void *a) {                                                                   \
    access(a, n, false, PC);                                                                       \
  }                                                                                                \
  void __tsan_write##n(void *a) PUBLIC;                                                            \
  void __tsan_write##n(void *a) {                                                                  \
    access(a, n, true, PC);                                                                        \
  }                                                                                                \
  void __tsan_unaligned_read##n(void *a) PUBLIC;                                                   \
  void __tsan_unaligned_read##n(void *a) {                                                         \
    access(a, n, false, PC);                                                                       \
  }                                                                                                \
  void __tsan_unaligned_write##n(void *a) PUBLIC;                                                  \
  void __tsan_unaligned_write##n(void *a) {                                                        \
    access(a, n, true, PC);                                                                        \
  }                                                                                                \
  void __tsan_volatile_read##n(void *a) PUBLIC;                                                    \
  void __tsan_volatile_read##n(void *a) {                                                          \
    access(a, n, false, PC);                                                                       \
  }                                                                                                \
  void __tsan_volatile_write##n(void *a) PUBLIC;                                                   \
  void __tsan_volatile_write##n(void *a) {                                                         \
    access(a, n, true, PC);                                                                        \
  }
ACCESS(1)
ACCESS(2)
ACCESS(4)
ACCESS(8)
ACCESS(16)

void __tsan_read_range(void *a, unsigned long n) PUBLIC;
void __tsan_read_range(void *a, unsigned long n) {
  access(a, n, false, PC);
}
void __tsan_write_range(void *a, unsigned long n) PUBLIC;
void __tsan_write_range(void *a, unsigned long n) {
  access(a, n, true, PC);
}
void __tsan_vptr_update(void **p, void *v) PUBLIC;
void __tsan_vptr_update(void **p, void *v) {
  access(p, sizeof *p, true, PC);
}
void __tsan_vptr_read(void **p) PUBLIC;
void __tsan_vptr_read(void **p) {
  access(p, sizeof *p, false, PC);
}

/* clang's instrumentation calls these for memset/memcpy/memmove (gcc calls
 * libc directly, unseen). */
void *__tsan_memset(void *d, int c, size_t n) PUBLIC;
void *__tsan_memset(void *d, int c, size_t n) {
  access(d, n, true, PC);
  return memset(d, c, n);
}
void *__tsan_memcpy(void *d, const void *s, size_t n) PUBLIC;
void *__tsan_memcpy(void *d, const void *s, size_t n) {
  access((void *)s, n, false, PC);
  access(d, n, true, PC);
  return memcpy(d, s, n);
}
void *__tsan_memmove(void *d, const void *s, size_t n) PUBLIC;
void *__tsan_memmove(void *d, const void *s, size_t n) {
  access((void *)s, n, false, PC);
  access(d, n, true, PC);
  return memmove(d, s, n);
}

/* memory_order values as TSan passes them (the C11 ones); high bits (HLE
 * hints) are ignored. */
static inline bool acquires(int mo) {
  mo &= 0xffff;
  return mo == 1 || mo == 2 || mo == 4 || mo == 5;
}
static inline bool releases(int mo) {
  mo &= 0xffff;
  return mo == 3 || mo == 4 || mo == 5;
}

static void before(const volatile void *a, size_t size, hd__op_kind kind, const void *pc) {
  hd__sched_point((hd__op){(uintptr_t)a, (uint8_t)kind}, pc);
  hd__race_atomic_access((uintptr_t)a, size, kind != HD__OP_LOAD, pc);
}

/* After the operation: load side then store side of the clocks. */
static void sync_clocks(const volatile void *a, bool load, bool store, bool rmw, int mo) {
  uint32_t *clock = hd__obj_get((uintptr_t)a, HD__OBJ_ATOMIC, sizeof(hd__vc));
  if (!clock)
    return;
  unsigned me = hd__sched_self();
  if (load) {
    if (acquires(mo))
      hd__race_acquire(me, clock);
    else
      hd__race_relaxed_load(me, clock);
  }
  if (store) {
    if (releases(mo))
      hd__race_release(me, clock, rmw);
    else
      hd__race_relaxed_store(me, clock, rmw);
  }
}

void __tsan_atomic_thread_fence(int mo) PUBLIC;
void __tsan_atomic_thread_fence(int mo) {
  if (hd__sched_active())
    hd__race_fence(hd__sched_self(), acquires(mo), releases(mo));
  __atomic_thread_fence(__ATOMIC_SEQ_CST);
}
void __tsan_atomic_signal_fence(int mo) PUBLIC;
void __tsan_atomic_signal_fence(int mo) {}

#define RMW_OP(bits, T, name, builtin, expr)                                                       \
  T __tsan_atomic##bits##_##name(volatile T *a, T v, int mo) PUBLIC;                               \
  T __tsan_atomic##bits##_##name(volatile T *a, T v, int mo) {                                     \
    if (!hd__sched_active())                                                                       \
      return builtin(a, v, __ATOMIC_SEQ_CST);                                                      \
    before(a, sizeof(T), HD__OP_RMW, PC);                                                          \
    T old = *a;                                                                                    \
    *a = (T)(expr);                                                                                \
    sync_clocks(a, true, true, true, mo);                                                          \
    return old;                                                                                    \
  }

#define ATOMICS(bits, T)                                                                           \
  T __tsan_atomic##bits##_load(const volatile T *a, int mo) PUBLIC;                                \
  T __tsan_atomic##bits##_load(const volatile T *a, int mo) {                                      \
    if (!hd__sched_active())                                                                       \
      return __atomic_load_n(a, __ATOMIC_SEQ_CST);                                                 \
    before(a, sizeof(T), HD__OP_LOAD, PC);                                                         \
    T v = *a;                                                                                      \
    sync_clocks(a, true, false, false, mo);                                                        \
    return v;                                                                                      \
  }                                                                                                \
  void __tsan_atomic##bits##_store(volatile T *a, T v, int mo) PUBLIC;                             \
  void __tsan_atomic##bits##_store(volatile T *a, T v, int mo) {                                   \
    if (!hd__sched_active()) {                                                                     \
      __atomic_store_n(a, v, __ATOMIC_SEQ_CST);                                                    \
      return;                                                                                      \
    }                                                                                              \
    before(a, sizeof(T), HD__OP_STORE, PC);                                                        \
    *a = v;                                                                                        \
    sync_clocks(a, false, true, false, mo);                                                        \
  }                                                                                                \
  RMW_OP(bits, T, exchange, __atomic_exchange_n, v)                                                \
  RMW_OP(bits, T, fetch_add, __atomic_fetch_add, old + v)                                          \
  RMW_OP(bits, T, fetch_sub, __atomic_fetch_sub, old - v)                                          \
  RMW_OP(bits, T, fetch_and, __atomic_fetch_and, old &v)                                           \
  RMW_OP(bits, T, fetch_or, __atomic_fetch_or, old | v)                                            \
  RMW_OP(bits, T, fetch_xor, __atomic_fetch_xor, old ^ v)                                          \
  RMW_OP(bits, T, fetch_nand, __atomic_fetch_nand, ~(old & v))                                     \
  static int cas##bits(volatile T *a, T *expected, T v, int mo, int fmo, const void *pc) {         \
    before(a, sizeof(T), HD__OP_RMW, pc);                                                          \
    T old = *a;                                                                                    \
    if (old == *expected) {                                                                        \
      *a = v;                                                                                      \
      sync_clocks(a, true, true, true, mo);                                                        \
      return 1;                                                                                    \
    }                                                                                              \
    *expected = old;                                                                               \
    sync_clocks(a, true, false, false, fmo);                                                       \
    return 0;                                                                                      \
  }                                                                                                \
  int __tsan_atomic##bits##_compare_exchange_strong(volatile T *a, T *c, T v, int mo, int fmo)     \
      PUBLIC;                                                                                      \
  int __tsan_atomic##bits##_compare_exchange_strong(volatile T *a, T *c, T v, int mo, int fmo) {   \
    if (!hd__sched_active())                                                                       \
      return __atomic_compare_exchange_n(a, c, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);      \
    return cas##bits(a, c, v, mo, fmo, PC);                                                        \
  }                                                                                                \
  int __tsan_atomic##bits##_compare_exchange_weak(volatile T *a, T *c, T v, int mo, int fmo)       \
      PUBLIC;                                                                                      \
  int __tsan_atomic##bits##_compare_exchange_weak(volatile T *a, T *c, T v, int mo, int fmo) {     \
    if (!hd__sched_active())                                                                       \
      return __atomic_compare_exchange_n(a, c, v, true, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);       \
    return cas##bits(a, c, v, mo, fmo, PC);                                                        \
  }                                                                                                \
  T __tsan_atomic##bits##_compare_exchange_val(volatile T *a, T c, T v, int mo, int fmo) PUBLIC;   \
  T __tsan_atomic##bits##_compare_exchange_val(volatile T *a, T c, T v, int mo, int fmo) {         \
    if (!hd__sched_active()) {                                                                     \
      __atomic_compare_exchange_n(a, &c, v, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);            \
      return c;                                                                                    \
    }                                                                                              \
    cas##bits(a, &c, v, mo, fmo, PC);                                                              \
    return c;                                                                                      \
  }

ATOMICS(8, uint8_t)
ATOMICS(16, uint16_t)
ATOMICS(32, uint32_t)
ATOMICS(64, uint64_t)
