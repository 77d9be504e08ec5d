/* output/json.c - heddle's own JSON report (for scripts and --baseline):
 *   {"tool": "heddle", "version": ..., "findings": [{"rule", "level",
 *    "message", "file", "line", "column", "fingerprint", "suppressed",
 *    "justification"?, "notes": [{"file", "line", "column", "message"}],
 *    "flow": [the witness step by step, same shape as notes]}],
 *    "errors": [file...]}
 * Paths are absolute. */
#include <jansson.h>

#include "checks/registry.h"
#include "heddle/error.h"
#include "output/output.h"

int hd__json_write(FILE *out, const hd__findings *fs, const hd__report *r) {
  json_t *root = json_object();
  json_t *arr = json_array();
  json_object_set_new(root, "tool", json_string("heddle"));
  json_object_set_new(root, "version", json_string(HEDDLE_VERSION));
  for (int i = 0; i < fs->n; i++) {
    const hd__finding *f = &fs->v[i];
    json_t *o =
        json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:s?, s:b}", "rule", hd__rules[f->rule].id,
                  "level", f->level ? f->level : hd__rules[f->rule].level, "message", f->msg,
                  "file", f->loc.file, "line", f->loc.line, "column", f->loc.col, "fingerprint",
                  f->fingerprint, "suppressed", f->suppressed);
    if (!o)
      continue;
    if (f->suppressed)
      json_object_set_new(o, "justification", json_string(f->suppression ? f->suppression : ""));
    json_t *notes = json_array();
    for (int n = 0; n < f->nnotes; n++)
      json_array_append_new(notes, json_pack("{s:s, s:i, s:i, s:s}", "file", f->notes[n].loc.file,
                                             "line", f->notes[n].loc.line, "column",
                                             f->notes[n].loc.col, "message", f->notes[n].msg));
    json_object_set_new(o, "notes", notes);
    json_t *flow = json_array();
    for (int n = 0; n < f->nflow; n++)
      json_array_append_new(flow, json_pack("{s:s, s:i, s:i, s:s}", "file", f->flow[n].loc.file,
                                            "line", f->flow[n].loc.line, "column",
                                            f->flow[n].loc.col, "message", f->flow[n].msg));
    json_object_set_new(o, "flow", flow);
    json_array_append_new(arr, o);
  }
  json_object_set_new(root, "findings", arr);
  json_t *errors = json_array();
  for (int i = 0; i < r->failed_tus; i++)
    json_array_append_new(errors, json_string(r->failed[i]));
  json_object_set_new(root, "errors", errors);
  int rc = json_dumpf(root, out, JSON_INDENT(2)) == 0 ? 0 : HD_EIO;
  fputc('\n', out);
  json_decref(root);
  return rc;
}
