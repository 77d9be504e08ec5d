/* A health checker initialises one probe future per backend in a loop into
 * an array and awaits them all with hd_join_all (futures::join_all over a
 * Vec of futures). Good: each future initialised in the loop is stored in
 * the array that is passed to the join. */
#include "heddle/heddle.h"

#define BACKENDS 4

HD_ASYNC_FN(health, int, hd_sleep probe[BACKENDS]; hd_future *all[BACKENDS]; int i;
            hd_join_all join;);
HD_ASYNC(health, f, cx, NULL) {
  for (f->i = 0; f->i < BACKENDS; f->i++)
    f->all[f->i] = hd_sleep_init(&f->probe[f->i], 1 + (uint64_t)f->i);
  HD_AWAIT(f, cx, hd_join_all_init(&f->join, BACKENDS, f->all));
  for (f->i = 0; f->i < BACKENDS; f->i++)
    f->out += f->probe[f->i].out == 0;
}
HD_ASYNC_END(f)

int main(void) {
  static health h;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&h, health);
  hd_block_on(rt, &h.hd);
  hd_runtime_free(rt);
  return h.out != BACKENDS;
}
