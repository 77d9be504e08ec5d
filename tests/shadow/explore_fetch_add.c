/* For `heddle explore`: the fetch_add twin of explore_lost_update.c must
 * explore clean (exit status 0). */
#include "models.h"

void hd_shadow_test(void) {
  model_threads = 3;
  body_fetch_add();
}
