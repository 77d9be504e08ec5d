/* hd_sleep: a one-shot timer future (see heddle/time.h). */
#include "heddle/time.h"
#include "reactor.h"

uint64_t hd_time_now_ms(void) {
  return hd__now_ms();
}

static hd_poll sleep_poll(hd_future *self, hd_context *cx) {
  hd_sleep *s = (hd_sleep *)self;
  if (!s->reactor) {
    s->reactor = hd__reactor_current();
    if (!s->reactor) {
      s->out = HD_ENORUNTIME;
      return HD_READY;
    }
  }
  if (!hd__timer_poll(s->reactor, &s->timer, cx))
    return HD_PENDING;
  s->out = 0;
  return HD_READY;
}

static void sleep_drop(hd_future *self) {
  hd_sleep *s = (hd_sleep *)self;
  hd__timer_cancel(s->reactor, &s->timer);
}

static const hd_future_vtable sleep_vtable = {"hd_sleep", sleep_poll, sleep_drop, sizeof(hd_sleep)};

hd_future *hd_sleep_until_init(hd_sleep *s, uint64_t deadline_ms) {
  hd_future_init(&s->hd, &sleep_vtable);
  s->out = 0;
  s->reactor = NULL;
  hd__timer_init(&s->timer, deadline_ms);
  return &s->hd;
}

hd_future *hd_sleep_init(hd_sleep *s, uint64_t ms) {
  return hd_sleep_until_init(s, hd__now_ms() + ms);
}
