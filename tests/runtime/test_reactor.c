/* The reactor on its own: fd readiness, timers, cancel, unpark. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <unistd.h>

#include <cmocka.h>

#include "reactor.h"

/* A waker that records its id in a shared log and counts wakes. */
typedef struct probe {
  int id;
  atomic_int wakes;
  int *log;
  int *log_len;
} probe;

static hd_waker probe_clone(const void *d);
static void probe_wake(void *d) {
  probe *p = d;
  atomic_fetch_add(&p->wakes, 1);
  if (p->log)
    p->log[(*p->log_len)++] = p->id;
}
static void probe_wake_by_ref(const void *d) {
  probe_wake((void *)d);
}
static void probe_drop(void *d) {}
static const hd_waker_vtable probe_vtable = {probe_clone, probe_wake, probe_wake_by_ref,
                                             probe_drop};
static hd_waker probe_clone(const void *d) {
  return (hd_waker){&probe_vtable, (void *)d};
}

static int make_pipe(int fds[2]) {
  return pipe2(fds, O_NONBLOCK | O_CLOEXEC);
}

static void test_reactor_pipe_readable_wakes(void **state) {
  hd__reactor *r = hd__reactor_new();
  assert_non_null(r);
  int fds[2];
  assert_int_equal(make_pipe(fds), 0);
  hd__io_source src;
  assert_int_equal(hd__io_source_register(r, &src, fds[0]), 0);
  probe p = {.id = 1};
  hd_waker w = {&probe_vtable, &p};
  hd_context cx = {&w};

  /* Optimistic at first; the read says EAGAIN, then we must wait. */
  assert_true(hd__io_source_poll_read(&src, &cx));
  char buf[8];
  assert_int_equal(read(fds[0], buf, sizeof buf), -1);
  assert_int_equal(errno, EAGAIN);
  hd__io_source_clear_read(&src);
  assert_false(hd__io_source_poll_read(&src, &cx));

  /* A cancelled future withdraws its waker; then it waits again. */
  hd__io_source_forget_read(&src);
  assert_true(hd_waker_is_empty(&src.read_waker));
  assert_false(hd__io_source_poll_read(&src, &cx));

  assert_int_equal(write(fds[1], "hi", 2), 2);
  int fired = 0;
  while (atomic_load(&p.wakes) == 0)
    fired += hd__reactor_turn(r, 1000);
  assert_int_equal(fired, 1);
  assert_int_equal(atomic_load(&p.wakes), 1);
  assert_true(hd__io_source_poll_read(&src, &cx));
  assert_int_equal(read(fds[0], buf, sizeof buf), 2);

  hd__io_source_deregister(&src);
  hd__io_source_deregister(&src); /* harmless twice */
  close(fds[0]);
  close(fds[1]);
  hd__reactor_free(r);
}

static void test_reactor_clear_keeps_a_newer_event(void **state) {
  hd__reactor *r = hd__reactor_new();
  int fds[2];
  assert_int_equal(make_pipe(fds), 0);
  hd__io_source src;
  assert_int_equal(hd__io_source_register(r, &src, fds[0]), 0);
  probe p = {.id = 1};
  hd_waker w = {&probe_vtable, &p};
  hd_context cx = {&w};
  assert_true(hd__io_source_poll_read(&src, &cx));
  /* An event arrives between the poll and the clear (after an EAGAIN the
   * reader saw before the data came): the clear must not erase it. */
  assert_int_equal(write(fds[1], "x", 1), 1);
  while (hd__reactor_turn(r, 0) == 0 && src.tick == 0)
    ;
  hd__io_source_clear_read(&src);
  assert_true(hd__io_source_poll_read(&src, &cx));
  hd__io_source_deregister(&src);
  close(fds[0]);
  close(fds[1]);
  hd__reactor_free(r);
}

static void test_reactor_deregister_wakes_then_ignores(void **state) {
  hd__reactor *r = hd__reactor_new();
  int fds[2];
  assert_int_equal(make_pipe(fds), 0);
  hd__io_source src;
  assert_int_equal(hd__io_source_register(r, &src, fds[0]), 0);
  probe p = {.id = 1};
  hd_waker w = {&probe_vtable, &p};
  hd_context cx = {&w};
  char c;
  assert_int_equal(read(fds[0], &c, 1), -1);
  hd__io_source_clear_read(&src);
  assert_false(hd__io_source_poll_read(&src, &cx));
  /* Deregistering wakes the stored waker (its future must look again and
   * find the stream closed); later events for the fd are ignored. */
  hd__io_source_deregister(&src);
  assert_int_equal(atomic_load(&p.wakes), 1);
  assert_int_equal(write(fds[1], "x", 1), 1);
  assert_int_equal(hd__reactor_turn(r, 0), 0);
  assert_int_equal(atomic_load(&p.wakes), 1);

  hd__io_source bad;
  assert_int_equal(hd__io_source_register(r, &bad, -1), HD_EBADF);
  assert_int_equal(hd__io_source_register(r, &bad, 987654), HD_EBADF);
  hd__io_source_deregister(&bad);
  close(fds[0]);
  close(fds[1]);
  hd__reactor_free(r);
}

