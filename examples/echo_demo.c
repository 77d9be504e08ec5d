/* echo_demo: the frame echo server and several clients in one process, on
 * 127.0.0.1 with an ephemeral port; exits 0 when every echo came back.
 *
 *   echo_demo [--current | --multi [--workers N]] [CLIENTS [FRAMES]]
 */
#include <stdio.h>
#include <stdlib.h>

#include "echo_proto.h"

#define MAX_CLIENTS 64
#define FRAME_TIMEOUT_MS 5000

HD_ASYNC_FN(demo, int, hd_tcp_listener *l; unsigned clients; unsigned frames; unsigned i;
            unsigned failed; hd_join_handle * server; hd_join_handle * h[MAX_CLIENTS]; hd_join j;);
HD_ASYNC(demo, f, cx, NULL) {
  echo_accept_loop acc;
  echo_accept_loop_init(&acc, f->l, f->clients, FRAME_TIMEOUT_MS);
  f->server = hd_spawn(&acc.hd);
  for (f->i = 0; f->i < f->clients; f->i++) {
    echo_client c;
    echo_client_init(&c, (uint16_t)hd_tcp_listener_port(f->l), f->frames, 16 + 37 * f->i,
                     FRAME_TIMEOUT_MS);
    f->h[f->i] = hd_spawn(&c.hd);
  }
  for (f->i = 0; f->i < f->clients; f->i++) {
    HD_AWAIT(f, cx, hd_join_init(&f->j, f->h[f->i]));
    echo_client *c = (echo_client *)f->j.task;
    if (f->j.err < 0 || c->out < 0 || c->echoed != f->frames) {
      fprintf(stderr, "client %u: %s after %u echoes\n", f->i,
              hd_strerror(f->j.err < 0 ? f->j.err : c->out), c->echoed);
      f->failed++;
    }
    hd_join_handle_drop(f->h[f->i]);
  }
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->server));
  if (((echo_accept_loop *)f->j.task)->out < 0)
    f->failed++;
  hd_join_handle_drop(f->server);
  HD_RETURN(f, f->failed ? 1 : 0);
}
HD_ASYNC_END(f)

int main(int argc, char **argv) {
  int next;
  hd_runtime *rt = echo_runtime_from_args(argc, argv, &next);
  if (!rt) {
    fprintf(stderr, "echo_demo: cannot create the runtime\n");
    return 2;
  }
  unsigned clients = next < argc ? (unsigned)strtoul(argv[next], NULL, 10) : 8;
  unsigned frames = next + 1 < argc ? (unsigned)strtoul(argv[next + 1], NULL, 10) : 100;
  if (clients == 0 || clients > MAX_CLIENTS) {
    fprintf(stderr, "echo_demo: CLIENTS must be 1..%d\n", MAX_CLIENTS);
    hd_runtime_free(rt);
    return 2;
  }
  hd_tcp_listener l;
  int rc = hd_tcp_listener_bind(&l, "127.0.0.1", 0, 128);
  if (rc < 0) {
    fprintf(stderr, "echo_demo: listen: %s\n", hd_strerror(rc));
    hd_runtime_free(rt);
    return 1;
  }
  demo d;
  HD_ASYNC_INIT(&d, demo);
  d.l = &l;
  d.clients = clients;
  d.frames = frames;
  hd_block_on(rt, &d.hd);
  printf("echo_demo: %u clients x %u frames on port %d over %u worker(s): %s\n", clients, frames,
         hd_tcp_listener_port(&l), hd_runtime_workers(rt), d.out == 0 ? "ok" : "FAILED");
  hd_tcp_listener_close(&l);
  hd_runtime_free(rt);
  return d.out;
}
