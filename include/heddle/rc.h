/* heddle/rc.h - shared ownership.
 *
 * hd_arc: an atomically reference-counted block; clones may move to and be
 * dropped on any thread (Send + Sync as far as the count goes; the payload's
 * own thread safety is the user's business).
 * hd_rc: the same with a plain counter: cheaper, and NOT Send: a frame that
 * holds an hd_rc must not be spawned onto the multi-thread executor
 * (non-send-spawn); use hd_spawn_local or hd_arc.
 * The payload follows the header; hd_arc_get/hd_rc_get return it. When the
 * last reference goes the destructor (if any) runs on the payload, then the
 * block is freed.
 */
#ifndef HEDDLE_RC_H
#define HEDDLE_RC_H

#include <stddef.h>

#include "heddle/annotate.h"

typedef struct HD_SYNC hd_arc hd_arc;
typedef struct HD_NOT_SEND hd_rc hd_rc;

/* NULL when out of memory. The payload is zeroed. */
hd_arc *hd_arc_new(size_t size, void (*destroy)(void *payload));
hd_arc *hd_arc_clone(hd_arc *a);
void hd_arc_drop(hd_arc *a);
void *hd_arc_get(hd_arc *a);
size_t hd_arc_count(const hd_arc *a);

hd_rc *hd_rc_new(size_t size, void (*destroy)(void *payload));
hd_rc *hd_rc_clone(hd_rc *r);
void hd_rc_drop(hd_rc *r);
void *hd_rc_get(hd_rc *r);
size_t hd_rc_count(const hd_rc *r);

#endif
