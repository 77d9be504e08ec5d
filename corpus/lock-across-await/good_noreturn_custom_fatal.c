/* The same invariant check through the project's own fatal() helper,
 * declared _Noreturn (it logs and calls exit), plus a GNU noreturn
 * attribute variant for the second check. Good: both error paths keep the
 * mutex but never return; the analyzer must honour user-declared noreturn
 * functions, not only abort/exit. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#include "heddle/heddle.h"

typedef struct arena {
  pthread_mutex_t mu;
  int free_count;
  int capacity;
} arena;

_Noreturn static void fatal(const char *what) {
  fprintf(stderr, "fatal: %s\n", what);
  exit(70);
}

__attribute__((noreturn)) static void fatal_code(int code) {
  fprintf(stderr, "fatal: code %d\n", code);
  _Exit(code);
}

HD_ASYNC_FN(alloc_block, int, arena *a; int block; hd_yield zero_fill;);
HD_ASYNC(alloc_block, f, cx, NULL) {
  pthread_mutex_lock(&f->a->mu);
  if (f->a->free_count < 0)
    fatal("negative free count");
  else if (f->a->free_count > f->a->capacity)
    fatal_code(71);
  else {
    f->block = f->a->capacity - f->a->free_count;
    f->a->free_count--;
    pthread_mutex_unlock(&f->a->mu);
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
