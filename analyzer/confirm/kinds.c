/* confirm/kinds.c - the confirm registry (confirm.def): report kinds, the
 * static rules each confirms, and the SARIF metadata of `dynamic/<kind>`. */
#include <stdlib.h>
#include <string.h>

#include "confirm/confirm.h"

static const hd__confirm_kind kinds[] = {
#define HD_CONFIRM_KIND(name, id, level, rules, short_desc, full_desc)                             \
  {id, level, rules, short_desc, full_desc},
#include "confirm/confirm.def"
#undef HD_CONFIRM_KIND
};

const hd__confirm_kind *hd__confirm_kind_find(const char *kind) {
  for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
    if (strcmp(kinds[i].kind, kind) == 0)
      return &kinds[i];
  return NULL;
}

bool hd__confirm_kind_confirms(const char *kind, const char *rule) {
  const hd__confirm_kind *k = hd__confirm_kind_find(kind);
  if (!k)
    return false;
  size_t n = strlen(rule);
  for (const char *p = k->rules; *p;) {
    size_t len = strcspn(p, ",");
    if (len == n && strncmp(p, rule, n) == 0)
      return true;
    p += len;
    if (*p == ',')
      p++;
  }
  return false;
}

json_t *hd__confirm_rule_json(const char *kind, const char *doc_url) {
  const hd__confirm_kind *k = hd__confirm_kind_find(kind);
  const char *level = k ? k->level : "warning";
  const char *short_desc = k ? k->short_desc : "A report of heddle explore";
  const char *full_desc =
      k ? k->full_desc : "A report of the shadow runtime's schedule explorer (heddle explore).";
  size_t n = strlen(HD__CONFIRM_RULE_PREFIX) + strlen(kind) + 1;
  char *id = malloc(n);
  char *md = malloc(strlen(full_desc) + strlen(doc_url) + 128);
  json_t *o = NULL;
  if (id && md) {
    snprintf(id, n, "%s%s", HD__CONFIRM_RULE_PREFIX, kind);
    sprintf(md,
            "%s\n\nFound by `heddle explore`; the result's message gives the command that "
            "replays the schedule. See [the shadow runtime](%s).",
            full_desc, doc_url);
    o = json_pack("{s:s, s:s, s:{s:s}, s:{s:s}, s:{s:s, s:s}, s:s, s:{s:s}, s:{s:[sss]}}", "id", id,
                  "name", id, "shortDescription", "text", short_desc, "fullDescription", "text",
                  full_desc, "help", "text", full_desc, "markdown", md, "helpUri", doc_url,
                  "defaultConfiguration", "level", level, "properties", "tags", "concurrency",
                  "async", "dynamic");
  }
  free(id);
  free(md);
  return o;
}
