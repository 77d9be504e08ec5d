/* checks/registry.c - the rule table, generated from rules.def. */
#include "checks/registry.h"

#include <string.h>

const hd__rule hd__rules[] = {
#define HD_RULE(name, id, level, short_desc, full_desc)                                            \
  {id, level, short_desc, full_desc, hd__check_##name},
#include "checks/rules.def"
#undef HD_RULE
};

const int hd__rule_count = (int)(sizeof hd__rules / sizeof hd__rules[0]);

int hd__rule_find(const char *id) {
  for (int i = 0; i < hd__rule_count; i++)
    if (strcmp(hd__rules[i].id, id) == 0)
      return i;
  return -1;
}
