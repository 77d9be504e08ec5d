/* A request handler prepares its acknowledgement send up front, returns
 * early when the request read fails, and awaits the ack on the success path.
 * Good for this rule: the future has a use (the await) on some path; an
 * unstarted future dropped on an error path holds nothing and is the
 * commonest C error-handling shape, so it is not reported (rustc's must_use
 * does not fire either). Whether the peer needed a NACK is protocol logic. */
#include <stdint.h>

#include "heddle/heddle.h"

HD_ASYNC_FN(handle, int, hd_stream *s; hd_mpsc_sender *acks; uint8_t req[8]; int ack_code;
            hd_read_exact rx; hd_mpsc_send ack;);
HD_ASYNC(handle, f, cx, NULL) {
  f->ack_code = 200;
  hd_mpsc_send_init(&f->ack, f->acks, &f->ack_code);
  HD_AWAIT(f, cx, hd_read_exact_init(&f->rx, f->s, f->req, sizeof f->req));
  if (f->rx.out != 0)
    HD_RETURN(f, f->rx.out);
  HD_AWAIT(f, cx, &f->ack.hd);
  HD_RETURN(f, f->ack.out);
}
HD_ASYNC_END(f)

int main(void) {
  static hd_stream a, b;
  static hd_mpsc_sender tx;
  static hd_mpsc_receiver rx;
  static handle h;
  hd_runtime *rt = hd_runtime_new_current_thread();
  if (hd_socketpair(&a, &b) != 0 || hd_mpsc_bounded(sizeof(int), 4, &tx, &rx) != 0)
    return 1;
  hd_stream_close(&b);
  HD_ASYNC_INIT(&h, handle);
  h.s = &a;
  h.acks = &tx;
  hd_block_on(rt, &h.hd);
  hd_mpsc_sender_drop(&tx);
  hd_mpsc_receiver_drop(&rx);
  hd_stream_close(&a);
  hd_runtime_free(rt);
  return 0;
}
