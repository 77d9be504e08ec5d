/* hd_arc (atomic count) and hd_rc (plain count). */
#include <stdalign.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "heddle/rc.h"

struct hd_arc {
  atomic_size_t count;
  void (*destroy)(void *payload);
  alignas(max_align_t) unsigned char payload[];
};

struct hd_rc {
  size_t count;
  void (*destroy)(void *payload);
  alignas(max_align_t) unsigned char payload[];
};

hd_arc *hd_arc_new(size_t size, void (*destroy)(void *payload)) {
  hd_arc *a = calloc(1, sizeof *a + size);
  if (!a)
    return NULL;
  atomic_init(&a->count, 1);
  a->destroy = destroy;
  return a;
}

hd_arc *hd_arc_clone(hd_arc *a) {
  if (a)
    atomic_fetch_add_explicit(&a->count, 1, memory_order_relaxed);
  return a;
}

void hd_arc_drop(hd_arc *a) {
  if (!a || atomic_fetch_sub_explicit(&a->count, 1, memory_order_acq_rel) != 1)
    return;
  if (a->destroy)
    a->destroy(a->payload);
  free(a);
}

void *hd_arc_get(hd_arc *a) { return a ? a->payload : NULL; }
size_t hd_arc_count(const hd_arc *a) { return a ? atomic_load(&a->count) : 0; }

hd_rc *hd_rc_new(size_t size, void (*destroy)(void *payload)) {
  hd_rc *r = calloc(1, sizeof *r + size);
  if (!r)
    return NULL;
  r->count = 1;
  r->destroy = destroy;
  return r;
}

hd_rc *hd_rc_clone(hd_rc *r) {
  if (r)
    r->count++;
  return r;
}

void hd_rc_drop(hd_rc *r) {
  if (!r || --r->count != 0)
    return;
  if (r->destroy)
    r->destroy(r->payload);
  free(r);
}

void *hd_rc_get(hd_rc *r) { return r ? r->payload : NULL; }
size_t hd_rc_count(const hd_rc *r) { return r ? r->count : 0; }
