/* echo_client: sends FRAMES frames to the frame echo server on
 * 127.0.0.1:PORT and checks every echo, with a per-frame timeout.
 *
 *   echo_client [--current | --multi [--workers N]] PORT [FRAMES [SIZE [TIMEOUT_MS]]]
 */
#include <stdio.h>
#include <stdlib.h>

#include "echo_proto.h"

int main(int argc, char **argv) {
  int next;
  hd_runtime *rt = echo_runtime_from_args(argc, argv, &next);
  if (!rt || next >= argc) {
    fprintf(stderr, "usage: echo_client [--current | --multi [--workers N]] PORT [FRAMES [SIZE "
                    "[TIMEOUT_MS]]]\n");
    hd_runtime_free(rt);
    return 2;
  }
  unsigned long port = strtoul(argv[next], NULL, 10);
  unsigned frames = next + 1 < argc ? (unsigned)strtoul(argv[next + 1], NULL, 10) : 10;
  unsigned size = next + 2 < argc ? (unsigned)strtoul(argv[next + 2], NULL, 10) : 64;
  uint64_t timeout_ms = next + 3 < argc ? strtoull(argv[next + 3], NULL, 10) : 1000;
  if (port == 0 || port > 65535) {
    fprintf(stderr, "echo_client: bad port\n");
    hd_runtime_free(rt);
    return 2;
  }
  echo_client c;
  echo_client_init(&c, (uint16_t)port, frames, size, timeout_ms);
  hd_block_on(rt, &c.hd);
  printf("echo_client: %u of %u frames echoed: %s\n", c.echoed, frames,
         c.out == 0 ? "ok" : hd_strerror(c.out));
  hd_runtime_free(rt);
  return c.out == 0 ? 0 : 1;
}
