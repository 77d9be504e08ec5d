/* A legacy thread (created by main with pthread_create, never a runtime
 * worker) drives its own current-thread runtime with hd_block_on while the
 * main runtime runs elsewhere (tokio: block_on from a std::thread is fine).
 * Good: the thread's start routine is not async code and is not called from
 * async code. */
#include <pthread.h>

#include "heddle/heddle.h"

HD_ASYNC_FN(heartbeat, int, int beats; hd_sleep gap;);
HD_ASYNC(heartbeat, f, cx, NULL) {
  for (f->beats = 0; f->beats < 3; f->beats++)
    HD_AWAIT(f, cx, hd_sleep_init(&f->gap, 5));
  HD_RETURN(f, f->beats);
}
HD_ASYNC_END(f)

static void *legacy_thread(void *arg) {
  heartbeat *hb = arg;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(hb, heartbeat);
  hd_block_on(rt, &hb->hd);
  hd_runtime_free(rt);
  return NULL;
}

int main(void) {
  static heartbeat side, mainline;
  pthread_t th;
  if (pthread_create(&th, NULL, legacy_thread, &side) != 0)
    return 1;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  HD_ASYNC_INIT(&mainline, heartbeat);
  hd_block_on(rt, &mainline.hd);
  hd_runtime_free(rt);
  pthread_join(th, NULL);
  return side.out + mainline.out != 6;
}
