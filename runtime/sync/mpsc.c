/* hd_mpsc: a multi-producer single-consumer channel of fixed-size messages
 * (see heddle/channel.h for the state and the rules).
 *
 * The channel is freed when the last sender and the receiver are gone
 * (senders == 0 && !rx_alive), decided under the lock, done after it.
 */
#include <stdint.h>
#include <stdlib.h>

#include "heddle/channel.h"
#include "sync/waitq.h"

#define UNBOUNDED_FIRST_SLOTS 16

struct hd__mpsc {
  pthread_mutex_t lock;
  size_t elem;        /* bytes per message */
  size_t cap;         /* messages (SIZE_MAX: unbounded) */
  unsigned char *buf; /* ring of `slots` messages */
  size_t slots, head, len;
  size_t reserved; /* slots granted to sends/reserves or held by permits, not written yet */
  size_t senders;
  bool rx_alive;
  bool closed;
  hd__waitq sendq;   /* bounded sends waiting for a slot, FIFO */
  hd_waker rx_waker; /* the receiving task, while a recv is pending */
};

static int chan_new(size_t elem, size_t cap, size_t slots, hd_mpsc_sender *tx,
                    hd_mpsc_receiver *rx) {
  if (!tx || !rx || elem == 0 || slots == 0 || slots > SIZE_MAX / elem)
    return HD_EINVAL;
  hd__mpsc *ch = calloc(1, sizeof *ch);
  if (!ch)
    return HD_ENOMEM;
  ch->buf = malloc(slots * elem);
  if (!ch->buf) {
    free(ch);
    return HD_ENOMEM;
  }
  pthread_mutex_init(&ch->lock, NULL);
  ch->elem = elem;
  ch->cap = cap;
  ch->slots = slots;
  ch->senders = 1;
  ch->rx_alive = true;
  tx->chan = ch;
  rx->chan = ch;
  return 0;
}

int hd_mpsc_bounded(size_t elem_size, size_t capacity, hd_mpsc_sender *tx, hd_mpsc_receiver *rx) {
  return chan_new(elem_size, capacity, capacity, tx, rx);
}

int hd_mpsc_unbounded(size_t elem_size, hd_mpsc_sender *tx, hd_mpsc_receiver *rx) {
  return chan_new(elem_size, SIZE_MAX, UNBOUNDED_FIRST_SLOTS, tx, rx);
}

static void chan_free(hd__mpsc *ch) {
  pthread_mutex_destroy(&ch->lock);
  free(ch->buf);
  free(ch);
}

/* Under the lock: appends one message. Only an unbounded channel grows. */
static int push_locked(hd__mpsc *ch, const void *msg) {
  if (ch->len == ch->slots) {
    if (ch->slots > SIZE_MAX / 2 / ch->elem)
      return HD_ENOMEM;
    size_t slots = ch->slots * 2;
    unsigned char *buf = malloc(slots * ch->elem);
    if (!buf)
      return HD_ENOMEM;
    size_t first = ch->slots - ch->head; /* messages before the wrap */
    if (first > ch->len)
      first = ch->len;
    memcpy(buf, ch->buf + ch->head * ch->elem, first * ch->elem);
    memcpy(buf + first * ch->elem, ch->buf, (ch->len - first) * ch->elem);
    free(ch->buf);
    ch->buf = buf;
    ch->slots = slots;
    ch->head = 0;
  }
  size_t tail = (ch->head + ch->len) % ch->slots;
  memcpy(ch->buf + tail * ch->elem, msg, ch->elem);
  ch->len++;
  return 0;
}

static void pop_locked(hd__mpsc *ch, void *out) {
  memcpy(out, ch->buf + ch->head * ch->elem, ch->elem);
  ch->head = (ch->head + 1) % ch->slots;
  ch->len--;
}

/* Under the lock: hands free slots to queued sends (FIFO). Returns the
 * waker to fire after unlocking (at most one slot frees per recv). */
static hd_waker grant_locked(hd__mpsc *ch) {
  hd_waker wk = {0};
  hd__waiter *w = ch->sendq.head;
  if (w && ch->len + ch->reserved < ch->cap) {
    hd__waitq_pop(&ch->sendq);
    ch->reserved++;
    w->state = HD__WAIT_GRANTED;
    wk = w->waker;
    w->waker = (hd_waker){0};
  }
  return wk;
}

/* Called locked; returns unlocked. Marks the channel closed and fails every
 * queued send, firing their wakers in batches outside the lock. */
static void close_and_unlock(hd__mpsc *ch) {
  hd__wake_batch b = {.n = 0};
  ch->closed = true;
  for (;;) {
    hd__waiter *w;
    while (!hd__wake_batch_full(&b) && (w = hd__waitq_pop(&ch->sendq))) {
      w->state = HD__WAIT_CLOSED;
      hd__wake_batch_take(&b, &w->waker);
    }
    bool more = ch->sendq.head != NULL;
    pthread_mutex_unlock(&ch->lock);
    hd__wake_batch_fire(&b);
    if (!more)
      return;
    pthread_mutex_lock(&ch->lock);
  }
}

