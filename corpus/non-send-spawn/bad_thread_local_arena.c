/* A request parser bump-allocates from a per-thread arena and keeps the
 * pointer into it in the frame across an await; the task is spawned with
 * hd_spawn_on (a pointer to a thread_local! value escaping into a Send
 * future). Bad: after a migration the task writes into another worker's
 * arena while that worker reuses it. */
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "heddle/heddle.h"

static _Thread_local char arena[4096];
static _Thread_local size_t arena_used;

static char *arena_alloc(size_t n) {
  char *p = arena + arena_used;
  arena_used += n;
  return p;
}

HD_ASYNC_FN(parse_request, int, hd_stream *s; char *line; hd_read rd;);
HD_ASYNC(parse_request, f, cx, NULL) {
  f->line = arena_alloc(256);
  HD_AWAIT(f, cx, hd_read_init(&f->rd, f->s, f->line, 255));
  if (f->rd.out <= 0)
    HD_RETURN(f, -1);
  f->line[f->rd.out] = '\0';
  HD_RETURN(f, strncmp(f->line, "GET ", 4) == 0);
}
HD_ASYNC_END(f)

int main(void) {
  static hd_stream rd, wr;
  static parse_request req;
  static hd_join j;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  if (hd_pipe(&rd, &wr) != 0)
    return 1;
  if (write(hd_stream_fd(&wr), "GET / HTTP/1.0\r\n", 16) != 16) /* main is sync code */
    return 1;
  HD_ASYNC_INIT(&req, parse_request);
  req.s = &rd;
  hd_join_handle *h = hd_spawn_on(rt, &req.hd); /* expect: non-send-spawn */
  hd_block_on(rt, hd_join_init(&j, h));
  hd_join_handle_drop(h);
  hd_stream_close(&rd);
  hd_stream_close(&wr);
  hd_runtime_free(rt);
  return 0;
}
