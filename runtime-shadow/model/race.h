/* model/race.h - the vector-clock data-race detector.
 *
 * Each simulated thread has a vector clock; synchronisation (mutex
 * unlock -> lock, release -> acquire atomics, release/acquire fences around
 * relaxed atomics, spawn, join) moves clocks; every plain access reported
 * by __tsan_read/write is checked against the last write and recent reads
 * of its 8-byte granule (bytes are tracked with a mask, so neighbouring
 * fields do not collide); atomic accesses are recorded too, so a plain
 * access racing with an atomic one is found. A race is reported once per pair of code
 * addresses. State is per execution: clocks are reset at thread start and
 * cells live in objmap. Called only by model/.
 */
#ifndef HEDDLE_SHADOW_RACE_H
#define HEDDLE_SHADOW_RACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../sched/sched.h"

typedef uint32_t hd__vc[HD__MAX_THREADS];

void hd__race_thread_start(unsigned parent, unsigned child);
void hd__race_join(unsigned me, unsigned target);
/* me acquires what `clock` published / publishes into `clock` (release
 * replaces it; a read-modify-write adds to it). */
void hd__race_acquire(unsigned me, const hd__vc clock);
void hd__race_release(unsigned me, hd__vc clock, bool accumulate);
/* Relaxed atomics and fences (release sequences through fences). */
void hd__race_relaxed_load(unsigned me, const hd__vc clock);
void hd__race_relaxed_store(unsigned me, hd__vc clock, bool accumulate);
void hd__race_fence(unsigned me, bool acquire, bool release);
void hd__race_access(uintptr_t addr, size_t size, bool write, const void *pc);
/* An atomic access: races with plain accesses only (C11: a data race needs
 * at least one non-atomic access). Checked before the access synchronises. */
void hd__race_atomic_access(uintptr_t addr, size_t size, bool write, const void *pc);

#endif
