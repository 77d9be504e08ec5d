/* expect-dynamic: cancel-data-loss */
/* The relay of examples/hazards/relay.c, reduced to its cancel-unsafe
 * select: the session reads each 4-byte frame header with hd_read_exact
 * inside a select with a heartbeat sleep, re-created on every loop
 * iteration. The sensor sends the header in two parts with a pause longer
 * than the heartbeat: the heartbeat wins after 2 header bytes were
 * consumed, the select drops the read_exact and those bytes are gone (the
 * stream is out of step with the frames from then on). Found in every
 * schedule: the virtual clock fires the heartbeat while the sensor sleeps. */
#include <string.h>

#include "heddle/heddle.h"
#include "heddle/shadow.h"

#define HEARTBEAT_MS 50
#define MAX_FRAME 64

HD_ASYNC_FN(
    session, int, hd_stream *s; uint8_t hdr[4]; uint8_t body[MAX_FRAME]; uint32_t len; int frames;
    struct {
      hd_read_exact hdr;
      hd_sleep beat;
      hd_select sel;
    } wait;
    hd_read_exact body_rx; hd_write_all ack;);
HD_ASYNC(session, f, cx, NULL) {
  for (;;) {
    HD_AWAIT(f, cx,
             HD_SELECT(&f->wait.sel, hd_read_exact_init(&f->wait.hdr, f->s, f->hdr, 4),
                       hd_sleep_init(&f->wait.beat, HEARTBEAT_MS)));
    if (f->wait.sel.winner == 1)
      continue; /* heartbeat: the half-read header went with the dropped future */
    if (f->wait.hdr.out != 0)
      break;
    f->len = (uint32_t)f->hdr[0] << 24 | (uint32_t)f->hdr[1] << 16 | (uint32_t)f->hdr[2] << 8 |
             f->hdr[3];
    if (f->len > MAX_FRAME)
      break;
    HD_AWAIT(f, cx, hd_read_exact_init(&f->body_rx, f->s, f->body, f->len));
    if (f->body_rx.out != 0)
      break;
    f->frames++;
    HD_AWAIT(f, cx, hd_write_all_init(&f->ack, f->s, "ACK\n", 4));
  }
  HD_RETURN(f, f->frames);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(
    sensor, int, uint16_t port; hd_stream s; uint8_t msg[12]; uint8_t ack[4]; union {
      hd_tcp_connect conn;
      hd_write_all wr;
      hd_sleep pause;
      hd_timeout tmo;
    } c;
    hd_read_exact rx;);
HD_ASYNC(sensor, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_tcp_connect_init(&f->c.conn, NULL, f->port, &f->s));
  if (f->c.conn.out != 0)
    HD_RETURN(f, f->c.conn.out);
  memcpy(f->msg, "\0\0\0\x08temp=21C", 12);
  HD_AWAIT(f, cx, hd_write_all_init(&f->c.wr, &f->s, f->msg, 2));
  HD_AWAIT(f, cx, hd_sleep_init(&f->c.pause, HEARTBEAT_MS + 20));
  HD_AWAIT(f, cx, hd_write_all_init(&f->c.wr, &f->s, f->msg + 2, 10));
  HD_AWAIT(f, cx, hd_timeout_init(&f->c.tmo, hd_read_exact_init(&f->rx, &f->s, f->ack, 4), 500));
  hd_stream_close(&f->s);
  HD_RETURN(f, f->c.tmo.out == 0 && f->rx.out == 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(relay_main, int, hd_tcp_listener l; hd_stream conn; hd_join_handle * sens;
            hd_accept acc; session sess; hd_join j;);
HD_ASYNC(relay_main, f, cx, NULL) {
  if (hd_tcp_listener_bind(&f->l, NULL, 0, 16) != 0)
    HD_RETURN(f, -1);
  {
    sensor s;
    HD_ASYNC_INIT(&s, sensor);
    s.port = (uint16_t)hd_tcp_listener_port(&f->l);
    f->sens = hd_spawn(&s.hd);
  }
  HD_AWAIT(f, cx, hd_accept_init(&f->acc, &f->l, &f->conn));
  if (f->acc.out != 0)
    HD_RETURN(f, -1);
  HD_ASYNC_INIT(&f->sess, session);
  f->sess.s = &f->conn;
  HD_AWAIT(f, cx, &f->sess.hd);
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->sens));
  hd_stream_close(&f->conn);
  hd_tcp_listener_close(&f->l);
  HD_RETURN(f, f->sess.out);
}
HD_ASYNC_END(f)

void hd_shadow_test(void) {
  hd_runtime *rt = hd_runtime_new_current_thread();
  relay_main m;
  HD_ASYNC_INIT(&m, relay_main);
  hd_block_on(rt, &m.hd);
  hd_runtime_free(rt);
}