/* ---- senders ----------------------------------------------------------- */

int hd_mpsc_sender_clone(const hd_mpsc_sender *tx, hd_mpsc_sender *out) {
  if (!tx || !tx->chan || !out)
    return HD_EINVAL;
  hd__mpsc *ch = tx->chan;
  pthread_mutex_lock(&ch->lock);
  ch->senders++;
  pthread_mutex_unlock(&ch->lock);
  out->chan = ch;
  return 0;
}

void hd_mpsc_sender_drop(hd_mpsc_sender *tx) {
  if (!tx || !tx->chan)
    return;
  hd__mpsc *ch = tx->chan;
  tx->chan = NULL;
  hd_waker wk = {0};
  pthread_mutex_lock(&ch->lock);
  bool last = --ch->senders == 0;
  if (last) {
    wk = ch->rx_waker; /* the receiver must see HD_ECLOSED */
    ch->rx_waker = (hd_waker){0};
  }
  bool free_it = last && !ch->rx_alive;
  pthread_mutex_unlock(&ch->lock);
  hd_waker_wake(&wk);
  if (free_it)
    chan_free(ch);
}

bool hd_mpsc_sender_is_closed(const hd_mpsc_sender *tx) {
  if (!tx || !tx->chan)
    return true;
  pthread_mutex_lock(&tx->chan->lock);
  bool c = tx->chan->closed;
  pthread_mutex_unlock(&tx->chan->lock);
  return c;
}

int hd_mpsc_try_send(hd_mpsc_sender *tx, const void *msg) {
  if (!tx || !tx->chan || !msg)
    return HD_EINVAL;
  hd__mpsc *ch = tx->chan;
  hd_waker wk = {0};
  int r;
  pthread_mutex_lock(&ch->lock);
  if (ch->closed)
    r = HD_ECLOSED;
  else if (ch->sendq.head || ch->len + ch->reserved >= ch->cap)
    r = HD_EFULL;
  else if ((r = push_locked(ch, msg)) == 0) {
    wk = ch->rx_waker;
    ch->rx_waker = (hd_waker){0};
  }
  pthread_mutex_unlock(&ch->lock);
  hd_waker_wake(&wk);
  return r;
}

/* Under the lock: one step of waiting for a slot, shared by send and
 * reserve. HD_READY with *err 0 means the caller now holds a reserved slot
 * (counted in ch->reserved); HD_READY with HD_ECLOSED means it never will.
 * A displaced waker lands in *old, to be dropped after unlocking. */
static hd_poll slot_poll_locked(hd__mpsc *ch, hd__waiter *w, hd_context *cx, hd_waker *old,
                                int *err) {
  switch (w->state) {
  case HD__WAIT_IDLE:
    if (ch->closed) {
      *err = HD_ECLOSED;
      break;
    }
    if (!ch->sendq.head && ch->len + ch->reserved < ch->cap) {
      ch->reserved++;
      *err = 0;
      break;
    }
    *old = hd__waker_swap(&w->waker, cx);
    hd__waitq_push(&ch->sendq, w);
    return HD_PENDING;
  case HD__WAIT_QUEUED:
    *old = hd__waker_swap(&w->waker, cx);
    return HD_PENDING;
  case HD__WAIT_GRANTED: /* grant_locked already counted the slot */
    if (ch->closed) {
      ch->reserved--;
      *err = HD_ECLOSED;
    } else {
      *err = 0;
    }
    break;
  default: /* CLOSED */
    *err = HD_ECLOSED;
    break;
  }
  w->state = HD__WAIT_DONE;
  return HD_READY;
}

/* Under the lock: writes a message into a reserved slot (consuming the
 * reservation). On 0 the receiver's waker lands in *rx. */
static int slot_fill_locked(hd__mpsc *ch, const void *msg, hd_waker *rx) {
  ch->reserved--;
  if (ch->closed)
    return HD_ECLOSED;
  int e = push_locked(ch, msg);
  if (e == 0) {
    *rx = ch->rx_waker;
    ch->rx_waker = (hd_waker){0};
  }
  return e;
}

/* The drop step of an unfinished send or reserve future: leaves the queue,
 * or passes on a slot it had been handed. */
static void slot_cancel(hd__mpsc *ch, hd__waiter *w) {
  hd_waker pass = {0};
  pthread_mutex_lock(&ch->lock);
  hd_waker old = w->waker;
  w->waker = (hd_waker){0};
  if (w->state == HD__WAIT_QUEUED) {
    hd__waitq_remove(&ch->sendq, w);
  } else if (w->state == HD__WAIT_GRANTED) {
    ch->reserved--; /* the slot it was handed goes to the next send */
    pass = grant_locked(ch);
  }
  w->state = HD__WAIT_DONE;
  pthread_mutex_unlock(&ch->lock);
  hd_waker_wake(&pass);
  hd_waker_drop(&old);
}

