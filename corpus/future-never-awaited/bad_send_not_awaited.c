/* An order handler queues the "order placed" event with hd_mpsc_send_init
 * and moves on, as if send were eager (a forgotten .await on tx.send(ev)).
 * Bad: the send future is never polled, so the event is never delivered and
 * the downstream consumer waits forever. */
#include "heddle/heddle.h"

typedef struct order_event {
  int order_id;
  int qty;
} order_event;

HD_ASYNC_FN(place_order, int, hd_mpsc_sender *events; int id; order_event ev; hd_sleep db;
            hd_mpsc_send send;);
HD_ASYNC(place_order, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_sleep_init(&f->db, 3)); /* the insert */
  f->ev.order_id = f->id;
  f->ev.qty = 1;
  hd_mpsc_send_init(&f->send, f->events, &f->ev); /* expect: future-never-awaited */
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static hd_mpsc_sender tx;
  static hd_mpsc_receiver rx;
  static place_order p;
  hd_runtime *rt = hd_runtime_new_current_thread();
  if (hd_mpsc_bounded(sizeof(order_event), 4, &tx, &rx) != 0)
    return 1;
  HD_ASYNC_INIT(&p, place_order);
  p.events = &tx;
  p.id = 17;
  hd_block_on(rt, &p.hd);
  hd_mpsc_sender_drop(&tx);
  hd_mpsc_receiver_drop(&rx);
  hd_runtime_free(rt);
  return 0;
}
