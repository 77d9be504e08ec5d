/* Reports: recorded raw (code addresses, no strings to build) into the
 * shared explorer during executions, deduplicated by kind and the first
 * locations; published (symbolized) into the public table by the process
 * that called hd_shadow_run, which also prints them and writes the JSON. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explorer.h"

static const char *const kind_names[] = {
#define HD__REPORT(name, id) id,
#include "report_kinds.def"
#undef HD__REPORT
};

const char *hd__report_kind_name(unsigned kind) {
  return kind < HD__REPORT_COUNT ? kind_names[kind] : "unknown";
}

static uint64_t mix(uint64_t h, uint64_t v) {
  h ^= v;
  h *= 0x100000001B3ull;
  return h ^ (h >> 29);
}

void hd__report_raw(hd__report_kind kind, const char *message, const uintptr_t *pcs,
                    const char *const *notes, unsigned n) {
  hd__explorer *ex = hd__ex;
  uint64_t key = mix(0xCBF29CE484222325ull, kind);
  for (unsigned i = 0; i < n && i < 2; i++)
    key = mix(key, pcs[i]);
  for (uint32_t i = 0; i < ex->nreports; i++)
    if (ex->reports[i].key == key)
      return;
  if (ex->nreports >= HD__MAX_REPORTS)
    return;
  hd__raw_report *r = &ex->reports[ex->nreports];
  memset(r, 0, sizeof *r);
  r->kind = (uint8_t)kind;
  r->key = key;
  r->execution = ex->executions + 1;
  snprintf(r->message, sizeof r->message, "%s", message);
  hd__schedule_encode(ex, r->schedule, sizeof r->schedule);
  r->nlocs = n < HD_SHADOW_MAX_LOCS ? n : HD_SHADOW_MAX_LOCS;
  for (unsigned i = 0; i < r->nlocs; i++) {
    r->pcs[i] = pcs[i];
    snprintf(r->notes[i], sizeof r->notes[i], "%s", notes[i] ? notes[i] : "");
  }
  ex->nreports++; /* last: a crash while writing leaves no half report */
}

static hd_shadow_report *table;
static size_t ntable;

void hd__reports_clear(void) {
  free(table);
  table = NULL;
  ntable = 0;
}

size_t hd_shadow_report_count(void) {
  return ntable;
}

const hd_shadow_report *hd_shadow_report_get(size_t i) {
  return i < ntable ? &table[i] : NULL;
}

static void json_str(FILE *f, const char *s) {
  fputc('"', f);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\')
      fprintf(f, "\\%c", c);
    else if (c < 0x20)
      fprintf(f, "\\u%04x", c);
    else
      fputc(c, f);
  }
  fputc('"', f);
}

static const char *strategy_name(hd_shadow_strategy s) {
  switch (s) {
  case HD_SHADOW_DFS:
    return "dfs";
  case HD_SHADOW_RANDOM:
    return "random";
  case HD_SHADOW_PCT:
    return "pct";
  case HD_SHADOW_REPLAY:
    return "replay";
  }
  return "?";
}

static void write_json(const char *path, const hd_shadow_stats *st) {
  FILE *f = fopen(path, "w");
  if (!f) {
    perror(path);
    return;
  }
  fprintf(f, "{\n  \"version\": 1,\n  \"tool\": \"heddle-explore\",\n  \"strategy\": \"%s\",\n",
          strategy_name(hd__opts.strategy));
  fprintf(f,
          "  \"executions\": %llu,\n  \"exhaustive\": %s,\n  \"bound\": %d,\n"
          "  \"seconds\": %.3f,\n  \"reports\": [",
          (unsigned long long)st->executions, st->exhaustive ? "true" : "false", st->bound,
          st->seconds);
  for (size_t i = 0; i < ntable; i++) {
    const hd_shadow_report *r = &table[i];
    fprintf(f, "%s\n    {\"kind\": ", i ? "," : "");
    json_str(f, r->kind);
    fprintf(f, ", \"message\": ");
    json_str(f, r->message);
    fprintf(f, ", \"execution\": %llu, \"schedule\": ", (unsigned long long)r->execution);
    json_str(f, r->schedule);
    if (hd__opts.argv0) {
      char cmd[2300];
      snprintf(cmd, sizeof cmd, "heddle explore --replay '%s' -- %s", r->schedule, hd__opts.argv0);
      fprintf(f, ", \"replay\": ");
      json_str(f, cmd);
    }
    fprintf(f, ",\n     \"locations\": [");
    for (unsigned l = 0; l < r->nlocs; l++) {
      fprintf(f, "%s{\"where\": ", l ? ", " : "");
      json_str(f, r->locs[l].where);
      fprintf(f, ", \"note\": ");
      json_str(f, r->locs[l].note);
      fprintf(f, "}");
    }
    fprintf(f, "]}");
  }
  fprintf(f, "\n  ]\n}\n");
  fclose(f);
}