static hd_poll send_poll(hd_future *self, hd_context *cx) {
  hd_mpsc_send *s = (hd_mpsc_send *)self;
  hd__mpsc *ch = s->tx.chan;
  if (!ch || !s->msg) {
    s->out = HD_EINVAL;
    return HD_READY;
  }
  hd_waker old = {0}, rx = {0};
  pthread_mutex_lock(&ch->lock);
  hd_poll r = slot_poll_locked(ch, &s->w, cx, &old, &s->out);
  if (r == HD_READY && s->out == 0)
    s->out = slot_fill_locked(ch, s->msg, &rx);
  pthread_mutex_unlock(&ch->lock);
  hd_waker_drop(&old);
  hd_waker_wake(&rx);
  if (r == HD_READY)
    hd_mpsc_sender_drop(&s->tx);
  return r;
}

static void send_drop(hd_future *self) {
  hd_mpsc_send *s = (hd_mpsc_send *)self;
  if (!s->tx.chan)
    return;
  slot_cancel(s->tx.chan, &s->w);
  hd_mpsc_sender_drop(&s->tx);
}

static const hd_future_vtable send_vtable = {"hd_mpsc_send", send_poll, send_drop,
                                             sizeof(hd_mpsc_send)};

hd_future *hd_mpsc_send_init(hd_mpsc_send *s, const hd_mpsc_sender *tx, const void *msg) {
  memset(s, 0, sizeof *s);
  hd_future_init(&s->hd, &send_vtable);
  if (tx)
    hd_mpsc_sender_clone(tx, &s->tx); /* leaves s->tx empty if tx is dropped */
  s->msg = msg;
  return &s->hd;
}

/* ---- reserved slots (permits) ----------------------------------------- */

int hd_mpsc_try_reserve(hd_mpsc_sender *tx, hd_mpsc_permit *permit) {
  if (!tx || !tx->chan || !permit)
    return HD_EINVAL;
  hd__mpsc *ch = tx->chan;
  int r = 0;
  pthread_mutex_lock(&ch->lock);
  if (ch->closed) {
    r = HD_ECLOSED;
  } else if (ch->sendq.head || ch->len + ch->reserved >= ch->cap) {
    r = HD_EFULL;
  } else {
    ch->reserved++;
    ch->senders++; /* the permit's own sender reference */
  }
  pthread_mutex_unlock(&ch->lock);
  if (r == 0)
    permit->tx.chan = ch;
  return r;
}

int hd_mpsc_permit_send(hd_mpsc_permit *permit, const void *msg) {
  if (!permit || !permit->tx.chan || !msg)
    return HD_EINVAL;
  hd__mpsc *ch = permit->tx.chan;
  hd_waker rx = {0};
  pthread_mutex_lock(&ch->lock);
  int e = slot_fill_locked(ch, msg, &rx);
  pthread_mutex_unlock(&ch->lock);
  hd_waker_wake(&rx);
  hd_mpsc_sender_drop(&permit->tx);
  return e;
}

void hd_mpsc_permit_release(hd_mpsc_permit *permit) {
  if (!permit || !permit->tx.chan)
    return;
  hd__mpsc *ch = permit->tx.chan;
  pthread_mutex_lock(&ch->lock);
  ch->reserved--;
  hd_waker pass = grant_locked(ch);
  pthread_mutex_unlock(&ch->lock);
  hd_waker_wake(&pass);
  hd_mpsc_sender_drop(&permit->tx);
}

static hd_poll reserve_poll(hd_future *self, hd_context *cx) {
  hd_mpsc_reserve *r = (hd_mpsc_reserve *)self;
  hd__mpsc *ch = r->tx.chan;
  if (!ch || !r->permit) {
    r->out = HD_EINVAL;
    return HD_READY;
  }
  hd_waker old = {0};
  pthread_mutex_lock(&ch->lock);
  hd_poll p = slot_poll_locked(ch, &r->w, cx, &old, &r->out);
  pthread_mutex_unlock(&ch->lock);
  hd_waker_drop(&old);
  if (p == HD_READY) {
    if (r->out == 0) {
      r->permit->tx = r->tx; /* the future's sender reference moves to the permit */
      r->tx.chan = NULL;
    } else {
      hd_mpsc_sender_drop(&r->tx);
    }
  }
  return p;
}

static void reserve_drop(hd_future *self) {
  hd_mpsc_reserve *r = (hd_mpsc_reserve *)self;
  if (!r->tx.chan)
    return;
  slot_cancel(r->tx.chan, &r->w);
  hd_mpsc_sender_drop(&r->tx);
}

