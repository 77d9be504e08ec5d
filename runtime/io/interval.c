/* hd_interval: a periodic schedule and its cancel-safe tick future (see
 * heddle/time.h). The schedule (next_ms) advances only when a tick
 * completes, so dropping a tick future loses nothing. */
#include "heddle/time.h"
#include "reactor.h"

void hd_interval_init(hd_interval *iv, uint64_t period_ms) {
  iv->period_ms = period_ms ? period_ms : 1;
  iv->next_ms = hd__now_ms();
  iv->missed = HD_MISSED_TICK_SKIP;
}

void hd_interval_set_missed_tick(hd_interval *iv, hd_missed_tick missed) {
  iv->missed = missed;
}

/* Moves the schedule past the tick at `tick` that fires at `now`. */
static void interval_advance(hd_interval *iv, uint64_t tick, uint64_t now) {
  uint64_t next = tick + iv->period_ms;
  if (next > now || iv->missed == HD_MISSED_TICK_BURST)
    iv->next_ms = next;
  else if (iv->missed == HD_MISSED_TICK_DELAY)
    iv->next_ms = now + iv->period_ms;
  else /* skip: the first point of the original grid after now */
    iv->next_ms = next + ((now - next) / iv->period_ms + 1) * iv->period_ms;
}

static hd_poll tick_poll(hd_future *self, hd_context *cx) {
  hd_interval_tick *t = (hd_interval_tick *)self;
  if (!t->iv) {
    t->out = HD_EINVAL;
    return HD_READY;
  }
  if (!t->reactor) {
    t->reactor = hd__reactor_current();
    if (!t->reactor) {
      t->out = HD_ENORUNTIME;
      return HD_READY;
    }
    hd__timer_init(&t->timer, t->iv->next_ms);
  }
  if (!hd__timer_poll(t->reactor, &t->timer, cx))
    return HD_PENDING;
  t->tick_ms = t->timer.deadline_ms;
  interval_advance(t->iv, t->tick_ms, hd__now_ms());
  t->out = 0;
  return HD_READY;
}

static void tick_drop(hd_future *self) {
  hd_interval_tick *t = (hd_interval_tick *)self;
  hd__timer_cancel(t->reactor, &t->timer);
}

static const hd_future_vtable tick_vtable = {"hd_interval_tick", tick_poll, tick_drop,
                                             sizeof(hd_interval_tick)};

hd_future *hd_interval_tick_init(hd_interval_tick *t, hd_interval *iv) {
  hd_future_init(&t->hd, &tick_vtable);
  t->out = 0;
  t->tick_ms = 0;
  t->iv = iv;
  t->reactor = NULL;
  hd__timer_init(&t->timer, 0);
  return &t->hd;
}
