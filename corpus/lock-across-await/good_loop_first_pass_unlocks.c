/* corpus: needs-feasibility
 * A reconnect loop that reads the endpoint under the config mutex and
 * releases it on its first pass (attempt == 0), then awaits each connection
 * attempt. The loop runs at least once (attempt starts at 0 < 3), so the
 * first await always follows the unlock. Good, but only feasibility shows
 * that the "held, attempt != 0" path from the loop entry does not exist. */
#include <pthread.h>

#include "heddle/heddle.h"

typedef struct config {
  pthread_mutex_t mu;
  int endpoint;
} config;

HD_ASYNC_FN(reconnect, int, config *cfg; int endpoint; int attempt; hd_yield connect;);
HD_ASYNC(reconnect, f, cx, NULL) {
  pthread_mutex_lock(&f->cfg->mu);
  for (f->attempt = 0; f->attempt < 3; f->attempt++) {
    if (f->attempt == 0) {
      f->endpoint = f->cfg->endpoint;
      pthread_mutex_unlock(&f->cfg->mu);
    }
    HD_AWAIT(f, cx, hd_yield_init(&f->connect));
    if (f->endpoint > 0)
      HD_RETURN(f, f->endpoint);
  }
  HD_RETURN(f, HD_ETIMEDOUT);
}
HD_ASYNC_END(f)

int main(void) {
  static config cfg = {PTHREAD_MUTEX_INITIALIZER, 8080};
  static reconnect task;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&task, reconnect);
  task.cfg = &cfg;
  hd_block_on(rt, &task.hd);
  hd_runtime_free(rt);
  return task.out != 8080;
}
