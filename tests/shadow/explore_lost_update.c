/* For `heddle explore`: two threads doing load-then-store lose an update;
 * the explorer must report it (the ctest expects exit status 1). */
#include "models.h"

void hd_shadow_test(void) {
  model_threads = 2;
  body_load_store();
}