/* Names the global variables whose addresses a message mentions:
 * "mutex 0x55d0c0a0 held" -> "mutex 0x55d0c0a0 (lock_a) held". */
static void name_addresses(char *msg, size_t len) {
  char out[sizeof((hd_shadow_report *)0)->message];
  size_t o = 0;
  for (const char *p = msg; *p && o + 1 < sizeof out;) {
    if (p[0] == '0' && p[1] == 'x') {
      char *end;
      unsigned long a = strtoul(p, &end, 16);
      char name[96];
      size_t n = (size_t)(end - p);
      if (o + n < sizeof out) {
        memcpy(out + o, p, n);
        o += n;
      }
      if (end > p + 2 && hd__symbol_name((uintptr_t)a, name, sizeof name))
        o += (size_t)snprintf(out + o, sizeof out - o, " (%s)", name);
      if (o >= sizeof out)
        o = sizeof out - 1;
      p = end;
      continue;
    }
    out[o++] = *p++;
  }
  out[o] = '\0';
  size_t n = strlen(out) < len ? strlen(out) : len - 1; /* truncating is fine here */
  memcpy(msg, out, n);
  msg[n] = '\0';
}

void hd__reports_publish(const hd_shadow_stats *st) {
  hd__explorer *ex = hd__ex;
  hd__reports_clear();
  if (ex->nreports && !(table = calloc(ex->nreports, sizeof *table)))
    return;
  ntable = ex->nreports;
  for (size_t i = 0; i < ntable; i++) {
    const hd__raw_report *raw = &ex->reports[i];
    hd_shadow_report *r = &table[i];
    r->kind = hd__report_kind_name(raw->kind);
    memcpy(r->message, raw->message, sizeof r->message);
    name_addresses(r->message, sizeof r->message);
    memcpy(r->schedule, raw->schedule, sizeof r->schedule);
    r->execution = raw->execution;
    r->nlocs = raw->nlocs;
    for (unsigned l = 0; l < raw->nlocs; l++) {
      r->locs[l].pc = raw->pcs[l];
      /* Primary locations of crashes are exact addresses; the rest are
       * return addresses (the call that did the operation). */
      bool exact = raw->kind == HD__REPORT_CRASH && l == 0;
      hd__symbolize(raw->pcs[l], !exact, r->locs[l].where, sizeof r->locs[l].where);
      memcpy(r->locs[l].note, raw->notes[l], sizeof r->locs[l].note);
      name_addresses(r->locs[l].note, sizeof r->locs[l].note);
    }
    if (!hd__opts.quiet) {
      fprintf(stderr, "heddle-explore: %s: %s\n", r->kind, r->message);
      for (unsigned l = 0; l < r->nlocs; l++)
        fprintf(stderr, "    %s%s%s\n", r->locs[l].where, r->locs[l].note[0] ? "  -- " : "",
                r->locs[l].note);
      fprintf(stderr, "  schedule %s (found in execution %llu)\n", r->schedule,
              (unsigned long long)r->execution);
      if (hd__opts.argv0)
        fprintf(stderr, "  replay: heddle explore --replay '%s' -- %s\n", r->schedule,
                hd__opts.argv0);
    }
  }
  if (hd__opts.json_path)
    write_json(hd__opts.json_path, st);
}