static void test_reactor_timers_fire_in_deadline_order(void **state) {
  hd__reactor *r = hd__reactor_new();
  int log[8], len = 0;
  probe p[4];
  hd__timer t[4];
  uint64_t now = hd__now_ms();
  const uint64_t offsets[4] = {40, 10, 30, 20};
  for (int i = 0; i < 4; i++) {
    p[i] = (probe){.id = i, .log = log, .log_len = &len};
    hd_waker w = {&probe_vtable, &p[i]};
    hd_context cx = {&w};
    hd__timer_init(&t[i], now + offsets[i]);
    assert_false(hd__timer_poll(r, &t[i], &cx));
    assert_false(hd__timer_poll(r, &t[i], &cx)); /* queued once */
  }
  while (len < 4)
    hd__reactor_turn(r, -1); /* the earliest deadline bounds the wait */
  assert_int_equal(log[0], 1);
  assert_int_equal(log[1], 3);
  assert_int_equal(log[2], 2);
  assert_int_equal(log[3], 0);
  for (int i = 0; i < 4; i++) {
    assert_true(t[i].fired);
    assert_true(hd__timer_poll(r, &t[i], NULL));
    assert_int_equal(atomic_load(&p[i].wakes), 1);
  }
  hd__reactor_free(r);
}

static void test_reactor_cancel_removes_timer(void **state) {
  hd__reactor *r = hd__reactor_new();
  probe a = {.id = 0}, b = {.id = 1};
  hd_waker wa = {&probe_vtable, &a}, wb = {&probe_vtable, &b};
  hd_context ca = {&wa}, cb = {&wb};
  hd__timer ta, tb;
  uint64_t now = hd__now_ms();
  hd__timer_init(&ta, now + 5);
  hd__timer_init(&tb, now + 15);
  assert_false(hd__timer_poll(r, &ta, &ca));
  assert_false(hd__timer_poll(r, &tb, &cb));
  hd__timer_cancel(r, &ta);
  assert_int_equal(ta.heap_index, SIZE_MAX);
  assert_true(hd_waker_is_empty(&ta.waker));
  while (atomic_load(&b.wakes) == 0)
    hd__reactor_turn(r, -1);
  assert_int_equal(atomic_load(&a.wakes), 0);
  hd__timer_cancel(r, &tb); /* already fired: harmless */
  hd__timer_cancel(r, &tb);
  hd__reactor_free(r);
}

static void test_reactor_free_drops_queued_timers(void **state) {
  hd__reactor *r = hd__reactor_new();
  probe a = {.id = 0};
  hd_waker wa = {&probe_vtable, &a};
  hd_context ca = {&wa};
  hd__timer t;
  hd__timer_init(&t, hd__now_ms() + 100000);
  assert_false(hd__timer_poll(r, &t, &ca));
  hd__reactor_free(r);
  assert_int_equal(t.heap_index, SIZE_MAX);
  assert_int_equal(atomic_load(&a.wakes), 0);
}

static void *unpark_later(void *arg) {
  usleep(20000);
  hd__reactor_unpark(arg);
  return NULL;
}

static void test_reactor_unpark_interrupts_turn(void **state) {
  hd__reactor *r = hd__reactor_new();
  /* Before the turn: the next turn returns at once. */
  hd__reactor_unpark(r);
  hd__reactor_unpark(r); /* coalesced */
  assert_int_equal(hd__reactor_turn(r, -1), 0);
  /* During the turn, from another thread: an endless wait returns. */
  pthread_t th;
  assert_int_equal(pthread_create(&th, NULL, unpark_later, r), 0);
  assert_int_equal(hd__reactor_turn(r, -1), 0);
  pthread_join(th, NULL);
  /* Nothing left pending: a zero wait returns nothing. */
  assert_int_equal(hd__reactor_turn(r, 0), 0);
  hd__reactor_free(r);
}

static void test_reactor_current_is_per_thread(void **state) {
  hd__reactor *r = hd__reactor_new();
  assert_null(hd__reactor_current());
  hd__reactor_set_current(r);
  assert_ptr_equal(hd__reactor_current(), r);
  hd__reactor_set_current(NULL);
  assert_null(hd__reactor_current());
  hd__reactor_free(r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_reactor_pipe_readable_wakes),
      cmocka_unit_test(test_reactor_clear_keeps_a_newer_event),
      cmocka_unit_test(test_reactor_deregister_wakes_then_ignores),
      cmocka_unit_test(test_reactor_timers_fire_in_deadline_order),
      cmocka_unit_test(test_reactor_cancel_removes_timer),
      cmocka_unit_test(test_reactor_free_drops_queued_timers),
      cmocka_unit_test(test_reactor_unpark_interrupts_turn),
      cmocka_unit_test(test_reactor_current_is_per_thread),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