static const hd_future_vtable reserve_vtable = {"hd_mpsc_reserve", reserve_poll, reserve_drop,
                                                sizeof(hd_mpsc_reserve)};

hd_future *hd_mpsc_reserve_init(hd_mpsc_reserve *r, const hd_mpsc_sender *tx,
                                hd_mpsc_permit *permit) {
  memset(r, 0, sizeof *r);
  hd_future_init(&r->hd, &reserve_vtable);
  if (tx)
    hd_mpsc_sender_clone(tx, &r->tx);
  r->permit = permit;
  return &r->hd;
}

/* ---- receiver ---------------------------------------------------------- */

void hd_mpsc_receiver_close(hd_mpsc_receiver *rx) {
  if (!rx || !rx->chan)
    return;
  pthread_mutex_lock(&rx->chan->lock);
  close_and_unlock(rx->chan);
}

void hd_mpsc_receiver_drop(hd_mpsc_receiver *rx) {
  if (!rx || !rx->chan)
    return;
  hd__mpsc *ch = rx->chan;
  rx->chan = NULL;
  pthread_mutex_lock(&ch->lock);
  ch->len = 0; /* buffered messages are discarded */
  hd_waker old = ch->rx_waker;
  ch->rx_waker = (hd_waker){0};
  close_and_unlock(ch);
  hd_waker_drop(&old);
  /* rx_alive falls only now, in the same critical section that decides who
   * frees: a last sender dropping meanwhile saw the receiver alive. */
  pthread_mutex_lock(&ch->lock);
  ch->rx_alive = false;
  bool free_it = ch->senders == 0;
  pthread_mutex_unlock(&ch->lock);
  if (free_it)
    chan_free(ch);
}

size_t hd_mpsc_receiver_len(const hd_mpsc_receiver *rx) {
  if (!rx || !rx->chan)
    return 0;
  pthread_mutex_lock(&rx->chan->lock);
  size_t n = rx->chan->len;
  pthread_mutex_unlock(&rx->chan->lock);
  return n;
}

/* Under the lock: takes a message (0), or says why not. On 0 it may hand
 * the freed slot to a queued send, whose waker lands in *pass. */
static int recv_locked(hd__mpsc *ch, void *out, hd_waker *pass) {
  if (ch->len > 0) {
    pop_locked(ch, out);
    *pass = grant_locked(ch);
    return 0;
  }
  if (ch->senders == 0 || ch->closed)
    return HD_ECLOSED;
  return HD_EEMPTY;
}

int hd_mpsc_try_recv(hd_mpsc_receiver *rx, void *out) {
  if (!rx || !rx->chan || !out)
    return HD_EINVAL;
  hd_waker pass = {0};
  pthread_mutex_lock(&rx->chan->lock);
  int r = recv_locked(rx->chan, out, &pass);
  pthread_mutex_unlock(&rx->chan->lock);
  hd_waker_wake(&pass);
  return r;
}

static hd_poll recv_poll(hd_future *self, hd_context *cx) {
  hd_mpsc_recv *r = (hd_mpsc_recv *)self;
  hd__mpsc *ch = r->chan;
  if (!ch || !r->dst) {
    r->out = HD_EINVAL;
    return HD_READY;
  }
  hd_waker pass = {0}, old = {0};
  pthread_mutex_lock(&ch->lock);
  int e = recv_locked(ch, r->dst, &pass);
  if (e == HD_EEMPTY)
    old = hd__waker_swap(&ch->rx_waker, cx);
  pthread_mutex_unlock(&ch->lock);
  hd_waker_drop(&old);
  hd_waker_wake(&pass);
  if (e == HD_EEMPTY)
    return HD_PENDING;
  r->out = e;
  return HD_READY;
}

static void recv_drop(hd_future *self) {
  hd_mpsc_recv *r = (hd_mpsc_recv *)self;
  hd__mpsc *ch = r->chan;
  if (!ch)
    return;
  /* Nothing was taken; only forget the stored waker so the channel does not
   * keep the task alive. */
  pthread_mutex_lock(&ch->lock);
  hd_waker old = ch->rx_waker;
  ch->rx_waker = (hd_waker){0};
  pthread_mutex_unlock(&ch->lock);
  hd_waker_drop(&old);
}

static const hd_future_vtable recv_vtable = {"hd_mpsc_recv", recv_poll, recv_drop,
                                             sizeof(hd_mpsc_recv)};

hd_future *hd_mpsc_recv_init(hd_mpsc_recv *r, hd_mpsc_receiver *rx, void *dst) {
  memset(r, 0, sizeof *r);
  hd_future_init(&r->hd, &recv_vtable);
  r->chan = rx ? rx->chan : NULL;
  r->dst = dst;
  return &r->hd;
}
