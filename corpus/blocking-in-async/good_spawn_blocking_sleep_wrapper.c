/* A hardware poller must wait a fixed settle time with usleep (the device
 * driver's API is synchronous); the wait runs in a wrapper on the blocking
 * pool through hd_spawn_blocking and the task awaits the handle. Good: the
 * blocking wrapper is not reachable from async code by a call, only handed
 * to the pool (tokio::task::spawn_blocking). */
#include <stdint.h>
#include <unistd.h>

#include "heddle/heddle.h"

static void *settle_and_sample(void *arg) {
  usleep(2000);
  return (void *)((uintptr_t)arg * 3u);
}

HD_ASYNC_FN(poll_device, uintptr_t, int channel; hd_join_handle *h; hd_join j;);
HD_ASYNC(poll_device, f, cx, NULL) {
  for (f->channel = 1; f->channel <= 4; f->channel++) {
    f->h = hd_spawn_blocking(settle_and_sample, (void *)(uintptr_t)f->channel);
    if (f->h == NULL)
      HD_RETURN(f, 0);
    HD_AWAIT(f, cx, hd_join_init(&f->j, f->h));
    f->out += (uintptr_t)f->j.value;
    hd_join_handle_drop(f->h);
  }
}
HD_ASYNC_END(f)

int main(void) {
  static poll_device p;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  HD_ASYNC_INIT(&p, poll_device);
  hd_block_on(rt, &p.hd);
  hd_runtime_free(rt);
  return p.out != 30;
}
