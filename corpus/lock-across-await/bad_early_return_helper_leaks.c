/* A connection pool whose checkout helper returns early when the pool is
 * closed without unlocking (the error path nobody tested); the caller backs
 * off with an await whenever checkout fails. Bad: after the closed-pool
 * early return the pool mutex is still held at the back-off await. */
#include <pthread.h>
#include <stdbool.h>

#include "heddle/heddle.h"

typedef struct conn {
  int fd;
  bool busy;
} conn;

typedef struct pool {
  pthread_mutex_t mu;
  bool closed;
  conn conns[4];
} pool;

/* Returns 0 and a connection, HD_ECLOSED or HD_EEMPTY. */
static int pool_checkout(pool *p, conn **out) {
  pthread_mutex_lock(&p->mu);
  if (p->closed)
    return HD_ECLOSED; /* the unlock is missing here */
  for (int i = 0; i < 4; i++) {
    if (!p->conns[i].busy) {
      p->conns[i].busy = true;
      *out = &p->conns[i];
      pthread_mutex_unlock(&p->mu);
      return 0;
    }
  }
  pthread_mutex_unlock(&p->mu);
  return HD_EEMPTY;
}

static void pool_checkin(pool *p, conn *c) {
  pthread_mutex_lock(&p->mu);
  c->busy = false;
  pthread_mutex_unlock(&p->mu);
}

HD_ASYNC_FN(send_ping, int, pool *p; conn *c; int tries; hd_sleep backoff;);
HD_ASYNC(send_ping, f, cx, NULL) {
  for (f->tries = 0; f->tries < 5; f->tries++) {
    if (pool_checkout(f->p, &f->c) == 0) {
      pool_checkin(f->p, f->c);
      HD_RETURN(f, 0);
    }
    HD_AWAIT(f, cx, hd_sleep_init(&f->backoff, 10u << f->tries)); /* expect: lock-across-await */
  }
  HD_RETURN(f, HD_ETIMEDOUT);
}
HD_ASYNC_END(f)

int main(void) {
  static pool p = {.mu = PTHREAD_MUTEX_INITIALIZER};
  static send_ping task;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&task, send_ping);
  task.p = &p;
  hd_block_on(rt, &task.hd);
  hd_runtime_free(rt);
  return task.out != 0;
}
