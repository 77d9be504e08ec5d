/* A command loop selects on read_opcode and a shutdown notification;
 * read_opcode awaits hd_read_exact for a single byte, which can never be
 * partly read, and its author says so with HD_CANCEL_SAFE on the
 * constructor. Good: the annotation overrides the inference from the
 * awaited hd_read_exact (the documented way to vouch for a user future). */
#include <stdint.h>

#include "heddle/heddle.h"

HD_ASYNC_FN(read_opcode, int, hd_stream *s; uint8_t op; hd_read_exact rx;);
HD_ASYNC(read_opcode, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_read_exact_init(&f->rx, f->s, &f->op, 1));
  HD_RETURN(f, f->rx.out == 0 ? f->op : f->rx.out);
}
HD_ASYNC_END(f)

/* One byte is read whole or not at all: dropping this loses nothing. */
static hd_future *read_opcode_init(read_opcode *f, hd_stream *s) HD_CANCEL_SAFE;
static hd_future *read_opcode_init(read_opcode *f, hd_stream *s) {
  HD_ASYNC_INIT(f, read_opcode);
  f->s = s;
  return &f->hd;
}

HD_ASYNC_FN(command_loop, int, hd_stream *s; hd_notify *stop; long ops; read_opcode rd;
            hd_notify_notified quit; hd_select sel;);
HD_ASYNC(command_loop, f, cx, NULL) {
  for (;;) {
    read_opcode_init(&f->rd, f->s);
    hd_notify_notified_init(&f->quit, f->stop);
    HD_AWAIT(f, cx, HD_SELECT(&f->sel, &f->rd.hd, &f->quit.hd));
    if (f->sel.winner == 1 || f->rd.out < 0)
      HD_RETURN(f, 0);
    f->ops++;
  }
}
HD_ASYNC_END(f)

int main(void) {
  static hd_stream a, b;
  static hd_notify stop = HD_NOTIFY_INITIALIZER;
  static command_loop c;
  hd_runtime *rt = hd_runtime_new_current_thread();
  if (hd_socketpair(&a, &b) != 0)
    return 1;
  hd_stream_close(&b);
  HD_ASYNC_INIT(&c, command_loop);
  c.s = &a;
  c.stop = &stop;
  hd_block_on(rt, &c.hd);
  hd_stream_close(&a);
  hd_runtime_free(rt);
  return 0;
}
