/* output/text.c - clang-style diagnostics:
 *     file:line:col: warning: message [rule-id]
 *     file:line:col: note: ...                                         */
#include "checks/registry.h"
#include "output/output.h"

void hd__text_write(FILE *out, const hd__findings *fs, const hd__report *r) {
  for (int i = 0; i < fs->n; i++) {
    const hd__finding *f = &fs->v[i];
    if (f->suppressed)
      continue;
    const hd__rule *rule = &hd__rules[f->rule];
    fprintf(out, "%s:%d:%d: %s: %s [%s]\n", hd__path_relative(f->loc.file, r->cwd), f->loc.line,
            f->loc.col, f->level ? f->level : rule->level, f->msg, rule->id);
    for (int n = 0; n < f->nnotes; n++)
      fprintf(out, "%s:%d:%d: note: %s\n", hd__path_relative(f->notes[n].loc.file, r->cwd),
              f->notes[n].loc.line, f->notes[n].loc.col, f->notes[n].msg);
  }
}
