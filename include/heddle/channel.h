/* heddle/channel.h - mpsc and oneshot channels.
 *
 * Messages are fixed-size byte copies: the element size is given when the
 * channel is made, send copies elem_size bytes from the caller's buffer
 * into the channel and recv copies them out. A message that owns memory
 * (a pointer field) transfers that ownership with the bytes.
 *
 * Handles are small values (a pointer to the shared channel, which is
 * reference-counted): copy a sender only with hd_mpsc_sender_clone; every
 * *_drop clears the handle and is idempotent, so an async function's drop
 * hook may drop every handle field unconditionally. All calls are
 * thread-safe; the receiver is single-consumer: at most one recv future or
 * try_recv at a time.
 *
 * mpsc channel state (under the channel's internal lock):
 *   buffer   ring of `len` messages (bounded: fixed `cap` slots; unbounded:
 *            grows by doubling)
 *   reserved slots granted to send/reserve futures that have not written
 *            yet, and slots held by permits (len + reserved <= cap)
 *   senders  live sender handles (send futures hold one each)
 *   closed   the receiver was dropped or called hd_mpsc_receiver_close:
 *            sends fail with HD_ECLOSED; buffered messages stay receivable
 *            (until the receiver is dropped)
 * A bounded send that finds no free slot queues FIFO; a slot freed by recv
 * is handed to the head of the queue (no barging by later sends or
 * try_send). recv gives HD_ECLOSED once the buffer is empty and either no
 * sender is left or the channel was closed.
 *
 * Waking: recv stores the receiver task's waker, a send takes it and fires
 * it after releasing the lock; a recv that frees a slot fires the waker of
 * the send future it handed the slot to.
 */
#ifndef HEDDLE_CHANNEL_H
#define HEDDLE_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>

#include "heddle/future.h"
#include "heddle/sync.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- mpsc ----------------------------------------------------------------- */

typedef struct hd__mpsc hd__mpsc;

typedef struct HD_SEND hd_mpsc_sender {
  hd__mpsc *chan; /* NULL once dropped */
} hd_mpsc_sender;

typedef struct HD_SEND hd_mpsc_receiver {
  hd__mpsc *chan; /* NULL once dropped */
} hd_mpsc_receiver;

/* Makes a channel holding at most `capacity` (>= 1) messages of elem_size
 * (>= 1) bytes. Returns 0, HD_EINVAL, HD_ENOMEM. */
int hd_mpsc_bounded(size_t elem_size, size_t capacity, hd_mpsc_sender *tx, hd_mpsc_receiver *rx);
/* Makes a channel whose buffer grows without bound: sends never wait. */
int hd_mpsc_unbounded(size_t elem_size, hd_mpsc_sender *tx, hd_mpsc_receiver *rx);

/* Another handle to tx's channel: 0, or HD_EINVAL if tx is dropped. */
int hd_mpsc_sender_clone(const hd_mpsc_sender *tx, hd_mpsc_sender *out);
/* Releases the handle. When the last sender goes, the receiver sees
 * HD_ECLOSED after draining the buffer. Idempotent. */
void hd_mpsc_sender_drop(hd_mpsc_sender *tx);
/* True once the receiver is dropped or closed (sends would fail). */
bool hd_mpsc_sender_is_closed(const hd_mpsc_sender *tx);

/* Sends now: 0, HD_EFULL (bounded and no free slot, or sends are queued),
 * HD_ECLOSED (the message is not sent), HD_ENOMEM (unbounded growth
 * failed), HD_EINVAL. */
int hd_mpsc_try_send(hd_mpsc_sender *tx, const void *msg);

/* Sends, waiting for a slot of a bounded channel. Output `out`: 0 or
 * HD_ECLOSED (receiver gone: not sent) or HD_ENOMEM / HD_EINVAL.
 * `msg` is read when the message is written into the channel, so it must
 * stay valid until the future completes or is dropped (keep it in the
 * frame). NOT cancel-safe: dropping an unfinished send means the message
 * is not sent (it is lost with the frame that held it, as tokio's
 * Sender::send documents); a slot it had been handed passes to the next
 * queued send. The future holds its own sender reference, so the channel
 * does not close under it. */
typedef struct HD_CANCEL_UNSAFE hd_mpsc_send {
  hd_future hd;
  int out;
  hd_mpsc_sender tx;
  const void *msg;
  hd__waiter w;
} hd_mpsc_send;

hd_future *hd_mpsc_send_init(hd_mpsc_send *s, const hd_mpsc_sender *tx,
                             const void *msg) HD_CANCEL_UNSAFE;

/* A reserved slot: sending through it cannot wait or find the channel
 * full. It holds a sender reference. Consume it with hd_mpsc_permit_send or
 * give the slot back with hd_mpsc_permit_release (idempotent, so a frame's
 * drop hook can call it unconditionally). */
typedef struct hd_mpsc_permit {
  hd_mpsc_sender tx; /* tx.chan is NULL when no slot is held */
} hd_mpsc_permit;

/* Reserves a slot now: 0 (and *permit filled), HD_EFULL, HD_ECLOSED,
 * HD_EINVAL. */
int hd_mpsc_try_reserve(hd_mpsc_sender *tx, hd_mpsc_permit *permit);
/* Writes msg into the reserved slot and releases the permit: 0, or
 * HD_ECLOSED (the receiver went away meanwhile; not sent), HD_ENOMEM
 * (unbounded growth failed). HD_EINVAL (permit not held, msg NULL) leaves
 * the permit as it was. */
