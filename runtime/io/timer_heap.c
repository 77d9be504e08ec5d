/* Timers: a binary min-heap of hd__timer pointers ordered by deadline, kept
 * in the reactor under its lock. Each timer knows its heap index so cancel
 * removes it in O(log n). Ties keep no particular order. */
#include <stdint.h>
#include <stdlib.h>
#include <time.h>

#include "io/reactor_impl.h"

uint64_t hd__now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

void hd__timer_init(hd__timer *t, uint64_t deadline_ms) {
  *t = (hd__timer){.deadline_ms = deadline_ms, .heap_index = SIZE_MAX};
}

static void heap_set(hd__reactor *r, size_t i, hd__timer *t) {
  r->heap[i] = t;
  t->heap_index = i;
}

static void sift_up(hd__reactor *r, size_t i) {
  hd__timer *t = r->heap[i];
  while (i > 0) {
    size_t parent = (i - 1) / 2;
    if (r->heap[parent]->deadline_ms <= t->deadline_ms)
      break;
    heap_set(r, i, r->heap[parent]);
    i = parent;
  }
  heap_set(r, i, t);
}

static void sift_down(hd__reactor *r, size_t i) {
  hd__timer *t = r->heap[i];
  for (;;) {
    size_t child = 2 * i + 1;
    if (child >= r->heap_len)
      break;
    if (child + 1 < r->heap_len && r->heap[child + 1]->deadline_ms < r->heap[child]->deadline_ms)
      child++;
    if (t->deadline_ms <= r->heap[child]->deadline_ms)
      break;
    heap_set(r, i, r->heap[child]);
    i = child;
  }
  heap_set(r, i, t);
}

static bool heap_push(hd__reactor *r, hd__timer *t) {
  if (r->heap_len == r->heap_cap) {
    size_t cap = r->heap_cap ? r->heap_cap * 2 : 64;
    hd__timer **heap = realloc(r->heap, cap * sizeof *heap);
    if (!heap)
      return false;
    r->heap = heap;
    r->heap_cap = cap;
  }
  heap_set(r, r->heap_len++, t);
  sift_up(r, t->heap_index);
  return true;
}

static void heap_remove(hd__reactor *r, hd__timer *t) {
  size_t i = t->heap_index;
  t->heap_index = SIZE_MAX;
  hd__timer *last = r->heap[--r->heap_len];
  if (last == t)
    return;
  heap_set(r, i, last);
  if (i > 0 && r->heap[(i - 1) / 2]->deadline_ms > last->deadline_ms)
    sift_up(r, i);
  else
    sift_down(r, i);
}

bool hd__timer_heap_next(const hd__reactor *r, uint64_t *deadline_ms) {
  if (r->heap_len == 0)
    return false;
  *deadline_ms = r->heap[0]->deadline_ms;
  return true;
}

void hd__timer_heap_fire(hd__reactor *r, uint64_t now_ms) {
  while (r->heap_len > 0 && r->heap[0]->deadline_ms <= now_ms) {
    hd__timer *t = r->heap[0];
    heap_remove(r, t);
    t->fired = true;
    hd__waker_list_push(&r->fired, &t->waker);
  }
}

void hd__timer_heap_clear(hd__reactor *r) {
  pthread_mutex_lock(&r->lock);
  while (r->heap_len > 0) {
    hd__timer *t = r->heap[--r->heap_len];
    t->heap_index = SIZE_MAX;
    hd_waker_drop(&t->waker);
  }
  pthread_mutex_unlock(&r->lock);
}

bool hd__timer_poll(hd__reactor *r, hd__timer *t, hd_context *cx) {
  /* The turn fires a timer only once the clock has passed its deadline,
   * and the clock is monotonic: the check below also covers `fired`. */
  if (hd__now_ms() >= t->deadline_ms) {
    hd__timer_cancel(r, t); /* unqueue if still queued, drop the waker */
    t->fired = true;
    return true;
  }
  pthread_mutex_lock(&r->lock);
  bool due = t->fired;
  bool unpark = false;
  if (!due) {
    hd_waker_register(&t->waker, cx);
    if (t->heap_index == SIZE_MAX) {
      if (!heap_push(r, t)) {
        /* No memory for the heap: wake at once so the task polls again
         * (busy, but never lost). */
        hd_waker_wake_by_ref(cx->waker);
      }
      /* A turn blocked past this deadline must recompute its timeout. */
      unpark = t->deadline_ms < r->waiting_until;
    }
  }
  pthread_mutex_unlock(&r->lock);
  if (unpark)
    hd__reactor_unpark(r);
  return due;
}

void hd__timer_cancel(hd__reactor *r, hd__timer *t) {
  if (!r || !t)
    return;
  pthread_mutex_lock(&r->lock);
  if (t->heap_index != SIZE_MAX)
    heap_remove(r, t);
  hd_waker w = t->waker;
  t->waker = (hd_waker){0};
  pthread_mutex_unlock(&r->lock);
  hd_waker_drop(&w);
}
