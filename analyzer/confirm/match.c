/* confirm/match.c - the matcher: does a dynamic report confirm a static
 * result? Same family (confirm.def) and a shared file:line. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "confirm/confirm.h"

bool hd__confirm_where_parse(const char *where, char **path, int *line) {
  /* "path:line" or "path:line (function)" */
  size_t len = strlen(where);
  if (len > 0 && where[len - 1] == ')') /* the last " (" opens the function */
    for (size_t i = len - 1; i > 0; i--)
      if (where[i - 1] == ' ' && where[i] == '(') {
        len = i - 1;
        break;
      }
  size_t colon = len;
  while (colon > 0 && where[colon - 1] != ':')
    colon--;
  if (colon < 2 || colon == len)
    return false;
  int n = 0;
  for (size_t i = colon; i < len; i++) {
    if (!isdigit((unsigned char)where[i]) || n > 100000000)
      return false;
    n = n * 10 + (where[i] - '0');
  }
  if (n <= 0)
    return false;
  *path = strndup(where, colon - 1);
  *line = n;
  return *path != NULL;
}

/* The last component of p[0..end): its start, *len its length (0: none,
 * or a "." / ".." that makes the rest of the path relative). */
static const char *component_before(const char *p, const char *end, size_t *len) {
  while (end > p && end[-1] == '/')
    end--;
  const char *s = end;
  while (s > p && s[-1] != '/')
    s--;
  *len = (size_t)(end - s);
  if ((*len == 1 && s[0] == '.') || (*len == 2 && s[0] == '.' && s[1] == '.'))
    *len = 0;
  return s;
}

bool hd__confirm_path_match(const char *a, const char *b) {
  const char *ea = a + strlen(a), *eb = b + strlen(b);
  int compared = 0;
  for (;;) {
    size_t la, lb;
    const char *ca = component_before(a, ea, &la), *cb = component_before(b, eb, &lb);
    if (la == 0 || lb == 0)
      return compared > 0; /* one path ran out: it is a suffix of the other */
    if (la != lb || memcmp(ca, cb, la) != 0)
      return false;
    compared++;
    ea = ca;
    eb = cb;
  }
}

static int hexval(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  c = (char)tolower((unsigned char)c);
  return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

char *hd__confirm_uri_decode(const char *uri) {
  if (strncmp(uri, "file://", 7) == 0)
    uri += 7;
  char *out = malloc(strlen(uri) + 1), *o = out;
  if (!out)
    return NULL;
  for (const char *p = uri; *p; p++) {
    int hi, lo;
    if (*p == '%' && (hi = hexval(p[1])) >= 0 && (lo = hexval(p[2])) >= 0) {
      *o++ = (char)(hi * 16 + lo);
      p += 2;
    } else {
      *o++ = *p;
    }
  }
  *o = '\0';
  return out;
}

char *hd__confirm_uri_path(const json_t *physical) {
  const char *uri =
      json_string_value(json_object_get(json_object_get(physical, "artifactLocation"), "uri"));
  return uri ? hd__confirm_uri_decode(uri) : NULL;
}

/* Whether physical location pl is at path:line. */
static bool at(const json_t *pl, const char *path, int line) {
  json_int_t start =
      json_integer_value(json_object_get(json_object_get(pl, "region"), "startLine"));
  if (start != line)
    return false;
  char *file = hd__confirm_uri_path(pl);
  bool same = file && hd__confirm_path_match(file, path);
  free(file);
  return same;
}

/* Whether the result's primary or a related location is at path:line. */
static bool result_at(const json_t *result, const char *path, int line) {
  size_t i;
  const json_t *l;
  json_array_foreach(json_object_get(result, "locations"), i, l) {
    if (at(json_object_get(l, "physicalLocation"), path, line))
      return true;
    break; /* the primary location only */
  }
  json_array_foreach(json_object_get(result, "relatedLocations"), i, l) {
    if (at(json_object_get(l, "physicalLocation"), path, line))
      return true;
  }
  return false;
}

bool hd__confirm_matches(const json_t *result, const json_t *report) {
  const char *rule = json_string_value(json_object_get(result, "ruleId"));
  const char *kind = json_string_value(json_object_get(report, "kind"));
  if (!rule || !kind || !hd__confirm_kind_confirms(kind, rule))
    return false;
  size_t i;
  const json_t *l;
  json_array_foreach(json_object_get(report, "locations"), i, l) {
    const char *where = json_string_value(json_object_get(l, "where"));
    char *path;
    int line;
    if (!where || !hd__confirm_where_parse(where, &path, &line))
      continue;
    bool hit = result_at(result, path, line);
    free(path);
    if (hit)
      return true;
  }
  return false;
}
