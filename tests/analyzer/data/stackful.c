/* A stackful runtime described by stackful.yaml. */
#include <pthread.h>

typedef struct co_mutex { int locked; } co_mutex;
void co_yield(void);
void co_mutex_lock(co_mutex *m);
void co_mutex_unlock(co_mutex *m);

static pthread_mutex_t big = PTHREAD_MUTEX_INITIALIZER;
static co_mutex small;

/* suspends through co_yield */
static void wait_a_bit(void) { co_yield(); }

void bad_worker(void);
void bad_worker(void) {
  pthread_mutex_lock(&big);
  wait_a_bit();
  pthread_mutex_unlock(&big);
}

void good_worker(void);
void good_worker(void) {
  co_mutex_lock(&small); /* a coroutine mutex may be held while suspended */
  co_yield();
  co_mutex_unlock(&small);
}
