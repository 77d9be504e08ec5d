/* A supervisor spawns a task that streams a snapshot with write_frame and
 * aborts it when a newer snapshot is ready (JoinHandle::abort on a task that
 * is mid-write). Bad, warning: abort is a cancelling position too; the
 * aborted task's await chain reaches hd_write_frame, so the peer can get
 * half a frame. For abort the finding is at the hd_join_handle_abort call. */
#include <string.h>

#include "heddle/heddle.h"

HD_ASYNC_FN(send_snapshot, int, hd_stream *s; const char *data; size_t len; hd_write_frame wf;);
HD_ASYNC(send_snapshot, f, cx, NULL) {
  HD_AWAIT(f, cx, hd_write_frame_init(&f->wf, f->s, f->data, f->len));
  HD_RETURN(f, f->wf.out);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(supervisor, int, hd_stream *s; const char *snap; hd_join_handle *h; hd_sleep newer;
            hd_join j;);
HD_ASYNC(supervisor, f, cx, NULL) {
  {
    send_snapshot t;
    HD_ASYNC_INIT(&t, send_snapshot);
    t.s = f->s;
    t.data = f->snap;
    t.len = strlen(f->snap);
    f->h = hd_spawn(&t.hd);
  }
  HD_AWAIT(f, cx, hd_sleep_init(&f->newer, 10));
  hd_join_handle_abort(f->h); /* expect: cancel-unsafe-select */
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->h));
  hd_join_handle_drop(f->h);
  HD_RETURN(f, f->j.err);
}
HD_ASYNC_END(f)

int main(void) {
  static hd_stream a, b;
  static supervisor sv;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  if (hd_socketpair(&a, &b) != 0)
    return 1;
  HD_ASYNC_INIT(&sv, supervisor);
  sv.s = &a;
  sv.snap = "snapshot v1";
  hd_block_on(rt, &sv.hd);
  hd_stream_close(&a);
  hd_stream_close(&b);
  hd_runtime_free(rt);
  return 0;
}
