/* The fixed twin of bad_abba_between_tasks.c: both transfers take the two
 * mutexes in one global order (by address), whatever the direction, so no
 * cycle of waits can form. */
#include <pthread.h>

#include "heddle/heddle.h"
#include "heddle/shadow.h"

static pthread_mutex_t from_lock, to_lock;
static long from_balance, to_balance;

HD_ASYNC_FN(transfer, int, pthread_mutex_t *first; pthread_mutex_t *second; long *src; long *dst;);
HD_ASYNC(transfer, f, cx, NULL) {
  if (f->second < f->first) { /* lock order: lower address first */
    pthread_mutex_t *t = f->first;
    f->first = f->second;
    f->second = t;
  }
  pthread_mutex_lock(f->first);
  pthread_mutex_lock(f->second);
  *f->src -= 10;
  *f->dst += 10;
  pthread_mutex_unlock(f->second);
  pthread_mutex_unlock(f->first);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(both_ways, int, hd_join_handle *a; hd_join_handle *b; hd_join j;);
HD_ASYNC(both_ways, f, cx, NULL) {
  {
    transfer t;
    HD_ASYNC_INIT(&t, transfer);
    t.first = &from_lock, t.second = &to_lock, t.src = &from_balance, t.dst = &to_balance;
    f->a = hd_spawn(&t.hd);
    HD_ASYNC_INIT(&t, transfer);
    t.first = &to_lock, t.second = &from_lock, t.src = &to_balance, t.dst = &from_balance;
    f->b = hd_spawn(&t.hd);
  }
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->a));
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->b));
  hd_join_handle_drop(f->a);
  hd_join_handle_drop(f->b);
}
HD_ASYNC_END(f)

void hd_shadow_test(void) {
  pthread_mutex_init(&from_lock, NULL);
  pthread_mutex_init(&to_lock, NULL);
  from_balance = to_balance = 100;
  hd_runtime *rt = hd_runtime_new_multi_thread(2);
  both_ways t;
  HD_ASYNC_INIT(&t, both_ways);
  hd_block_on(rt, &t.hd);
  hd_runtime_free(rt);
}
