/* sched/fiber.h - fibers: a stack and a saved stack pointer.
 *
 * A fiber is suspended by hd__fiber_switch(), which pushes the callee-saved
 * registers (and the SSE/x87 control words) on the running stack, stores the
 * stack pointer in *from and loads `to`. There is no signal mask in the
 * context: the whole exploration runs on one OS thread with one mask, so the
 * sigprocmask system call that swapcontext() makes on every switch is pure
 * cost (bench_shadow measures both).
 *
 * Stacks come from a pool (hd__stack_get) allocated once per thread slot and
 * kept for the life of the process, with a guard page below each: starting an
 * execution maps nothing. Only the scheduler (sched.c) touches fibers.
 */
#ifndef HEDDLE_SHADOW_FIBER_H
#define HEDDLE_SHADOW_FIBER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct hd__fiber {
  void *sp; /* saved stack pointer while suspended */
} hd__fiber;

/* Saves the running context into from->sp and resumes `to`. Returns when
 * something switches back to `from`. */
void hd__fiber_switch(hd__fiber *from, void *to_sp);

/* Prepares f to run fn(arg) on the stack [base, base + size) at its first
 * switch. fn must never return (it switches away for the last time). */
void hd__fiber_init(hd__fiber *f, void *base, size_t size, void (*fn)(void *), void *arg);

/* The stack of pool slot `slot` (same memory on every call), or NULL when
 * it cannot be mapped. `size` is fixed by the first call. */
void *hd__stack_get(unsigned slot, size_t size);

/* Whether addr lies in the guard page below one of the pooled stacks (a
 * fault there is a stack overflow). */
bool hd__stack_is_guard(uintptr_t addr);

#endif
