/* checks/local_across_await.c - rule local-across-await.
 *
 * In a function that awaits, an automatic local written before an await
 * and read after it with no write in between (hd__node.acc: reads, writes,
 * address-taken; locals declared by a macro are not in the IR). Per local,
 * a breadth-first walk over (node, state) pairs, state being "not written",
 * "written since the last await" or "written before an await and not
 * since"; an await node turns the second into the third, and a read in the
 * third is the finding. The walk keeps parents, so the witness gives the
 * write and the await. Locals whose address is taken anywhere (`&v`, an
 * array passed on) are not followed: their value may live elsewhere. One
 * finding per local: the first such read on the shortest witness. The
 * argument of HD_AWAIT is evaluated before the await node, so reading a
 * local there is a read before the await. */
#include <stdlib.h>
#include <string.h>

#include "checks/registry.h"
#include "heddle/error.h"

enum { UNWRITTEN, FRESH, STALE, NSTATES };

typedef struct wstate {
  int node, state;
  int parent; /* index of the previous wstate, -1 at entry */
} wstate;

static bool has_await(const hd__function *fn) {
  for (int i = 0; i < fn->nnodes; i++)
    if (fn->nodes[i].ev == HD__EV_AWAIT)
      return true;
  return false;
}

/* The state of `var` after the accesses of node n from state s; *read is
 * set to the first access read while stale (or -1). */
static int step(const hd__node *n, const char *var, int s, int *read) {
  *read = -1;
  if (n->ev == HD__EV_AWAIT && s == FRESH)
    s = STALE;
  for (int i = 0; i < n->nacc; i++) {
    if (n->acc[i].var != var)
      continue;
    if (n->acc[i].kind == HD__ACC_WRITE)
      s = FRESH;
    else if (n->acc[i].kind == HD__ACC_READ && s == STALE && *read < 0)
      *read = i;
  }
  return s;
}

/* The last write of var at node n (its location), or n's location. */
static hd__loc write_loc(const hd__node *n, const char *var) {
  hd__loc loc = n->loc;
  for (int i = 0; i < n->nacc; i++)
    if (n->acc[i].var == var && n->acc[i].kind == HD__ACC_WRITE)
      loc = n->acc[i].loc;
  return loc;
}

static int report(int rule, const hd__function *fn, const char *var, const wstate *v, int q,
                  int read, hd__findings *out) {
  const hd__node *rn = &fn->nodes[v[q].node];
  const char *colon = strchr(var, ':');
  int len = colon ? (int)(colon - var) : (int)strlen(var);
  /* back along the witness: the await that made it stale, then the last
   * write before that await */
  int aw = -1, wr = -1;
  for (int i = q; i >= 0 && wr < 0; i = v[i].parent) {
    const hd__node *n = &fn->nodes[v[i].node];
    int before = v[i].parent >= 0 ? v[v[i].parent].state : UNWRITTEN;
    if (aw < 0) {
      if (n->ev == HD__EV_AWAIT && before == FRESH)
        aw = i;
      continue;
    }
    for (int k = 0; k < n->nacc && wr < 0; k++)
      if (n->acc[k].var == var && n->acc[k].kind == HD__ACC_WRITE)
        wr = i;
  }
  hd__finding *fd = hd__findings_add(
      out, rule, rn->acc[read].loc,
      hd__strf("local '%.*s' is read after an await; its value was lost when the task suspended",
               len, var));
  if (!fd)
    return HD_ENOMEM;
  if (wr >= 0)
    hd__finding_note(fd, write_loc(&fn->nodes[v[wr].node], var),
                     hd__strf("'%.*s' written here", len, var));
  if (aw >= 0)
    hd__finding_note(fd, fn->nodes[v[aw].node].loc,
                     hd__strf("the task may suspend here; locals do not survive"));
  return 0;
}

static int check_var(int rule, const hd__function *fn, const char *var, hd__findings *out) {
  size_t cap = (size_t)fn->nnodes * NSTATES + 1;
  wstate *v = malloc(sizeof *v * cap);
  int *seen = malloc(sizeof *seen * cap); /* index into v per (node, state), or -1 */
  if (!v || !seen) {
    free(v);
    free(seen);
    return HD_ENOMEM;
  }
  for (size_t i = 0; i < cap; i++)
    seen[i] = -1;
  int n = 0, rc = 0;
  v[n] = (wstate){0, UNWRITTEN, -1};
  seen[0 * NSTATES + UNWRITTEN] = n++;
  for (int q = 0; q < n; q++) {
    const hd__node *nd = &fn->nodes[v[q].node];
    int read;
    int s = step(nd, var, v[q].state, &read);
    v[q].state = s; /* the state after the node: what the parents show */
    if (read >= 0) {
      rc = report(rule, fn, var, v, q, read, out);
      break;
    }
    for (int i = 0; i < nd->nsucc; i++) {
      int key = nd->succ[i] * NSTATES + s;
      if (seen[key] >= 0)
        continue;
      seen[key] = n;
      v[n++] = (wstate){nd->succ[i], s, q};
    }
  }
  free(v);
  free(seen);
  return rc;
}

static int check_function(int rule, const hd__function *fn, hd__findings *out) {
  if (!has_await(fn))
    return 0;
  /* the locals, each once; those whose address is taken are left out */
  const char **vars = NULL;
  int nvars = 0, cap = 0, rc = 0;
  for (int i = 0; i < fn->nnodes && rc == 0; i++)
    for (int k = 0; k < fn->nodes[i].nacc; k++) {
      const char *var = fn->nodes[i].acc[k].var;
      bool known = false;
      for (int j = 0; j < nvars && !known; j++)
        known = vars[j] == var;
      if (known)
        continue;
      if (nvars == cap) {
        cap = cap ? cap * 2 : 16;
        const char **g = realloc(vars, sizeof *g * (size_t)cap);
        if (!g) {
          rc = HD_ENOMEM;
          break;
        }
        vars = g;
      }
      vars[nvars++] = var;
    }
  for (int j = 0; j < nvars && rc == 0; j++) {
    bool addr = false;
    for (int i = 0; i < fn->nnodes && !addr; i++)
      for (int k = 0; k < fn->nodes[i].nacc && !addr; k++)
        addr = fn->nodes[i].acc[k].var == vars[j] && fn->nodes[i].acc[k].kind == HD__ACC_ADDR;
    if (!addr)
      rc = check_var(rule, fn, vars[j], out);
  }
  free(vars);
  return rc;
}

int hd__check_local_across_await(const hd__check_ctx *cx, int rule, hd__findings *out) {
  for (int i = 0; i < hd__program_count(cx->prog); i++) {
    int rc = check_function(rule, hd__program_at(cx->prog, i), out);
    if (rc < 0)
      return rc;
  }
  return 0;
}
