/* A hand-written "first of two timers" future (how a custom combinator is
 * written) initialises its two child sleeps in its constructor and polls them
 * in its own poll function with hd_future_poll. Good: polling a future by
 * hand is a use, like awaiting it. */
#include "heddle/heddle.h"

typedef struct either_timer {
  hd_future hd;
  int fired; /* output: 0 or 1 */
  hd_sleep a, b;
} either_timer;

static hd_poll either_timer_poll(hd_future *self, hd_context *cx) {
  either_timer *e = (either_timer *)self;
  if (hd_future_poll(&e->a.hd, cx) == HD_READY) {
    hd_future_drop(&e->b.hd);
    e->fired = 0;
    return HD_READY;
  }
  if (hd_future_poll(&e->b.hd, cx) == HD_READY) {
    hd_future_drop(&e->a.hd);
    e->fired = 1;
    return HD_READY;
  }
  return HD_PENDING;
}
static void either_timer_drop(hd_future *self) {
  either_timer *e = (either_timer *)self;
  hd_future_drop(&e->a.hd);
  hd_future_drop(&e->b.hd);
}
static const hd_future_vtable either_timer_vtable = {"either_timer", either_timer_poll,
                                                     either_timer_drop, sizeof(either_timer)};

static hd_future *either_timer_init(either_timer *e, uint64_t ms_a, uint64_t ms_b) {
  hd_future_init(&e->hd, &either_timer_vtable);
  hd_sleep_init(&e->a, ms_a);
  hd_sleep_init(&e->b, ms_b);
  e->fired = -1;
  return &e->hd;
}

HD_ASYNC_FN(waiter, int, either_timer t;);
HD_ASYNC(waiter, f, cx, NULL) {
  HD_AWAIT(f, cx, either_timer_init(&f->t, 20, 5));
  HD_RETURN(f, f->t.fired);
}
HD_ASYNC_END(f)

int main(void) {
  static waiter w;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&w, waiter);
  hd_block_on(rt, &w.hd);
  hd_runtime_free(rt);
  return w.out != 1;
}
