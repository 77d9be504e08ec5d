/* A watchdog: the async supervisor starts a plain pthread whose start routine
 * sleeps and pings a notify, detaches it, and awaits the notifications. Good:
 * the sleep runs on a thread of its own; a start routine passed to
 * pthread_create is not called from async code (and pthread_create and
 * pthread_detach do not block). */
#include <pthread.h>
#include <unistd.h>

#include "heddle/heddle.h"

static void *watchdog_thread(void *arg) {
  hd_notify *n = arg;
  for (int k = 0; k < 3; k++) {
    sleep(1);
    hd_notify_notify_one(n);
  }
  return NULL;
}

HD_ASYNC_FN(supervisor, int, hd_notify *kick; pthread_t th; int kicks; hd_notify_notified w;);
HD_ASYNC(supervisor, f, cx, NULL) {
  if (pthread_create(&f->th, NULL, watchdog_thread, f->kick) != 0)
    HD_RETURN(f, -1);
  pthread_detach(f->th);
  for (f->kicks = 0; f->kicks < 3; f->kicks++)
    HD_AWAIT(f, cx, hd_notify_notified_init(&f->w, f->kick));
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static hd_notify kick = HD_NOTIFY_INITIALIZER;
  static supervisor s;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&s, supervisor);
  s.kick = &kick;
  hd_block_on(rt, &s.hd);
  hd_runtime_free(rt);
  return 0;
}
