/* Prints docs/runtime/errors.md from heddle/errors.def, the one list of
 * error codes. A ctest checks that the committed page matches. */
#include <stdio.h>

int main(void) {
  puts("# Error codes");
  puts("");
  puts("Generated from `include/heddle/errors.def` by `tools/gen_errors_doc.c`; do not edit.");
  puts("Calls return 0 (or a count) on success and one of these negative codes on failure;");
  puts("`hd_strerror(code)` gives the message and `hd_error_name(code)` the name. A call that");
  puts("returns an error never fires the waker it was given.");
  puts("");
  puts("| code | value | meaning |");
  puts("|---|---|---|");
#define HD_ERROR(name, value, msg) printf("| `HD_%s` | %d | %s |\n", #name, value, msg);
#include "heddle/errors.def"
#undef HD_ERROR
  return 0;
}
