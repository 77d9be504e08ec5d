/* Helpers for the sync and channel tests: a counting waker per hand-polled
 * "task" (wakes, and live clones so a leaked or double-dropped waker shows)
 * and a context built on it. Included by tests/runtime/test_<sync unit>.c. */
#ifndef HEDDLE_TESTS_SYNC_TESTING_H
#define HEDDLE_TESTS_SYNC_TESTING_H

#include "heddle/future.h"

typedef struct test_task {
  int wakes;  /* wake + wake_by_ref calls */
  int clones; /* clones alive (created by clone, ended by wake or drop) */
  hd_waker base;
  hd_context cx;
} test_task;

static const hd_waker_vtable test_task_vtable;

static hd_waker test_task_clone(const void *d) {
  ((test_task *)d)->clones++;
  return (hd_waker){&test_task_vtable, (void *)d};
}
static void test_task_wake(void *d) {
  ((test_task *)d)->wakes++;
  ((test_task *)d)->clones--;
}
static void test_task_wake_by_ref(const void *d) {
  ((test_task *)d)->wakes++;
}
static void test_task_drop(void *d) {
  ((test_task *)d)->clones--;
}
static const hd_waker_vtable test_task_vtable = {test_task_clone, test_task_wake,
                                                 test_task_wake_by_ref, test_task_drop};

/* Sets t up; t must stay put while its context is used. */
static inline void test_task_init(test_task *t) {
  t->wakes = 0;
  t->clones = 0;
  t->base = (hd_waker){&test_task_vtable, t};
  t->cx.waker = &t->base;
}

static inline hd_poll test_poll(hd_future *f, test_task *t) {
  return hd_future_poll(f, &t->cx);
}

#endif
