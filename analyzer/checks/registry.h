/* checks/registry.h - the rules (from rules.def) and how a check is run.
 *
 * A check reads the whole program (IR + summaries + model) and appends
 * findings; it runs on one thread and must not modify the IR except for
 * lock tables that the lock-state exploration extends. */
#ifndef HEDDLE_ANALYZER_REGISTRY_H
#define HEDDLE_ANALYZER_REGISTRY_H

#include "checks/finding.h"
#include "ir/ir.h"
#include "model/model.h"
#include "summary/summary.h"

typedef struct hd__check_ctx {
  hd__program *prog;
  const hd__summaries *sums;
  const hd__model *model;
} hd__check_ctx;

typedef int (*hd__check_fn)(const hd__check_ctx *cx, int rule, hd__findings *out);

typedef struct hd__rule {
  const char *id;
  const char *level; /* SARIF level: "error", "warning", "note" */
  const char *short_desc;
  const char *full_desc;
  hd__check_fn run;
} hd__rule;

#define HD_RULE(name, id, level, short_desc, full_desc)                                            \
  int hd__check_##name(const hd__check_ctx *cx, int rule, hd__findings *out);
#include "checks/rules.def"
#undef HD_RULE

extern const hd__rule hd__rules[];
extern const int hd__rule_count;
/* Index of rule `id`, or -1. */
int hd__rule_find(const char *id);

#endif
