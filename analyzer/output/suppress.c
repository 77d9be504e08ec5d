/* output/suppress.c - in-source suppressions.
 *
 *     pthread_mutex_lock(&m);  // heddle: ignore[lock-across-await] reason
 * on the finding's line or the line before; several ids separated by
 * commas; "*" matches every rule. The reason is the justification SARIF
 * shows. */
#include <stdlib.h>
#include <string.h>

#include "checks/registry.h"
#include "output/output.h"

#define MARK "heddle: ignore["

/* The justification if `line` suppresses rule id, else NULL (malloc'd;
 * may be empty). */
static char *suppresses(const char *line, size_t len, const char *id) {
  char buf[1024];
  if (len >= sizeof buf)
    len = sizeof buf - 1;
  memcpy(buf, line, len);
  buf[len] = '\0';
  char *m = strstr(buf, MARK);
  if (!m)
    return NULL;
  char *list = m + strlen(MARK);
  char *end = strchr(list, ']');
  if (!end)
    return NULL;
  *end = '\0';
  bool match = false;
  for (char *tok = strtok(list, ", "); tok; tok = strtok(NULL, ", "))
    match |= strcmp(tok, id) == 0 || strcmp(tok, "*") == 0;
  if (!match)
    return NULL;
  char *why = end + 1;
  while (*why == ' ' || *why == '\t' || *why == ':' || *why == '-')
    why++;
  size_t wl = strlen(why);
  while (wl > 0 && (why[wl - 1] == ' ' || why[wl - 1] == '/' || why[wl - 1] == '*'))
    why[--wl] = '\0';
  return strdup(why);
}

void hd__suppress_apply(hd__findings *fs, hd__sources *src) {
  for (int i = 0; i < fs->n; i++) {
    hd__finding *f = &fs->v[i];
    for (int d = 0; d <= 1 && !f->suppressed; d++) {
      size_t len;
      const char *line = hd__source_line(src, f->loc.file, f->loc.line - d, &len);
      char *why = line ? suppresses(line, len, hd__rules[f->rule].id) : NULL;
      if (why) {
        f->suppressed = true;
        f->suppression = why;
      }
    }
  }
}
