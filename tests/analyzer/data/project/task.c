/* Async functions using the helpers of locks.c. */
#include "heddle/future.h"
#include "shared.h"

HD_ASYNC_FN(tick, int, int unused;);
HD_ASYNC(tick, f, cx, NULL) {
  HD_RETURN(f, 1);
} HD_ASYNC_END(f)

hd_future *tick_init(tick *f);
hd_future *tick_init(tick *f) {
  HD_ASYNC_INIT(f, tick);
  return &f->hd;
}

/* bad: the helper returns with the mutex held, then the task awaits */
HD_ASYNC_FN(bump_bad, int, struct shared *s; tick t;);
HD_ASYNC(bump_bad, f, cx, NULL) {
  shared_lock(f->s);
  f->s->n++;
  HD_AWAIT(f, cx, tick_init(&f->t));
  shared_unlock(f->s);
  HD_RETURN(f, 0);
} HD_ASYNC_END(f)

/* good: released through the other helper before the await */
HD_ASYNC_FN(bump_good, int, struct shared *s; tick t;);
HD_ASYNC(bump_good, f, cx, NULL) {
  shared_lock(f->s);
  f->s->n++;
  shared_unlock(f->s);
  HD_AWAIT(f, cx, tick_init(&f->t));
  HD_RETURN(f, 0);
} HD_ASYNC_END(f)

/* suppressed in source */
HD_ASYNC_FN(bump_known, int, struct shared *s; tick t;);
HD_ASYNC(bump_known, f, cx, NULL) {
  shared_lock(f->s);
  // heddle: ignore[lock-across-await] the lock is private to this task in tests
  HD_AWAIT(f, cx, tick_init(&f->t));
  shared_unlock(f->s);
  HD_RETURN(f, 0);
} HD_ASYNC_END(f)
