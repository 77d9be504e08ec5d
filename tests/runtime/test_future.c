/* Futures by hand: poll, complete, drop cascades, bad resume. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "heddle/future.h"

/* A leaf future that is pending `remaining` times, counting drops. */
typedef struct countdown {
  hd_future hd;
  int remaining;
  int *dropped;
} countdown;

static hd_poll countdown_poll(hd_future *self, hd_context *cx) {
  countdown *c = (countdown *)self;
  if (c->remaining-- > 0) {
    hd_waker_wake_by_ref(cx->waker);
    return HD_PENDING;
  }
  return HD_READY;
}
static void countdown_drop(hd_future *self) { ++*((countdown *)self)->dropped; }
static const hd_future_vtable countdown_vtable = {"countdown", countdown_poll, countdown_drop,
                                                  sizeof(countdown)};

static hd_future *countdown_init(countdown *c, int n, int *dropped) {
  hd_future_init(&c->hd, &countdown_vtable);
  c->remaining = n;
  c->dropped = dropped;
  return &c->hd;
}

HD_ASYNC_FN(two_steps, int, int *dropped; int *hook_ran; int steps; countdown c;);
static void two_steps_drop(hd_future *self) { ++*((two_steps *)self)->hook_ran; }
HD_ASYNC(two_steps, f, cx, two_steps_drop) {
  HD_AWAIT(f, cx, countdown_init(&f->c, 1, f->dropped));
  f->steps++;
  HD_AWAIT(f, cx, countdown_init(&f->c, 2, f->dropped));
  f->steps++;
  HD_RETURN(f, 42);
}
HD_ASYNC_END(f)

static hd_future *two_steps_init(two_steps *f, int *dropped, int *hook_ran) {
  HD_ASYNC_INIT(f, two_steps);
  f->dropped = dropped;
  f->hook_ran = hook_ran;
  return &f->hd;
}

static void test_future_runs_to_completion(void **state) {
  int dropped = 0, hook = 0;
  two_steps f;
  hd_waker w = hd_waker_noop();
  hd_context cx = {&w};
  two_steps_init(&f, &dropped, &hook);
  int polls = 1;
  while (hd_future_poll(&f.hd, &cx) == HD_PENDING)
    polls++;
  assert_int_equal(polls, 4); /* 1 + 2 pendings, then ready */
  assert_int_equal(f.out, 42);
  assert_int_equal(f.steps, 2);
  assert_true(hd_future_is_done(&f.hd));
  hd_future_drop(&f.hd); /* finished: nothing to release */
  assert_int_equal(dropped, 0);
  assert_int_equal(hook, 0);
}

static void test_future_drop_cascades_to_child(void **state) {
  int dropped = 0, hook = 0;
  two_steps f;
  hd_waker w = hd_waker_noop();
  hd_context cx = {&w};
  two_steps_init(&f, &dropped, &hook);
  assert_int_equal(hd_future_poll(&f.hd, &cx), HD_PENDING);
  assert_ptr_equal(f.hd.child, &f.c.hd);
  assert_non_null(f.hd.file);
  hd_future_drop(&f.hd);
  assert_int_equal(dropped, 1); /* the awaited child went first */
  assert_int_equal(hook, 1);    /* then the frame's hook */
  hd_future_drop(&f.hd);        /* dropping twice is harmless */
  assert_int_equal(hook, 1);
}

static void test_future_unstarted_drop_runs_hook_only(void **state) {
  int dropped = 0, hook = 0;
  two_steps f;
  two_steps_init(&f, &dropped, &hook);
  assert_false(hd_future_is_started(&f.hd));
  hd_future_drop(&f.hd);
  assert_int_equal(dropped, 0);
  assert_int_equal(hook, 1);
}

static int wakes;
static hd_waker count_clone(const void *d) {
  extern const hd_waker_vtable count_vtable;
  return (hd_waker){&count_vtable, (void *)d};
}
static void count_wake(void *d) { wakes++; }
static void count_wake_by_ref(const void *d) { wakes++; }
static void count_drop(void *d) {}
const hd_waker_vtable count_vtable = {count_clone, count_wake, count_wake_by_ref, count_drop};

static void test_future_waker_register_and_wake(void **state) {
  hd_waker a = {&count_vtable, &wakes};
  hd_context cx = {&a};
  hd_waker slot = {0};
  wakes = 0;
  assert_true(hd_waker_is_empty(&slot));
  hd_waker_register(&slot, &cx);
  assert_true(hd_waker_will_wake(&slot, &a));
  hd_waker_wake(&slot);
  assert_true(hd_waker_is_empty(&slot));
  hd_waker_wake(&slot); /* empty: nothing */
  assert_int_equal(wakes, 1);
}

static void test_future_error_strings(void **state) {
  assert_string_equal(hd_strerror(HD_ECANCELED), "the task was cancelled");
  assert_string_equal(hd_error_name(HD_ETIMEDOUT), "HD_ETIMEDOUT");
  assert_string_equal(hd_strerror(12345), "unknown error");
  assert_null(hd_error_name(0));
}

/* Runs `body` in a child process; returns its stderr and how it ended. */
static int run_child(void (*body)(void), char *err, size_t cap) {
  int pipefd[2];
  assert_int_equal(pipe(pipefd), 0);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    dup2(pipefd[1], 2);
    body();
    _exit(0);
  }
  close(pipefd[1]);
  ssize_t n, total = 0;
  while ((n = read(pipefd[0], err + total, cap - 1 - (size_t)total)) > 0)
    total += n;
  err[total] = 0;
  close(pipefd[0]);
  int status;
  waitpid(pid, &status, 0);
  return status;
}

static void poll_finished_future(void) {
  int dropped = 0, hook = 0;
  two_steps f;
  hd_waker w = hd_waker_noop();
  hd_context cx = {&w};
  two_steps_init(&f, &dropped, &hook);
  while (hd_future_poll(&f.hd, &cx) == HD_PENDING)
    ;
  hd_future_poll(&f.hd, &cx);
}

static void resume_corrupted_frame(void) {
  int dropped = 0, hook = 0;
  two_steps f;
  hd_waker w = hd_waker_noop();
  hd_context cx = {&w};
  two_steps_init(&f, &dropped, &hook);
  hd_future_poll(&f.hd, &cx);
  f.hd.resume = 7; /* no await on line 7: what a stray write would do */
  hd_future_poll(&f.hd, &cx);
}

static void test_future_bad_resume_fails_loudly(void **state) {
  char err[512];
  int status = run_child(poll_finished_future, err, sizeof err);
  assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
  assert_non_null(strstr(err, "future two_steps"));
  assert_non_null(strstr(err, "polled after it completed"));
  status = run_child(resume_corrupted_frame, err, sizeof err);
  assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
  assert_non_null(strstr(err, "resumed at a point that does not exist (resume=7)"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_future_runs_to_completion),
      cmocka_unit_test(test_future_drop_cascades_to_child),
      cmocka_unit_test(test_future_unstarted_drop_runs_hook_only),
      cmocka_unit_test(test_future_waker_register_and_wake),
      cmocka_unit_test(test_future_error_strings),
      cmocka_unit_test(test_future_bad_resume_fails_loudly),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
