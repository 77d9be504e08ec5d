/* An event producer sends one audit event into a bounded channel and races
 * the send against the shutdown signal (select!{ tx.send(ev), shutdown }):
 * tokio documents Sender::send as not cancel-safe. Bad, warning (once, not
 * in a loop): if shutdown wins while the channel is full, the event is
 * silently never delivered. */
#include "heddle/heddle.h"

typedef struct audit_event {
  int user;
  int action;
} audit_event;

HD_ASYNC_FN(emit_audit, int, hd_mpsc_sender *tx; hd_oneshot_receiver *shutdown; audit_event ev;
            int unused; hd_mpsc_send send; hd_oneshot_recv stop; hd_select sel;);
HD_ASYNC(emit_audit, f, cx, NULL) {
  f->ev.user = 42;
  f->ev.action = 7;
  hd_mpsc_send_init(&f->send, f->tx, &f->ev);
  hd_oneshot_recv_init(&f->stop, f->shutdown, &f->unused);
  HD_AWAIT(f, cx, HD_SELECT(&f->sel, &f->send.hd, &f->stop.hd)); /* expect: cancel-unsafe-select */
  HD_RETURN(f, f->sel.winner == 0 ? f->send.out : HD_ECANCELED);
}
HD_ASYNC_END(f)

int main(void) {
  static hd_mpsc_sender tx;
  static hd_mpsc_receiver rx;
  static hd_oneshot_sender stop_tx;
  static hd_oneshot_receiver stop_rx;
  static emit_audit e;
  hd_runtime *rt = hd_runtime_new_current_thread();
  if (hd_mpsc_bounded(sizeof(audit_event), 1, &tx, &rx) != 0 ||
      hd_oneshot_channel(sizeof(int), &stop_tx, &stop_rx) != 0)
    return 1;
  HD_ASYNC_INIT(&e, emit_audit);
  e.tx = &tx;
  e.shutdown = &stop_rx;
  hd_block_on(rt, &e.hd);
  hd_oneshot_sender_drop(&stop_tx);
  hd_oneshot_receiver_drop(&stop_rx);
  hd_mpsc_sender_drop(&tx);
  hd_mpsc_receiver_drop(&rx);
  hd_runtime_free(rt);
  return 0;
}
