/* A reviewed exception: during startup, before any other task or thread
 * exists, the bootstrap task holds the config mutex across two awaits on
 * purpose; both are suppressed with `// heddle: ignore[lock-across-await]`
 * (one on the line before, one on the await's own line). Good: suppressed
 * findings are not reported (SARIF lists them under suppressions). */
#include <pthread.h>

#include "heddle/heddle.h"

typedef struct config {
  pthread_mutex_t mu;
  int loaded;
  int port;
} config;

HD_ASYNC_FN(bootstrap, int, config *cfg; hd_yield step;);
HD_ASYNC(bootstrap, f, cx, NULL) {
  pthread_mutex_lock(&f->cfg->mu);
  f->cfg->port = 8080;
  // heddle: ignore[lock-across-await] single task at startup, nobody else can contend
  HD_AWAIT(f, cx, hd_yield_init(&f->step));
  f->cfg->loaded = 1;
  HD_AWAIT(f, cx, hd_yield_init(&f->step)); // heddle: ignore[lock-across-await] same as above
  pthread_mutex_unlock(&f->cfg->mu);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static config cfg = {PTHREAD_MUTEX_INITIALIZER, 0, 0};
  static bootstrap task;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&task, bootstrap);
  task.cfg = &cfg;
  hd_block_on(rt, &task.hd);
  hd_runtime_free(rt);
  return cfg.loaded != 1;
}
