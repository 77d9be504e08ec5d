/* Smoke case: the mutex is taken through a local pointer to it and released
 * through the field itself; one lock, released before the await. Good. */
#include <pthread.h>

#include "heddle/heddle.h"

typedef struct stats {
  pthread_mutex_t mu;
  long hits;
} stats;

HD_ASYNC_FN(count_hit, int, stats *st; hd_yield y;);
HD_ASYNC(count_hit, f, cx, NULL) {
  pthread_mutex_t *mu = &f->st->mu;
  pthread_mutex_lock(mu);
  f->st->hits++;
  pthread_mutex_unlock(&f->st->mu);
  HD_AWAIT(f, cx, hd_yield_init(&f->y));
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)
