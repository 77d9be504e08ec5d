/* hd_timeout: an inner future raced against a deadline (see heddle/time.h).
 * The inner future is the header's child while it runs, so dropping the
 * timeout drops it first (hd_future_drop), then the hook cancels the
 * timer. */
#include "heddle/time.h"
#include "reactor.h"

static hd_poll timeout_finish(hd_timeout *t, int out) {
  if (t->hd.child) {
    hd_future *inner = t->hd.child;
    t->hd.child = NULL;
    hd_future_drop(inner);
  }
  hd__timer_cancel(t->reactor, &t->timer);
  t->out = out;
  return HD_READY;
}

static hd_poll timeout_poll(hd_future *self, hd_context *cx) {
  hd_timeout *t = (hd_timeout *)self;
  if (!t->inner)
    return timeout_finish(t, HD_EINVAL);
  if (!t->reactor) {
    t->reactor = hd__reactor_current();
    if (!t->reactor)
      return timeout_finish(t, HD_ENORUNTIME);
  }
  if (hd_future_poll(t->inner, cx) == HD_READY) {
    t->hd.child = NULL;
    return timeout_finish(t, 0);
  }
  if (hd__timer_poll(t->reactor, &t->timer, cx))
    return timeout_finish(t, HD_ETIMEDOUT);
  return HD_PENDING;
}

static void timeout_drop(hd_future *self) {
  hd_timeout *t = (hd_timeout *)self;
  hd__timer_cancel(t->reactor, &t->timer);
}

static const hd_future_vtable timeout_vtable = {"hd_timeout", timeout_poll, timeout_drop,
                                                sizeof(hd_timeout)};

hd_future *hd_timeout_init(hd_timeout *t, hd_future *inner, uint64_t ms) {
  hd_future_init(&t->hd, &timeout_vtable);
  t->hd.child = inner;
  t->out = 0;
  t->inner = inner;
  t->reactor = NULL;
  hd__timer_init(&t->timer, hd__now_ms() + ms);
  return &t->hd;
}