int hd_mpsc_permit_send(hd_mpsc_permit *permit, const void *msg);
/* Gives the slot back (to the next queued send, if any); idempotent. */
void hd_mpsc_permit_release(hd_mpsc_permit *permit);

/* Waits for a slot of a bounded channel (tokio's Sender::reserve): the
 * cancel-safe half of a send. Output `out`: 0 (*permit filled) or
 * HD_ECLOSED / HD_EINVAL. Cancel-safe: dropping it loses only its place in
 * the send queue (a slot it had been handed goes to the next send), and no
 * message is involved yet; in a select, reserve first, then send through
 * the permit once the reserve branch has won. */
typedef struct HD_CANCEL_SAFE hd_mpsc_reserve {
  hd_future hd;
  int out;
  hd_mpsc_sender tx;
  hd_mpsc_permit *permit;
  hd__waiter w;
} hd_mpsc_reserve;

hd_future *hd_mpsc_reserve_init(hd_mpsc_reserve *r, const hd_mpsc_sender *tx,
                                hd_mpsc_permit *permit) HD_CANCEL_SAFE;

/* Closes the channel without dropping the receiver: queued and later sends
 * fail with HD_ECLOSED, buffered messages can still be received. */
void hd_mpsc_receiver_close(hd_mpsc_receiver *rx);
/* Closes the channel, discards buffered messages and releases the handle.
 * Idempotent. */
void hd_mpsc_receiver_drop(hd_mpsc_receiver *rx);
/* Receives now into out (elem_size bytes): 0, HD_EEMPTY, HD_ECLOSED,
 * HD_EINVAL. */
int hd_mpsc_try_recv(hd_mpsc_receiver *rx, void *out);
/* Messages buffered now. */
size_t hd_mpsc_receiver_len(const hd_mpsc_receiver *rx);

/* Receives one message into `dst` (elem_size bytes). Output `out`: 0 or
 * HD_ECLOSED (empty and no sender left, or closed). Cancel-safe: the
 * message is taken from the channel only in the poll that returns
 * HD_READY, so dropping the future loses nothing. The receiver must outlive
 * the future. */
typedef struct HD_CANCEL_SAFE hd_mpsc_recv {
  hd_future hd;
  int out;
  hd__mpsc *chan;
  void *dst;
} hd_mpsc_recv;

hd_future *hd_mpsc_recv_init(hd_mpsc_recv *r, hd_mpsc_receiver *rx, void *dst) HD_CANCEL_SAFE;

/* ---- oneshot -------------------------------------------------------------- */

/* One message, once. The sender either sends (consuming itself) or is
 * dropped (the receiver then gets HD_ECLOSED); the receiver either receives
 * or is dropped/closed (hd_oneshot_send then fails with HD_ECLOSED and
 * hd_oneshot_closed completes). */
typedef struct hd__oneshot hd__oneshot;

typedef struct HD_SEND hd_oneshot_sender {
  hd__oneshot *chan;
} hd_oneshot_sender;

typedef struct HD_SEND hd_oneshot_receiver {
  hd__oneshot *chan;
} hd_oneshot_receiver;

/* 0, HD_EINVAL (elem_size 0, NULL handle), HD_ENOMEM. */
int hd_oneshot_channel(size_t elem_size, hd_oneshot_sender *tx, hd_oneshot_receiver *rx);

/* Sends and releases the sender (cleared whatever the result): 0, or
 * HD_ECLOSED when the receiver is gone or closed (not delivered),
 * HD_EINVAL when tx was already used. Never waits. */
int hd_oneshot_send(hd_oneshot_sender *tx, const void *msg);
/* Releases the sender without sending; idempotent. */
void hd_oneshot_sender_drop(hd_oneshot_sender *tx);
bool hd_oneshot_sender_is_closed(const hd_oneshot_sender *tx);

/* Completes when the receiver is dropped or closed (tokio's
 * Sender::closed): lets a producer stop work nobody waits for.
 * Cancel-safe: it consumes nothing. The sender must outlive it. */
typedef struct HD_CANCEL_SAFE hd_oneshot_closed {
  hd_future hd;
  int out;
  hd__oneshot *chan;
} hd_oneshot_closed;

hd_future *hd_oneshot_closed_init(hd_oneshot_closed *c, const hd_oneshot_sender *tx) HD_CANCEL_SAFE;

/* The sender's hd_oneshot_send fails from now on; a message already sent
 * stays receivable. */
void hd_oneshot_receiver_close(hd_oneshot_receiver *rx);
/* Releases the receiver (a sent message is discarded); idempotent. */
void hd_oneshot_receiver_drop(hd_oneshot_receiver *rx);
/* 0 (message copied out), HD_EEMPTY (not sent yet), HD_ECLOSED (sender
 * dropped without sending, or the message was already received). */
int hd_oneshot_try_recv(hd_oneshot_receiver *rx, void *out);

/* Receives the message into `dst`. Output `out`: 0 or HD_ECLOSED (the
 * sender was dropped without sending). Cancel-safe: the message is taken
 * only in the poll that returns HD_READY. The receiver must outlive it. */
typedef struct HD_CANCEL_SAFE hd_oneshot_recv {
  hd_future hd;
  int out;
  hd__oneshot *chan;
  void *dst;
} hd_oneshot_recv;

hd_future *hd_oneshot_recv_init(hd_oneshot_recv *r, hd_oneshot_receiver *rx,
                                void *dst) HD_CANCEL_SAFE;

#ifdef __cplusplus
}
#endif
#endif
