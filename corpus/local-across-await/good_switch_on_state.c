/* corpus: needs-feasibility
 * A connection step function: the local budget is computed up front, the
 * await happens only in the CONNECTING state, and a switch on the same state
 * reads the budget only in the IDLE case. Good: the write-await-read path
 * needs state == CONNECTING and state == IDLE at once. */
#include "heddle/heddle.h"

enum conn_state { ST_IDLE, ST_CONNECTING, ST_OPEN };

HD_ASYNC_FN(conn_step, int, enum conn_state state; int quota; hd_stream *conn; int queued;
            hd_tcp_connect c;);
HD_ASYNC(conn_step, f, cx, NULL) {
  int budget = f->quota * 2;
  if (f->state == ST_CONNECTING)
    HD_AWAIT(f, cx, hd_tcp_connect_init(&f->c, NULL, 9, f->conn));
  switch (f->state) {
  case ST_IDLE:
    f->queued += budget;
    break;
  case ST_CONNECTING:
    f->out = f->c.out;
    break;
  case ST_OPEN:
    break;
  }
  HD_RETURN(f, f->out);
}
HD_ASYNC_END(f)

int main(void) {
  static hd_stream conn;
  static conn_step s;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&s, conn_step);
  s.state = ST_IDLE;
  s.quota = 4;
  s.conn = &conn;
  hd_block_on(rt, &s.hd);
  hd_runtime_free(rt);
  return 0;
}
