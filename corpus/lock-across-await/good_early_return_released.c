/* The fixed pool: checkout unlocks on every return, and the async caller's
 * own early return (shutdown) also releases the pool mutex before leaving.
 * Good: no return path carries the mutex to the back-off await. */
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
  int waiters;
  conn conns[4];
} pool;

/* Returns 0 and a connection, HD_ECLOSED or HD_EEMPTY. */
static int pool_checkout(pool *p, conn **out) {
  pthread_mutex_lock(&p->mu);
  if (p->closed) {
    pthread_mutex_unlock(&p->mu);
    return HD_ECLOSED;
  }
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

HD_ASYNC_FN(send_ping, int, pool *p; conn *c; int tries; int rc; hd_sleep backoff;);
HD_ASYNC(send_ping, f, cx, NULL) {
  for (f->tries = 0; f->tries < 5; f->tries++) {
    f->rc = pool_checkout(f->p, &f->c);
    if (f->rc == 0) {
      pool_checkin(f->p, f->c);
      HD_RETURN(f, 0);
    }
    pthread_mutex_lock(&f->p->mu);
    if (f->p->closed) {
      pthread_mutex_unlock(&f->p->mu);
      HD_RETURN(f, HD_ECLOSED);
    }
    f->p->waiters++;
    pthread_mutex_unlock(&f->p->mu);
    HD_AWAIT(f, cx, hd_sleep_init(&f->backoff, 10u << f->tries));
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
