/* relay_fixed: relay.c with its three hazards fixed (scripts/demo.sh runs
 * both; `heddle check` reports nothing here).
 *
 *  1. handle_frame updates the statistics under the pthread mutex and
 *     releases it before awaiting the acknowledgement write.
 *  2. session waits for frames with the buffered framed reader: a partial
 *     header lives in the reader, not in the future, so the heartbeat may
 *     win the select at any moment without losing a byte.
 *  3. the session's name is shared through hd_arc (atomic count): the frame
 *     is Send.
 *
 * usage: relay_fixed [--multi] [FRAMES]
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heddle/heddle.h"

#define HEARTBEAT_MS 50
#define MAX_FRAME 256

typedef struct stats {
  pthread_mutex_t mu;
  long frames;
  long bytes;
} stats;

typedef struct label {
  char name[32];
} label;

/* Counts one frame and acknowledges it. */
HD_ASYNC_FN(handle_frame, int, stats *st; hd_stream *s; size_t len; uint8_t ack[4];
            hd_write_all wr;);
HD_ASYNC(handle_frame, f, cx, NULL) {
  pthread_mutex_lock(&f->st->mu);
  f->st->frames++;
  f->st->bytes += (long)f->len;
  pthread_mutex_unlock(&f->st->mu);
  memcpy(f->ack, "ACK\n", 4);
  HD_AWAIT(f, cx, hd_write_all_init(&f->wr, f->s, f->ack, sizeof f->ack));
  HD_RETURN(f, f->wr.out);
}
HD_ASYNC_END(f)

/* Serves one sensor until it hangs up. */
HD_ASYNC_FN(session, long, hd_stream *s; stats *st; hd_arc *name; hd_framed_reader fr;
            long heartbeats;
            struct {
              hd_read_frame frame;
              hd_sleep beat;
              hd_select sel;
            } wait;
            handle_frame handle;);
static void session_drop(hd_future *self) {
  session *f = (session *)self;
  hd_framed_reader_free(&f->fr);
  hd_arc_drop(f->name);
}
HD_ASYNC(session, f, cx, session_drop) {
  if (hd_framed_reader_init(&f->fr, f->s, MAX_FRAME) != 0)
    HD_RETURN(f, -1);
  for (;;) {
    HD_AWAIT(f, cx, HD_SELECT(&f->wait.sel, hd_read_frame_init(&f->wait.frame, &f->fr), hd_sleep_init(&f->wait.beat, HEARTBEAT_MS)));
    if (f->wait.sel.winner == 1) {
      f->heartbeats++;
      continue;
    }
    if (f->wait.frame.out != 0)
      break;
    HD_ASYNC_INIT(&f->handle, handle_frame);
    f->handle.st = f->st;
    f->handle.s = f->s;
    f->handle.len = f->wait.frame.len;
    HD_AWAIT(f, cx, &f->handle.hd);
  }
  hd_framed_reader_free(&f->fr);
  hd_arc_drop(f->name);
  f->name = NULL;
  HD_RETURN(f, f->heartbeats);
}
HD_ASYNC_END(f)

/* A sensor: sends `frames` frames, each in two halves with a pause, and
 * counts the acknowledgements. */
HD_ASYNC_FN(sensor, int, uint16_t port; int frames; int i; hd_stream s; uint8_t msg[12];
            uint8_t ack[4];
            union {
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
  for (f->i = 0; f->i < f->frames; f->i++) {
    HD_AWAIT(f, cx, hd_write_all_init(&f->c.wr, &f->s, f->msg, 2));
    HD_AWAIT(f, cx, hd_sleep_init(&f->c.pause, HEARTBEAT_MS + 20));
    HD_AWAIT(f, cx, hd_write_all_init(&f->c.wr, &f->s, f->msg + 2, 10));
    // heddle: ignore[cancel-unsafe-select] on a late ack the sensor gives up and closes the stream
    HD_AWAIT(f, cx, hd_timeout_init(&f->c.tmo, hd_read_exact_init(&f->rx, &f->s, f->ack, 4), 500));
    if (f->c.tmo.out != 0 || f->rx.out != 0)
      break;
  }
  hd_stream_close(&f->s);
  HD_RETURN(f, f->i);
}
HD_ASYNC_END(f)

/* Accepts one sensor, spawns its session, runs the sensor, joins both. */
HD_ASYNC_FN(relay_main, int, stats *st; int frames; hd_tcp_listener l; hd_stream conn;
            hd_join_handle *sess; hd_join_handle *sens; hd_accept acc; hd_join j;);
HD_ASYNC(relay_main, f, cx, NULL) {
  if (hd_tcp_listener_bind(&f->l, NULL, 0, 16) != 0)
    HD_RETURN(f, -1);
  {
    sensor s;
    HD_ASYNC_INIT(&s, sensor);
    s.port = (uint16_t)hd_tcp_listener_port(&f->l);
    s.frames = f->frames;
    f->sens = hd_spawn(&s.hd);
  }
  HD_AWAIT(f, cx, hd_accept_init(&f->acc, &f->l, &f->conn));
  if (f->acc.out != 0)
    HD_RETURN(f, -1);
  {
    session s;
    HD_ASYNC_INIT(&s, session);
    s.s = &f->conn;
    s.st = f->st;
    s.name = hd_arc_new(sizeof(label), NULL);
    strcpy(((label *)hd_arc_get(s.name))->name, "sensor-1");
    f->sess = hd_spawn(&s.hd);
  }
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->sens));
  f->out = f->j.task ? ((sensor *)f->j.task)->out : -1;
  hd_join_handle_drop(f->sens);
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->sess));
  hd_join_handle_drop(f->sess);
  hd_stream_close(&f->conn);
  hd_tcp_listener_close(&f->l);
}
HD_ASYNC_END(f)

int main(int argc, char **argv) {
  bool multi = argc > 1 && strcmp(argv[1], "--multi") == 0;
  int frames = argc > 1 + multi ? atoi(argv[1 + multi]) : 5;
  stats st = {PTHREAD_MUTEX_INITIALIZER, 0, 0};
  hd_runtime *rt = multi ? hd_runtime_new_multi_thread(2) : hd_runtime_new_current_thread();
  relay_main m;
  HD_ASYNC_INIT(&m, relay_main);
  m.st = &st;
  m.frames = frames;
  hd_block_on(rt, &m.hd);
  hd_runtime_free(rt);
  printf("relay_fixed: %d of %d frames acknowledged (%ld counted)\n", m.out, frames, st.frames);
  return m.out == frames ? 0 : 1;
}
