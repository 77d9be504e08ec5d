/* hd_oneshot: one message, once (see heddle/channel.h).
 *
 * Shared state under `lock`: tx_alive/rx_alive say which handles remain
 * (the last one to go frees the channel, decided under the lock); `sent`
 * means the message sits in `data`, `taken` that the receiver copied it
 * out; `closed` that the receiver will not receive (dropped or closed).
 * rx_waker is the task awaiting the message, tx_waker the task awaiting
 * hd_oneshot_closed.
 */
#include <stdint.h>
#include <stdlib.h>

#include "heddle/channel.h"
#include "sync/waitq.h"

struct hd__oneshot {
  pthread_mutex_t lock;
  size_t elem;
  bool tx_alive, rx_alive, sent, taken, closed;
  hd_waker rx_waker, tx_waker;
  unsigned char data[];
};

int hd_oneshot_channel(size_t elem_size, hd_oneshot_sender *tx, hd_oneshot_receiver *rx) {
  if (!tx || !rx || elem_size == 0 || elem_size > SIZE_MAX - sizeof(hd__oneshot))
    return HD_EINVAL;
  hd__oneshot *ch = calloc(1, sizeof *ch + elem_size);
  if (!ch)
    return HD_ENOMEM;
  pthread_mutex_init(&ch->lock, NULL);
  ch->elem = elem_size;
  ch->tx_alive = ch->rx_alive = true;
  tx->chan = ch;
  rx->chan = ch;
  return 0;
}

static void chan_free(hd__oneshot *ch) {
  pthread_mutex_destroy(&ch->lock);
  free(ch);
}

/* Called locked: the sender goes (after sending or not). Returns unlocked;
 * wakes the receiver, frees the channel if the receiver is gone. */
static void sender_leave_and_unlock(hd__oneshot *ch) {
  ch->tx_alive = false;
  hd_waker rx = ch->rx_waker;
  ch->rx_waker = (hd_waker){0};
  hd_waker tx = ch->tx_waker; /* a closed future left behind (misuse) */
  ch->tx_waker = (hd_waker){0};
  bool free_it = !ch->rx_alive;
  pthread_mutex_unlock(&ch->lock);
  hd_waker_wake(&rx);
  hd_waker_drop(&tx);
  if (free_it)
    chan_free(ch);
}

int hd_oneshot_send(hd_oneshot_sender *tx, const void *msg) {
  if (!tx || !tx->chan)
    return HD_EINVAL;
  hd__oneshot *ch = tx->chan;
  tx->chan = NULL;
  pthread_mutex_lock(&ch->lock);
  int r = 0;
  if (ch->closed || !msg) {
    r = msg ? HD_ECLOSED : HD_EINVAL;
  } else {
    memcpy(ch->data, msg, ch->elem);
    ch->sent = true;
  }
  sender_leave_and_unlock(ch);
  return r;
}

void hd_oneshot_sender_drop(hd_oneshot_sender *tx) {
  if (!tx || !tx->chan)
    return;
  hd__oneshot *ch = tx->chan;
  tx->chan = NULL;
  pthread_mutex_lock(&ch->lock);
  sender_leave_and_unlock(ch);
}

bool hd_oneshot_sender_is_closed(const hd_oneshot_sender *tx) {
  if (!tx || !tx->chan)
    return true;
  pthread_mutex_lock(&tx->chan->lock);
  bool c = tx->chan->closed;
  pthread_mutex_unlock(&tx->chan->lock);
  return c;
}

static hd_poll closed_poll(hd_future *self, hd_context *cx) {
  hd_oneshot_closed *c = (hd_oneshot_closed *)self;
  hd__oneshot *ch = c->chan;
  if (!ch) {
    c->out = HD_EINVAL;
    return HD_READY;
  }
  hd_waker old = {0};
  pthread_mutex_lock(&ch->lock);
  bool closed = ch->closed;
  if (!closed)
    old = hd__waker_swap(&ch->tx_waker, cx);
  pthread_mutex_unlock(&ch->lock);
  hd_waker_drop(&old);
  c->out = 0;
  return closed ? HD_READY : HD_PENDING;
}

static void closed_drop(hd_future *self) {
  hd__oneshot *ch = ((hd_oneshot_closed *)self)->chan;
  if (!ch)
    return;
  pthread_mutex_lock(&ch->lock);
  hd_waker old = ch->tx_waker;
  ch->tx_waker = (hd_waker){0};
  pthread_mutex_unlock(&ch->lock);
  hd_waker_drop(&old);
}

