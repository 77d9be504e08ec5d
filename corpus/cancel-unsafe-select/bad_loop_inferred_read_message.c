/* A peer connection loops on select(read_message, command channel), where
 * read_message is the user's async function awaiting hd_read_exact for the
 * header and then the body (a hand-written tokio frame decoder with two
 * read_exact calls). Bad, error (re-created in a loop): read_message is
 * inferred cancel-unsafe; the message names select -> read_message ->
 * hd_read_exact. */
#include <stdint.h>

#include "heddle/heddle.h"

HD_ASYNC_FN(read_message, int, hd_stream *s; uint8_t hdr[4]; uint8_t body[512]; size_t len;
            hd_read_exact rx;);
HD_ASYNC(read_message, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_read_exact_init(&f->rx, f->s, f->hdr, sizeof f->hdr));
  if (f->rx.out != 0)
    HD_RETURN(f, f->rx.out);
  f->len = (size_t)f->hdr[2] << 8 | f->hdr[3];
  if (f->len > sizeof f->body)
    HD_RETURN(f, HD_ETOOBIG);
  HD_AWAIT(f, cx, hd_read_exact_init(&f->rx, f->s, f->body, f->len));
  HD_RETURN(f, f->rx.out);
}
HD_ASYNC_END(f)

static hd_future *read_message_init(read_message *f, hd_stream *s) {
  HD_ASYNC_INIT(f, read_message);
  f->s = s;
  return &f->hd;
}

HD_ASYNC_FN(peer, int, hd_stream *s; hd_mpsc_receiver *cmds; int cmd; long msgs;
            read_message msg; hd_mpsc_recv rc; hd_select sel;);
HD_ASYNC(peer, f, cx, NULL) {
  for (;;) {
    read_message_init(&f->msg, f->s);
    hd_mpsc_recv_init(&f->rc, f->cmds, &f->cmd);
    HD_AWAIT(f, cx, HD_SELECT(&f->sel, &f->msg.hd, &f->rc.hd)); /* expect: cancel-unsafe-select */
    if (f->sel.winner == 1) {
      if (f->rc.out != 0)
        HD_RETURN(f, 0);
      continue; /* handle the command, then read on */
    }
    if (f->msg.out != 0)
      HD_RETURN(f, f->msg.out);
    f->msgs++;
  }
}
HD_ASYNC_END(f)

int main(void) {
  static hd_stream a, b;
  static hd_mpsc_sender tx;
  static hd_mpsc_receiver rx;
  static peer p;
  hd_runtime *rt = hd_runtime_new_current_thread();
  if (hd_socketpair(&a, &b) != 0 || hd_mpsc_bounded(sizeof(int), 8, &tx, &rx) != 0)
    return 1;
  hd_mpsc_sender_drop(&tx);
  HD_ASYNC_INIT(&p, peer);
  p.s = &a;
  p.cmds = &rx;
  hd_block_on(rt, &p.hd);
  hd_mpsc_receiver_drop(&rx);
  hd_stream_close(&a);
  hd_stream_close(&b);
  hd_runtime_free(rt);
  return 0;
}
