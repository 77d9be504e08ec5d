/* An invariant check inside a critical section: if the free list is
 * corrupt the allocator calls abort() with the arena mutex still held; only
 * the healthy branch unlocks. Good: abort() does not return, so the path
 * that keeps the mutex never reaches the await (the analyzer must cut the
 * CFG at noreturn calls). */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "heddle/heddle.h"

typedef struct arena {
  pthread_mutex_t mu;
  int free_count;
  int capacity;
} arena;

HD_ASYNC_FN(alloc_block, int, arena *a; int block; hd_yield zero_fill;);
HD_ASYNC(alloc_block, f, cx, NULL) {
  pthread_mutex_lock(&f->a->mu);
  if (f->a->free_count >= 0 && f->a->free_count <= f->a->capacity) {
    f->block = f->a->capacity - f->a->free_count;
    f->a->free_count--;
    pthread_mutex_unlock(&f->a->mu);
  } else {
    fprintf(stderr, "arena: free list corrupt (%d/%d)\n", f->a->free_count, f->a->capacity);
    abort();
  }
  HD_AWAIT(f, cx, hd_yield_init(&f->zero_fill));
  HD_RETURN(f, f->block);
}
HD_ASYNC_END(f)

int main(void) {
  static arena a = {PTHREAD_MUTEX_INITIALIZER, 8, 8};
  static alloc_block task;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&task, alloc_block);
  task.a = &a;
  hd_block_on(rt, &task.hd);
  hd_runtime_free(rt);
  return task.out != 0;
}
