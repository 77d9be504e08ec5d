/* A connection driver prepares the next step's future in a switch on its
 * state (no awaits inside the switch, as HD_AWAIT requires) and then awaits
 * the prepared future under an if-chain on the same state. Good: each
 * future initialised in the switch has its await later in the function
 * (through &f->x.hd, not inside the initialising statement). */
#include <stdint.h>

#include "heddle/heddle.h"

enum step { STEP_CONNECT, STEP_HELLO, STEP_WAIT };

HD_ASYNC_FN(driver, int, enum step st; hd_stream *s; uint8_t hello[4]; hd_tcp_connect c;
            hd_write_all w; hd_sleep idle;);
HD_ASYNC(driver, f, cx, NULL) {
  switch (f->st) {
  case STEP_CONNECT:
    hd_tcp_connect_init(&f->c, NULL, 9, f->s);
    break;
  case STEP_HELLO:
    hd_write_all_init(&f->w, f->s, f->hello, sizeof f->hello);
    break;
  case STEP_WAIT:
    hd_sleep_init(&f->idle, 50);
    break;
  }
  if (f->st == STEP_CONNECT)
    HD_AWAIT(f, cx, &f->c.hd);
  else if (f->st == STEP_HELLO)
    HD_AWAIT(f, cx, &f->w.hd);
  else
    HD_AWAIT(f, cx, &f->idle.hd);
  HD_RETURN(f, 0);
}
HD_ASYNC_END(f)

int main(void) {
  static hd_stream s;
  static driver d;
  hd_runtime *rt = hd_runtime_new_current_thread();
  HD_ASYNC_INIT(&d, driver);
  d.st = STEP_WAIT;
  d.s = &s;
  hd_block_on(rt, &d.hd);
  hd_runtime_free(rt);
  return 0;
}
