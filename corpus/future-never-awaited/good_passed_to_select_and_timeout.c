/* A client initialises a recv future and a shutdown future and passes both to
 * HD_SELECT, then wraps a connect in hd_timeout. Good: a future passed to a
 * combinator (select, join, timeout) is polled by it; being a branch or an
 * inner future is a use. */
#include "heddle/heddle.h"

HD_ASYNC_FN(session, int, hd_mpsc_receiver *rx; hd_notify *stop; hd_stream *conn; int msg;
            hd_mpsc_recv rc; hd_notify_notified quit; hd_select sel; hd_tcp_connect c;
            hd_timeout to;);
HD_ASYNC(session, f, cx, NULL) {
  hd_tcp_connect_init(&f->c, NULL, 9, f->conn);
  HD_AWAIT(f, cx, hd_timeout_init(&f->to, &f->c.hd, 500));
  hd_mpsc_recv_init(&f->rc, f->rx, &f->msg);
  hd_notify_notified_init(&f->quit, f->stop);
  HD_AWAIT(f, cx, HD_SELECT(&f->sel, &f->rc.hd, &f->quit.hd));
  HD_RETURN(f, f->sel.winner);
}
HD_ASYNC_END(f)

int main(void) {
  static hd_mpsc_sender tx;
  static hd_mpsc_receiver rx;
  static hd_notify stop = HD_NOTIFY_INITIALIZER;
  static hd_stream conn;
  static session s;
  hd_runtime *rt = hd_runtime_new_current_thread();
  if (hd_mpsc_unbounded(sizeof(int), &tx, &rx) != 0)
    return 1;
  hd_mpsc_sender_drop(&tx);
  HD_ASYNC_INIT(&s, session);
  s.rx = &rx;
  s.stop = &stop;
  s.conn = &conn;
  hd_block_on(rt, &s.hd);
  hd_mpsc_receiver_drop(&rx);
  hd_runtime_free(rt);
  return 0;
}
