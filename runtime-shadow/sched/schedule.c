/* Schedule strings (format in explorer.h). Only nodes where more than one
 * thread was enabled are written: the others are forced, and replay finds
 * them again because every execution of the same prefix is deterministic. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explorer.h"
#include "heddle/error.h"

static const char letters[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";

size_t hd__schedule_encode(const hd__explorer *ex, char *buf, size_t len) {
  size_t o = (size_t)snprintf(buf, len, "v1:");
  uint32_t k = 0;
  while (k < ex->depth) {
    if (__builtin_popcount(ex->nodes[k].enabled) < 2) {
      k++;
      continue;
    }
    unsigned t = ex->nodes[k].tid;
    unsigned run = 1;
    uint32_t m = k + 1;
    for (; m < ex->depth; m++) {
      if (__builtin_popcount(ex->nodes[m].enabled) < 2)
        continue;
      if (ex->nodes[m].tid != t)
        break;
      run++;
    }
    char tok[16];
    int w = run > 1 ? snprintf(tok, sizeof tok, "%c%u", letters[t], run)
                    : snprintf(tok, sizeof tok, "%c", letters[t]);
    if (o + (size_t)w + 1 >= len)
      break; /* truncated: replay goes on with default choices */
    memcpy(buf + o, tok, (size_t)w + 1);
    o += (size_t)w;
    k = m;
  }
  return o;
}

int hd__schedule_decode(const char *s, uint8_t **choices) {
  if (strncmp(s, "v1:", 3) != 0)
    return HD_EINVAL;
  size_t cap = 64, n = 0;
  uint8_t *c = malloc(cap);
  if (!c)
    return HD_ENOMEM;
  for (const char *p = s + 3; *p;) {
    const char *l = strchr(letters, *p);
    if (!l || *p == '\0') {
      free(c);
      return HD_EINVAL;
    }
    p++;
    unsigned long run = 1;
    if (*p >= '0' && *p <= '9') {
      char *end;
      run = strtoul(p, &end, 10);
      p = end;
      if (run == 0 || run > (1ul << 24)) {
        free(c);
        return HD_EINVAL;
      }
    }
    while (run--) {
      if (n == cap) {
        uint8_t *g = realloc(c, cap *= 2);
        if (!g) {
          free(c);
          return HD_ENOMEM;
        }
        c = g;
      }
      c[n++] = (uint8_t)(l - letters);
    }
  }
  *choices = c;
  return (int)n;
}
