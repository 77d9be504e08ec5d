/* examples/echo_proto.h - the frame echo protocol of the echo examples.
 *
 * A frame is a u32 big-endian length and that many bytes (hd_framed_reader
 * / hd_write_frame). The server echoes every frame back on the same
 * connection; the client sends `frames` frames and checks each echo. Both
 * sides bound each frame with a timeout: waiting for a frame with
 * hd_read_frame under hd_timeout is safe because read_frame is cancel-safe
 * (a partial frame stays in the reader), which is the point of the framed
 * reader. Used by echo_server.c, echo_client.c and echo_demo.c.
 */
#ifndef HEDDLE_EXAMPLES_ECHO_PROTO_H
#define HEDDLE_EXAMPLES_ECHO_PROTO_H

#include <stdint.h>

#include "heddle/io.h"
#include "heddle/runtime.h"
#include "heddle/time.h"

#define ECHO_MAX_FRAME 4096

/* Serves one accepted connection until the peer closes it, an error, or
 * `idle_ms` without a frame. Owns (and closes) the stream. out: 0 or HD_E*. */
HD_ASYNC_FN(echo_serve_conn, int, hd_stream s; uint64_t idle_ms; hd_framed_reader fr; hd_timeout to;
            hd_read_frame rf; hd_write_frame w;);
hd_future *echo_serve_conn_init(echo_serve_conn *f, const hd_stream *s, uint64_t idle_ms);

#define ECHO_MAX_CONNS 64

/* Accepts connections and spawns an echo_serve_conn task for each. With
 * max_conns 0 it serves forever (tasks detached); with 1..ECHO_MAX_CONNS
 * it accepts that many, then waits until they are all closed. out: 0, the
 * accept error, or the first connection's error. */
HD_ASYNC_FN(echo_accept_loop, int, hd_tcp_listener *l; unsigned max_conns; unsigned served;
            unsigned i; uint64_t idle_ms; hd_stream s; hd_join_handle * h[ECHO_MAX_CONNS];
            hd_accept a; hd_join j;);
hd_future *echo_accept_loop_init(echo_accept_loop *f, hd_tcp_listener *l, unsigned max_conns,
                                 uint64_t idle_ms);

/* Connects to 127.0.0.1:port, sends `frames` frames of `size` bytes and
 * checks each echo, waiting at most frame_timeout_ms for each. out: 0,
 * HD_ETIMEDOUT, or another HD_E*; `echoed` counts the good echoes. */
HD_ASYNC_FN(echo_client, int, uint16_t port; unsigned frames; unsigned size;
            uint64_t frame_timeout_ms; unsigned echoed; uint8_t msg[ECHO_MAX_FRAME]; hd_stream s;
            hd_framed_reader fr; hd_tcp_connect c; hd_write_frame w; hd_timeout to;
            hd_read_frame rf;);
hd_future *echo_client_init(echo_client *f, uint16_t port, unsigned frames, unsigned size,
                            uint64_t frame_timeout_ms);

/* Parses --current / --multi [--workers N]; creates the runtime (NULL on
 * a bad flag). Other flags are left for the caller: *next is the index of
 * the first unparsed argument. */
hd_runtime *echo_runtime_from_args(int argc, char **argv, int *next);

#endif
