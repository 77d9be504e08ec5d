/* A UI-style event loop: a ticker and a renderer share a plain frame counter
 * and both are spawned with hd_spawn_local, pinned to the current worker
 * (LocalSet tasks). Good: tasks on one worker interleave only at awaits and
 * never run in parallel, so the plain accesses are not a data race. */
#include "heddle/heddle.h"

typedef struct screen {
  long frames;
  long drawn;
} screen;

HD_ASYNC_FN(ticker, int, screen *s; int i; hd_yield y;);
HD_ASYNC(ticker, f, cx, NULL) {
  for (f->i = 0; f->i < 30; f->i++) {
    f->s->frames++;
    HD_AWAIT(f, cx, hd_yield_init(&f->y));
  }
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(renderer, int, screen *s; int i; hd_yield y;);
HD_ASYNC(renderer, f, cx, NULL) {
  for (f->i = 0; f->i < 30; f->i++) {
    f->s->drawn = f->s->frames;
    HD_AWAIT(f, cx, hd_yield_init(&f->y));
  }
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

HD_ASYNC_FN(ui, int, screen *s; hd_join_handle *ht; hd_join_handle *hr; hd_join j;);
HD_ASYNC(ui, f, cx, NULL) {
  {
    ticker t;
    HD_ASYNC_INIT(&t, ticker);
    t.s = f->s;
    f->ht = hd_spawn_local(&t.hd);
  }
  {
    renderer r;
    HD_ASYNC_INIT(&r, renderer);
    r.s = f->s;
    f->hr = hd_spawn_local(&r.hd);
  }
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->ht));
  HD_AWAIT(f, cx, hd_join_init(&f->j, f->hr));
  hd_join_handle_drop(f->ht);
  hd_join_handle_drop(f->hr);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static screen s;
  static ui u;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&u, ui);
  u.s = &s;
  hd_block_on(rt, &u.hd);
  hd_runtime_free(rt);
  return 0;
}
