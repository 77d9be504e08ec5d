/* driver/options.c - parsing of `heddle check` arguments. */
#include "driver/options.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "checks/registry.h"

void hd__options_usage(FILE *out) {
  fprintf(out, "usage: heddle check [options] [FILE...] [-- COMPILER-ARGS...]\n"
               "\n"
               "Checks async C for hazards. Files come from compile_commands.json (-p, or\n"
               "the nearest one in the current directory or its parents); with `--`, the\n"
               "given files are compiled with the arguments after it instead.\n"
               "\n"
               "  -p DIR|FILE           build directory holding compile_commands.json\n"
               "  --format FMT          text (default), sarif or json\n"
               "  -o FILE               write the report to FILE instead of stdout\n"
               "  --rules PACK          load an extra rule pack (repeatable)\n"
               "  --no-default-rules    do not load the bundled packs\n"
               "  --enable RULES        enable rules (comma-separated ids; repeatable)\n"
               "  --disable RULES       disable rules (comma-separated ids; repeatable)\n"
               "  -j N                  parse N files in parallel (default 1)\n"
               "  --baseline FILE       report only findings absent from FILE (SARIF/JSON)\n"
               "  --root DIR            SARIF paths are relative to DIR (default: cwd)\n"
               "  --doc-url URL         base of the rule documentation links\n"
               "  --quiet               no statistics on stderr\n"
               "  --stats               path feasibility (Z3) statistics on stderr\n"
               "  --version             print the version\n"
               "  --help                print this help\n"
               "\n"
               "rules:");
  for (int i = 0; i < hd__rule_count; i++)
    fprintf(out, " %s", hd__rules[i].id);
  fprintf(out, "\nexit status: 0 no findings, 1 findings, 2 usage or tool error\n");
}

static int set_rules(hd__options *o, const char *list, bool on) {
  char *copy = strdup(list);
  if (!copy)
    return 2;
  int rc = 0;
  char *save = NULL;
  for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
    int r = hd__rule_find(t);
    if (r < 0) {
      fprintf(stderr, "heddle check: error: unknown rule '%s' (known:", t);
      for (int i = 0; i < hd__rule_count; i++)
        fprintf(stderr, " %s", hd__rules[i].id);
      fprintf(stderr, ")\n");
      rc = 2;
      break;
    }
    o->enabled[r] = on;
  }
  free(copy);
  return rc;
}

enum {
  OPT_FORMAT = 256,
  OPT_RULES,
  OPT_NO_DEFAULT,
  OPT_ENABLE,
  OPT_DISABLE,
  OPT_BASELINE,
  OPT_QUIET,
  OPT_STATS,
  OPT_VERSION,
  OPT_HELP,
  OPT_ROOT,
  OPT_DOC_URL
};

static const struct option longopts[] = {
    {"format", required_argument, NULL, OPT_FORMAT},
    {"rules", required_argument, NULL, OPT_RULES},
    {"no-default-rules", no_argument, NULL, OPT_NO_DEFAULT},
    {"enable", required_argument, NULL, OPT_ENABLE},
    {"disable", required_argument, NULL, OPT_DISABLE},
    {"baseline", required_argument, NULL, OPT_BASELINE},
    {"quiet", no_argument, NULL, OPT_QUIET},
    {"stats", no_argument, NULL, OPT_STATS},
    {"version", no_argument, NULL, OPT_VERSION},
    {"help", no_argument, NULL, OPT_HELP},
    {"root", required_argument, NULL, OPT_ROOT},
    {"doc-url", required_argument, NULL, OPT_DOC_URL},
    {NULL, 0, NULL, 0},
};

int hd__options_parse(int argc, char **argv, hd__options *o) {
  *o = (hd__options){.jobs = 1, .doc_url = HEDDLE_DOC_URL};
  o->enabled = calloc((size_t)hd__rule_count + 1, sizeof *o->enabled);
  o->packs = calloc((size_t)argc + 1, sizeof *o->packs);
  o->files = calloc((size_t)argc + 1, sizeof *o->files);
  if (!o->enabled || !o->packs || !o->files)
    return 2;
  for (int i = 0; i < hd__rule_count; i++)
    o->enabled[i] = true;
  /* everything after "--" belongs to the compiler */
  int end = argc;
  for (int i = 1; i < argc; i++)
    if (strcmp(argv[i], "--") == 0) {
      end = i;
      o->has_cc_args = true;
      o->cc_args = argv + i + 1;
      o->ncc_args = argc - i - 1;
      break;
    }
  optind = 1;
  opterr = 1;
  int c;
  while ((c = getopt_long(end, argv, "p:o:j:h", longopts, NULL)) != -1) {
    switch (c) {
    case 'p':
      o->compdb = optarg;
      break;
    case 'o':
      o->output = optarg;
      break;
    case 'j': {
      char *e;
      long n = strtol(optarg, &e, 10);
      if (*e || n < 1 || n > 256) {
        fprintf(stderr, "heddle check: error: -j wants a number from 1 to 256, not '%s'\n", optarg);
        return 2;
      }
      o->jobs = (int)n;
      break;
    }
    case OPT_FORMAT:
      if (strcmp(optarg, "text") == 0)
        o->format = HD__FORMAT_TEXT;
      else if (strcmp(optarg, "sarif") == 0)
        o->format = HD__FORMAT_SARIF;
      else if (strcmp(optarg, "json") == 0)
        o->format = HD__FORMAT_JSON;
      else {
        fprintf(stderr, "heddle check: error: unknown format '%s' (text, sarif, json)\n", optarg);
        return 2;
      }
      break;
    case OPT_RULES:
      o->packs[o->npacks++] = optarg;
      break;
    case OPT_NO_DEFAULT:
      o->no_default_rules = true;
      break;
    case OPT_ENABLE:
    case OPT_DISABLE:
      if (set_rules(o, optarg, c == OPT_ENABLE))
        return 2;
      break;
    case OPT_BASELINE:
      o->baseline = optarg;
      break;
    case OPT_QUIET:
      o->quiet = true;
      break;
    case OPT_STATS:
      o->stats = true;
      break;
    case OPT_VERSION:
      o->version = true;
      break;
    case 'h':
    case OPT_HELP:
      o->help = true;
      break;
    case OPT_ROOT:
      o->root = optarg;
      break;
    case OPT_DOC_URL:
      o->doc_url = optarg;
      break;
    default:
      fprintf(stderr, "heddle check: try 'heddle check --help'\n");
      return 2;
    }
  }
  for (int i = optind; i < end; i++)
    o->files[o->nfiles++] = argv[i];
  return 0;
}

void hd__options_free(hd__options *o) {
  free(o->enabled);
  free(o->packs);
  free(o->files);
}
