/* echo_server: the frame echo server on 127.0.0.1. Prints the port it
 * listens on (port 0 = ephemeral), then serves until CONNS connections
 * have been served and closed (0: forever).
 *
 *   echo_server [--current | --multi [--workers N]] [PORT [CONNS]]
 */
#include <stdio.h>
#include <stdlib.h>

#include "echo_proto.h"

#define IDLE_MS 30000

int main(int argc, char **argv) {
  int next;
  hd_runtime *rt = echo_runtime_from_args(argc, argv, &next);
  if (!rt) {
    fprintf(stderr, "echo_server: cannot create the runtime\n");
    return 2;
  }
  unsigned port = next < argc ? (unsigned)strtoul(argv[next], NULL, 10) : 0;
  unsigned conns = next + 1 < argc ? (unsigned)strtoul(argv[next + 1], NULL, 10) : 0;
  hd_tcp_listener l;
  int rc = port > 65535 ? HD_EINVAL : hd_tcp_listener_bind(&l, "127.0.0.1", (uint16_t)port, 128);
  if (rc < 0) {
    fprintf(stderr, "echo_server: listen: %s\n", hd_strerror(rc));
    hd_runtime_free(rt);
    return 1;
  }
  printf("%d\n", hd_tcp_listener_port(&l));
  fflush(stdout);
  echo_accept_loop acc;
  echo_accept_loop_init(&acc, &l, conns, IDLE_MS);
  hd_block_on(rt, &acc.hd);
  if (acc.out < 0)
    fprintf(stderr, "echo_server: accept: %s\n", hd_strerror(acc.out));
  /* Freeing the runtime cancels connections still being served. */
  hd_runtime_free(rt);
  hd_tcp_listener_close(&l);
  return acc.out < 0 ? 1 : 0;
}