static const hd_future_vtable closed_vtable = {"hd_oneshot_closed", closed_poll, closed_drop,
                                               sizeof(hd_oneshot_closed)};

hd_future *hd_oneshot_closed_init(hd_oneshot_closed *c, const hd_oneshot_sender *tx) {
  memset(c, 0, sizeof *c);
  hd_future_init(&c->hd, &closed_vtable);
  c->chan = tx ? tx->chan : NULL;
  return &c->hd;
}

/* Called locked: marks the receiver closed; returns the sender's closed
 * waker to fire after unlocking. */
static hd_waker close_locked(hd__oneshot *ch) {
  ch->closed = true;
  hd_waker tx = ch->tx_waker;
  ch->tx_waker = (hd_waker){0};
  return tx;
}

void hd_oneshot_receiver_close(hd_oneshot_receiver *rx) {
  if (!rx || !rx->chan)
    return;
  pthread_mutex_lock(&rx->chan->lock);
  hd_waker tx = close_locked(rx->chan);
  pthread_mutex_unlock(&rx->chan->lock);
  hd_waker_wake(&tx);
}

void hd_oneshot_receiver_drop(hd_oneshot_receiver *rx) {
  if (!rx || !rx->chan)
    return;
  hd__oneshot *ch = rx->chan;
  rx->chan = NULL;
  pthread_mutex_lock(&ch->lock);
  hd_waker tx = close_locked(ch);
  hd_waker old = ch->rx_waker;
  ch->rx_waker = (hd_waker){0};
  ch->rx_alive = false;
  bool free_it = !ch->tx_alive;
  pthread_mutex_unlock(&ch->lock);
  hd_waker_wake(&tx);
  hd_waker_drop(&old);
  if (free_it)
    chan_free(ch);
}

/* Under the lock: 0 (copied out), HD_EEMPTY or HD_ECLOSED. */
static int recv_locked(hd__oneshot *ch, void *out) {
  if (ch->sent && !ch->taken) {
    memcpy(out, ch->data, ch->elem);
    ch->taken = true;
    return 0;
  }
  if (ch->taken || !ch->tx_alive)
    return HD_ECLOSED;
  return HD_EEMPTY;
}

int hd_oneshot_try_recv(hd_oneshot_receiver *rx, void *out) {
  if (!rx || !rx->chan || !out)
    return HD_EINVAL;
  pthread_mutex_lock(&rx->chan->lock);
  int r = recv_locked(rx->chan, out);
  pthread_mutex_unlock(&rx->chan->lock);
  return r;
}

static hd_poll recv_poll(hd_future *self, hd_context *cx) {
  hd_oneshot_recv *r = (hd_oneshot_recv *)self;
  hd__oneshot *ch = r->chan;
  if (!ch || !r->dst) {
    r->out = HD_EINVAL;
    return HD_READY;
  }
  hd_waker old = {0};
  pthread_mutex_lock(&ch->lock);
  int e = recv_locked(ch, r->dst);
  if (e == HD_EEMPTY)
    old = hd__waker_swap(&ch->rx_waker, cx);
  pthread_mutex_unlock(&ch->lock);
  hd_waker_drop(&old);
  if (e == HD_EEMPTY)
    return HD_PENDING;
  r->out = e;
  return HD_READY;
}

static void recv_drop(hd_future *self) {
  hd__oneshot *ch = ((hd_oneshot_recv *)self)->chan;
  if (!ch)
    return;
  pthread_mutex_lock(&ch->lock);
  hd_waker old = ch->rx_waker;
  ch->rx_waker = (hd_waker){0};
  pthread_mutex_unlock(&ch->lock);
  hd_waker_drop(&old);
}

static const hd_future_vtable recv_vtable = {"hd_oneshot_recv", recv_poll, recv_drop,
                                             sizeof(hd_oneshot_recv)};

hd_future *hd_oneshot_recv_init(hd_oneshot_recv *r, hd_oneshot_receiver *rx, void *dst) {
  memset(r, 0, sizeof *r);
  hd_future_init(&r->hd, &recv_vtable);
  r->chan = rx ? rx->chan : NULL;
  r->dst = dst;
  return &r->hd;
}
