/* model/model.c - the API model: packs merged into lookup tables. */
#include "model/model.h"

#include <stdlib.h>
#include <string.h>

#include "heddle/error.h"
#include "model/pack.h"

struct hd__model {
  hd__pack **packs;
  int npacks;
};

static const char *const role_names[HD__ROLE_COUNT] = {
    "await",    "suspending",      "lock_acquire", "lock_release", "lock_try",
    "noreturn", "blocking",        "spawn",        "block_on",     "cancelling",
    "future",   "runtime_current", "thread_bound",
};

const char *hd__role_name(hd__role r) {
  return r < HD__ROLE_COUNT ? role_names[r] : "?";
}

hd__model *hd__model_new(void) {
  return calloc(1, sizeof(hd__model));
}

void hd__model_free(hd__model *m) {
  if (!m)
    return;
  for (int i = 0; i < m->npacks; i++)
    hd__pack_free(m->packs[i]);
  free(m->packs);
  free(m);
}

int hd__model_load_pack(hd__model *m, const char *path) {
  hd__pack *p = NULL;
  int rc = hd__pack_load(path, &p);
  if (rc < 0)
    return rc;
  hd__pack **grown = realloc(m->packs, sizeof *grown * (size_t)(m->npacks + 1));
  if (!grown) {
    hd__pack_free(p);
    return HD_ENOMEM;
  }
  m->packs = grown;
  m->packs[m->npacks++] = p;
  return 0;
}

/* Later packs override earlier ones, so a project pack can refine a bundled
 * one; hence the reverse scan. Packs hold tens of entries: a scan is cheap
 * and the IR builder caches results per callee. */
const hd__api_fn *hd__model_lookup(const hd__model *m, const char *name) {
  for (int i = m->npacks - 1; i >= 0; i--)
    for (unsigned j = 0; j < m->packs[i]->functions_count; j++) {
      const hd__api_fn *f = &m->packs[i]->functions[j];
      if (f->name && strcmp(f->name, name) == 0)
        return f;
    }
  return NULL;
}

const hd__api_fn *hd__model_lookup_annotation(const hd__model *m, const char *annotation) {
  for (int i = m->npacks - 1; i >= 0; i--)
    for (unsigned j = 0; j < m->packs[i]->functions_count; j++) {
      const hd__api_fn *f = &m->packs[i]->functions[j];
      if (f->annotation && strcmp(f->annotation, annotation) == 0)
        return f;
    }
  return NULL;
}

const hd__api_type *hd__model_lookup_type(const hd__model *m, const char *name) {
  for (int i = m->npacks - 1; i >= 0; i--)
    for (unsigned j = 0; j < m->packs[i]->types_count; j++)
      if (strcmp(m->packs[i]->types[j].name, name) == 0)
        return &m->packs[i]->types[j];
  return NULL;
}

const char *hd__model_resume_member(const hd__model *m) {
  for (int i = m->npacks - 1; i >= 0; i--)
    if (m->packs[i]->resume_switch)
      return m->packs[i]->resume_switch;
  return NULL;
}

const char *hd__model_poll_suffix(const hd__model *m) {
  for (int i = m->npacks - 1; i >= 0; i--)
    if (m->packs[i]->poll_suffix)
      return m->packs[i]->poll_suffix;
  return NULL;
}
