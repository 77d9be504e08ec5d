/* The reset of every model in ext.h, called by hd__model_reset. */
#include "ext.h"

void hd__ext_reset(void) {
  hd__choice_reset();
  hd__vtime_reset();
  hd__net_reset();
  hd__detect_reset();
}
