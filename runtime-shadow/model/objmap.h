/* model/objmap.h - per-execution state of modelled objects, by address.
 *
 * A mutex, a condition variable, an atomic variable and an 8-byte granule of plain memory each get
 * a zeroed value of their own type the first time an execution touches
 * them. Values come from a bump arena and the table from a fixed array of
 * generation-stamped slots: hd__obj_reset() forgets everything in O(1), so
 * executions start clean and memory stays flat. Only model/ uses it.
 */
#ifndef HEDDLE_SHADOW_OBJMAP_H
#define HEDDLE_SHADOW_OBJMAP_H

#include <stddef.h>
#include <stdint.h>

enum hd__obj_type { HD__OBJ_MUTEX = 1, HD__OBJ_ATOMIC = 2, HD__OBJ_CELL = 3, HD__OBJ_COND = 4,
                   HD__OBJ_RC = 5 /* model/detect.c */ };

/* The value for (addr, type), zeroed when new; NULL when the table or the
 * arena is full (the caller then stops modelling that object). */
void *hd__obj_get(uintptr_t addr, unsigned type, size_t size);
void hd__obj_reset(void);
/* size zeroed bytes that live until the next reset, or NULL when the arena
 * is full. */
void *hd__arena_alloc(size_t size);

#endif
