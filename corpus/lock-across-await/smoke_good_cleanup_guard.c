/* Smoke case: the same scope guard, closed before the await. Good: the
 * cleanup runs at the end of the inner block. */
#include <pthread.h>

#include "heddle/heddle.h"

static void guard_release(pthread_mutex_t **g) { pthread_mutex_unlock(*g); }

#define LOCK_GUARD(m)                                                                              \
  pthread_mutex_t *guard_ __attribute__((cleanup(guard_release))) = (m);                          \
  pthread_mutex_lock(guard_)

typedef struct table {
  pthread_mutex_t mu;
  int rows;
} table;

HD_ASYNC_FN(insert_row, int, table *t; hd_yield y;);
HD_ASYNC(insert_row, f, cx, NULL) {
  {
    LOCK_GUARD(&f->t->mu);
    f->t->rows++;
  }
  HD_AWAIT(f, cx, hd_yield_init(&f->y));
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)
