/* model/pack.h - one rule pack file as libcyaml loads it (private to model/).
 *
 * The schema lives in pack.c as libcyaml schema tables; rules/schema.md
 * documents it for pack authors. A loaded pack is owned by the model and
 * freed with hd__pack_free(). */
#ifndef HEDDLE_ANALYZER_PACK_H
#define HEDDLE_ANALYZER_PACK_H

#include "model/model.h"

typedef struct hd__pack {
  char *name;
  char *description;
  hd__cancellation cancellation;
  char *resume_switch;
  char *poll_suffix;
  hd__lock_family *lock_families;
  unsigned lock_families_count;
  hd__api_fn *functions;
  unsigned functions_count;
  hd__api_type *types;
  unsigned types_count;
} hd__pack;

/* Loads path; on error prints the diagnostic and returns a negative code. */
int hd__pack_load(const char *path, hd__pack **out);
void hd__pack_free(hd__pack *p);

#endif
