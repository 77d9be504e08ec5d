/* Runs examples/hazards/relay.c (or relay_fixed.c) unchanged under the
 * shadow runtime: its main() is compiled as relay_example_main
 * (tests/shadow/CMakeLists.txt) and called as `relay --multi 2` by the
 * test body, once per explored schedule. */
#include "heddle/shadow.h"

int relay_example_main(int argc, char **argv);

void hd_shadow_test(void) {
  char a0[] = "relay", a1[] = "--multi", a2[] = "2";
  char *argv[] = {a0, a1, a2, 0};
  relay_example_main(3, argv);
}
