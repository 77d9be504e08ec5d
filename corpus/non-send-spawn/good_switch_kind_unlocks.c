/* corpus: needs-feasibility
 * A spawned job takes the journal's pthread mutex in a switch on its kind
 * (only WRITE jobs lock) and unlocks under `if (kind == JOB_WRITE)` before
 * its await. Good: no feasible path holds the lock at the await, so the
 * frame never carries a held lock; the path "locked in case JOB_WRITE, not
 * unlocked" needs two different kinds at once. */
#include <pthread.h>

#include "heddle/heddle.h"

enum job_kind { JOB_READ, JOB_WRITE, JOB_STAT };

typedef struct journal {
  pthread_mutex_t mu;
  long writes;
  long reads;
} journal;

HD_ASYNC_FN(job, int, journal *jr; enum job_kind kind; hd_sleep io;);
HD_ASYNC(job, f, cx, NULL) {
  switch (f->kind) {
  case JOB_WRITE:
    pthread_mutex_lock(&f->jr->mu);
    f->jr->writes++;
    break;
  case JOB_READ:
  case JOB_STAT:
    break;
  }
  if (f->kind == JOB_WRITE)
    pthread_mutex_unlock(&f->jr->mu);
  HD_AWAIT(f, cx, hd_sleep_init(&f->io, 2));
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(scheduler, int, journal *jr; int i; hd_join_handle *h[3]; hd_join j;);
HD_ASYNC(scheduler, f, cx, NULL) {
  for (f->i = 0; f->i < 3; f->i++) {
    job jb;
    HD_ASYNC_INIT(&jb, job);
    jb.jr = f->jr;
    jb.kind = (enum job_kind)f->i;
    f->h[f->i] = hd_spawn(&jb.hd);
  }
  for (f->i = 0; f->i < 3; f->i++) {
    HD_AWAIT(f, cx, hd_join_init(&f->j, f->h[f->i]));
    hd_join_handle_drop(f->h[f->i]);
  }
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static journal jr = {.mu = PTHREAD_MUTEX_INITIALIZER};
  static scheduler s;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  HD_ASYNC_INIT(&s, scheduler);
  s.jr = &jr;
  hd_block_on(rt, &s.hd);
  hd_runtime_free(rt);
  return 0;
}
