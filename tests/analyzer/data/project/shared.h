/* A counter shared between tasks, behind a pthread mutex. */
#ifndef SHARED_H
#define SHARED_H
#include <pthread.h>

struct shared {
  pthread_mutex_t mu;
  int n;
};

/* Takes s->mu and returns holding it. */
void shared_lock(struct shared *s);
void shared_unlock(struct shared *s);
#endif
