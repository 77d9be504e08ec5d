/* The fix of bad_fgets_stdin_repl: fgets runs in a plain function on the
 * blocking pool via hd_spawn_blocking, and the async task awaits its join
 * handle (spawn_blocking, as tokio::io::stdin does internally). Good: the
 * blocking function is passed, not called, from async code. */
#include <stdio.h>
#include <string.h>

#include "heddle/heddle.h"

typedef struct line_req {
  char buf[128];
  int ok;
} line_req;

static void *read_stdin_line(void *arg) {
  line_req *r = arg;
  r->ok = fgets(r->buf, sizeof r->buf, stdin) != NULL;
  return r;
}

HD_ASYNC_FN(console, int, hd_mpsc_sender *ctl; line_req req; hd_join_handle *h; hd_join j;
            hd_mpsc_send send;);
HD_ASYNC(console, f, cx, NULL) {
  for (;;) {
    f->h = hd_spawn_blocking(read_stdin_line, &f->req);
    if (f->h == NULL)
      HD_RETURN(f, HD_ENOMEM);
    HD_AWAIT(f, cx, hd_join_init(&f->j, f->h));
    hd_join_handle_drop(f->h);
    if (!f->req.ok || strncmp(f->req.buf, "quit", 4) == 0)
      HD_RETURN(f, 0);
    HD_AWAIT(f, cx, hd_mpsc_send_init(&f->send, f->ctl, f->req.buf));
  }
}
HD_ASYNC_END(f)

int main(void) {
  static hd_mpsc_sender tx;
  static hd_mpsc_receiver rx;
  static console c;
  hd_runtime *rt = hd_runtime_new_current_thread();
  if (hd_mpsc_unbounded(128, &tx, &rx) != 0)
    return 1;
  HD_ASYNC_INIT(&c, console);
  c.ctl = &tx;
  hd_block_on(rt, &c.hd);
  hd_mpsc_sender_drop(&tx);
  hd_mpsc_receiver_drop(&rx);
  hd_runtime_free(rt);
  return 0;
}
