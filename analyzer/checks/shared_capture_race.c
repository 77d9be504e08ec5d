/* checks/shared_capture_race.c - rule shared-capture-race.
 *
 * A lockset analysis over tasks. A spawn site is a CALL with pack role
 * spawn, kind multi (hd_spawn, hd_spawn_on; hd_spawn_local tasks share a
 * worker and are left out), whose future argument is `&t.hd` of a frame
 * type T whose poll function is in the program (hd__node.task_poll). The
 * spawner's plain `=` stores of pointers into t's fields before the spawn
 * (`t.st = f->st`, hd__mem.value) say what each frame pointer of the task
 * points to; a field stored with two different values is not followed.
 *
 * Accesses (hd__node.mem) are canonical lvalue texts. The task's accesses
 * through one of its frame's pointer fields, "(*(*$0).st).processed", are
 * re-rooted at the spawner by the stored value: "(*(*$0).st).processed" in
 * the spawner's own terms, so both views of one object compare equal.
 * Accesses to the task's own frame, through locals, through fields no
 * store names, to _Atomic objects, to parts of HD_SYNC structs, and
 * elements indexed by anything but a literal (`results[i]`: per-task slots)
 * are never paired. Two accesses race when they name the same object, at
 * least one writes, and no lock is in both locksets.
 *
 * Locksets are must-locksets (a forward dataflow, intersection at joins):
 * pthread and other pack locks (ACQUIRE / RELEASE nodes), and async guards:
 * an await of hd_mutex_lock_init / hd_rwlock_read_init / hd_rwlock_write_init
 * (l, m, guard) holds m until the release of its guard. A task's lock is
 * re-rooted like its accesses; a lock in the task's own frame exists once
 * per instance and is never common.
 *
 * Concurrency:
 *   - one spawn site in a loop (it reaches itself): two instances of the
 *     task, so the task's accesses pair among themselves;
 *   - two spawn sites A, B where B is reachable from A without awaiting A's
 *     join handle (an await of a future built from the handle): the tasks
 *     of A and B pair; the finding is at B's access;
 *   - the spawner after the spawn: a state graph over the spawner (before,
 *     running, joined); the spawn makes the task running, an await on its
 *     handle joins it, the NULL side of a test of the handle means no task
 *     was started. A spawner access in the running state that races with a
 *     task access is a target; hd__witness_find looks for a feasible path
 *     to it (dropped only when every path is refuted). A spawn in a loop
 *     whose handle is joined anywhere is not paired with its spawner
 *     (joins in a loop of their own need loop counting; known false
 *     negative).
 * One finding per racing pair of accesses, at the task's access (B's for
 * two sites), the other access and the spawn site as notes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "checks/registry.h"
#include "feasibility/witness.h"
#include "heddle/error.h"
#include "ir/lockid.h"

#define MAX_LOCKS 64

/* Async lock futures: (lock future, lock, guard) with the lock argument and
 * the guard argument (0-based). */
static const struct {
  const char *ctor;
  int lock, guard;
} async_locks[] = {
    {"hd_mutex_lock_init", 1, 2},
    {"hd_rwlock_read_init", 1, 2},
    {"hd_rwlock_write_init", 1, 2},
};

/* Must-locksets of one function. */
typedef struct flow {
  const hd__function *fn;
  const char *name[MAX_LOCKS]; /* lock ids (interned) by bit */
  int nname;
  const char *guard[MAX_LOCKS]; /* guard id of an async lock bit, or NULL */
  uint64_t *out;                /* held after each node's event */
  bool *reached;
} flow;

/* An access paired by the analysis. */
typedef struct acc {
  const hd__mem *m;
  const char *obj;    /* in the spawner's terms, interned */
  const char **locks; /* held, in the spawner's terms, interned */
  int nlocks;
} acc;

typedef struct site {
  const hd__function *sp; /* the spawner */
  int node;
  const hd__function *task;
  const char *frame;  /* the spawned frame object ("@t") */
  const char *handle; /* where the join handle is stored, or NULL */
  bool loop;
  const char **fld, **val; /* frame field -> stored pointer value (NULL: ambiguous) */
  int nfld;
  acc *acc;
  int nacc;
} site;

typedef struct pairkey {
  hd__loc a, b;
} pairkey;

typedef struct ctx {
  const hd__check_ctx *cx;
  int rule;
  hd__findings *out;
  pairkey *done;
  int ndone, capdone;
} ctx;

/* ---- locksets ---------------------------------------------------------- */

static int lock_bit(flow *f, const char *id, const char *guard) {
  for (int i = 0; i < f->nname; i++)
    if (f->name[i] == id && (!guard || f->guard[i] == guard))
      return i;
  if (f->nname == MAX_LOCKS || !id)
    return -1;
  f->name[f->nname] = id;
  f->guard[f->nname] = guard;
  return f->nname++;
}

/* The async lock an await takes (its lock future is built on the same
 * line just before it): the bit, or -1. */
static int await_lock(flow *f, int n) {
  const hd__function *fn = f->fn;
  const hd__node *a = &fn->nodes[n];
  if (a->ev != HD__EV_AWAIT)
    return -1;
  for (int i = n - 1; i > 0; i--) {
    const hd__node *c = &fn->nodes[i];
    if (c->loc.line != a->loc.line || c->loc.file != a->loc.file)
      break;
    if (c->ev != HD__EV_CALL || !c->callee)
      continue;
    const char *name = strrchr(c->callee, ':');
    name = name ? name + 1 : c->callee;
    for (size_t k = 0; k < sizeof async_locks / sizeof *async_locks; k++)
      if (strcmp(name, async_locks[k].ctor) == 0 && c->nargs > async_locks[k].guard &&
          c->args[async_locks[k].lock] && c->args[async_locks[k].guard])
        return lock_bit(f, c->args[async_locks[k].lock], c->args[async_locks[k].guard]);
  }
  return -1;
}

static uint64_t transfer(flow *f, int n, uint64_t in) {
  const hd__node *nd = &f->fn->nodes[n];
  if (nd->ev == HD__EV_ACQUIRE || nd->ev == HD__EV_RELEASE) {
    const char *id = f->fn->locks[nd->lock].id;
    int bit = lock_bit(f, id, NULL);
    if (nd->ev == HD__EV_ACQUIRE)
      return bit >= 0 ? in | (UINT64_C(1) << bit) : in;
    if (bit >= 0)
      in &= ~(UINT64_C(1) << bit);
    for (int i = 0; i < f->nname; i++)
      if (f->guard[i] == id)
        in &= ~(UINT64_C(1) << i);
    return in;
  }
  int bit = await_lock(f, n);
  return bit >= 0 ? in | (UINT64_C(1) << bit) : in;
}

static int flow_run(flow *f) {
  const hd__function *fn = f->fn;
  f->out = malloc(sizeof *f->out * ((size_t)fn->nnodes + 1));
  f->reached = calloc((size_t)fn->nnodes + 1, sizeof *f->reached);
  if (!f->out || !f->reached)
    return HD_ENOMEM;
  for (int i = 0; i < fn->nnodes; i++)
    f->out[i] = ~UINT64_C(0);
  /* in(n) = AND of out(p) over reached predecessors; iterate to a fixpoint */
  uint64_t *in = malloc(sizeof *in * ((size_t)fn->nnodes + 1));
  if (!in)
    return HD_ENOMEM;
  bool changed = true;
  f->reached[0] = true;
  while (changed) {
    changed = false;
    for (int i = 0; i < fn->nnodes; i++)
      in[i] = ~UINT64_C(0);
    in[0] = 0;
    for (int i = 0; i < fn->nnodes; i++)
      if (f->reached[i])
        for (int k = 0; k < fn->nodes[i].nsucc; k++)
          in[fn->nodes[i].succ[k]] &= f->out[i];
    for (int i = 0; i < fn->nnodes; i++) {
      if (!f->reached[i])
        continue;
      uint64_t o = transfer(f, i, in[i]);
      if (o != f->out[i]) {
        f->out[i] = o;
        changed = true;
      }
      for (int k = 0; k < fn->nodes[i].nsucc; k++)
        if (!f->reached[fn->nodes[i].succ[k]]) {
          f->reached[fn->nodes[i].succ[k]] = true;
          changed = true;
        }
    }
  }
  free(in);
  return 0;
}

static void flow_free(flow *f) {
  free(f->out);
  free(f->reached);
}

/* ---- re-rooting task terms at the spawner ------------------------------ */

static char *deref_text(const char *v) {
  return v[0] == '&' ? strdup(v + 1) : hd__strf("(*%s)", v);
}

/* Length of the identifier at s. */
static size_t ident_len(const char *s) {
  size_t n = 0;
  while (s[n] == '_' || (s[n] >= 'a' && s[n] <= 'z') || (s[n] >= 'A' && s[n] <= 'Z') ||
         (s[n] >= '0' && s[n] <= '9'))
    n++;
  return n;
}

static const char *field_value(const site *s, const char *name, size_t len) {
  for (int i = 0; i < s->nfld; i++)
    if (strlen(s->fld[i]) == len && strncmp(s->fld[i], name, len) == 0)
      return s->val[i];
  return NULL;
}

/* Task text p (an lvalue or a pointer) in the spawner's terms, or NULL:
 * the task's own frame or locals, or a field the spawner did not store.
 * Globals stay as they are when `globals`. */
static char *map_task(const site *s, const char *p, bool globals) {
  if (p[0] == '&') {
    char *m = map_task(s, p + 1, globals);
    char *out = m ? hd__strf("&%s", m) : NULL;
    free(m);
    return out;
  }
  static const char through[] = "(*(*$0).", own[] = "(*$0).";
  if (strncmp(p, through, sizeof through - 1) == 0) {
    const char *f = p + sizeof through - 1;
    size_t n = ident_len(f);
    const char *v = n ? field_value(s, f, n) : NULL;
    if (!v || f[n] != ')')
      return NULL;
    char *d = deref_text(v);
    char *out = d ? hd__strf("%s%s", d, f + n + 1) : NULL;
    free(d);
    return out;
  }
  if (strncmp(p, own, sizeof own - 1) == 0) {
    const char *f = p + sizeof own - 1;
    size_t n = ident_len(f);
    const char *v = n && f[n] == '\0' ? field_value(s, f, n) : NULL;
    return v ? strdup(v) : NULL; /* a pointer field's value, else per instance */
  }
  if (!globals || strpbrk(p, "$@"))
    return NULL;
  return strdup(p);
}

/* Every subscript of text p is a literal. */
static bool literal_indexes(const char *p) {
  for (const char *q = strchr(p, '['); q; q = strchr(q + 1, '[')) {
    const char *d = q + 1;
    while (*d >= '0' && *d <= '9')
      d++;
    if (d == q + 1 || *d != ']')
      return false;
  }
  return true;
}

static bool pairable(const hd__mem *m) {
  return !m->atomic && !m->sync && literal_indexes(m->obj);
}

/* Held locks of node n (flow f) as interned texts, re-rooted when s. */
static int held_locks(const hd__check_ctx *cx, const flow *f, int n, const site *s,
                      const char ***out) {
  *out = NULL;
  uint64_t held = f->reached[n] ? f->out[n] : 0;
  int k = 0;
  const char **v = calloc(MAX_LOCKS, sizeof *v);
  if (!v)
    return HD_ENOMEM;
  for (int i = 0; i < f->nname; i++) {
    if (!(held >> i & 1))
      continue;
    if (!s) {
      v[k++] = f->name[i];
      continue;
    }
    char *m = map_task(s, f->name[i], true);
    if (m)
      v[k++] = hd__program_intern(cx->prog, m);
    free(m);
  }
  *out = v;
  return k;
}

static bool common_lock(const acc *a, const acc *b) {
  for (int i = 0; i < a->nlocks; i++)
    for (int j = 0; j < b->nlocks; j++)
      if (a->locks[i] && a->locks[i] == b->locks[j])
        return true;
  return false;
}

static bool races(const acc *a, const acc *b) {
  return a->obj == b->obj && (a->m->kind == HD__ACC_WRITE || b->m->kind == HD__ACC_WRITE) &&
         !common_lock(a, b);
}

/* ---- spawn sites ------------------------------------------------------- */

static const hd__function *find_poll(const hd__check_ctx *cx, const hd__function *sp,
                                     const char *name) {
  const hd__function *any = NULL;
  for (int i = 0; i < hd__program_count(cx->prog); i++) {
    const hd__function *fn = hd__program_at(cx->prog, i);
    if (strcmp(fn->name, name) != 0)
      continue;
    if (!fn->is_static || fn->loc.file == sp->loc.file)
      return fn;
    if (!any)
      any = fn;
  }
  return any;
}

/* The frame object of a spawn's future argument: "&@t.hd" -> "@t". */
static const char *frame_of(const hd__check_ctx *cx, const hd__node *n) {
  unsigned a = n->api->future_arg;
  if (a < 1 || (int)a > n->nargs || !n->args[a - 1] || n->args[a - 1][0] != '&')
    return NULL;
  char *t = strdup(n->args[a - 1] + 1);
  char *dot = t ? strrchr(t, '.') : NULL;
  const char *out = NULL;
  if (dot && dot > t && !strpbrk(dot, ")]")) {
    *dot = '\0';
    out = hd__program_intern(cx->prog, t);
  }
  free(t);
  return out;
}

/* An await of a future built from `handle` (the join). */
static bool is_join(const hd__function *fn, int n, const char *handle) {
  const hd__node *a = &fn->nodes[n];
  if (!handle || a->ev != HD__EV_AWAIT)
    return false;
  for (int i = n - 1; i > 0; i--) {
    const hd__node *c = &fn->nodes[i];
    if (c->loc.line != a->loc.line || c->loc.file != a->loc.file)
      break;
    for (int k = 0; c->ev == HD__EV_CALL && k < c->nargs; k++)
      if (c->args[k] == handle)
        return true;
  }
  return false;
}

static bool any_join(const hd__function *fn, const char *handle) {
  for (int i = 0; i < fn->nnodes; i++)
    if (is_join(fn, i, handle))
      return true;
  return false;
}

/* `to` is reachable from the successors of `from` without a join of
 * `handle`. */
static bool reaches(const hd__function *fn, int from, int to, const char *handle) {
  bool *seen = calloc((size_t)fn->nnodes + 1, sizeof *seen);
  int *queue = malloc(sizeof *queue * ((size_t)fn->nnodes + 1));
  bool found = false;
  int qt = 0;
  if (!seen || !queue)
    goto out;
  for (int k = 0; k < fn->nodes[from].nsucc; k++) {
    int s = fn->nodes[from].succ[k];
    if (!seen[s]) {
      seen[s] = true;
      queue[qt++] = s;
    }
  }
  for (int qh = 0; qh < qt && !found; qh++) {
    int q = queue[qh];
    if (q == to) {
      found = true;
      break;
    }
    if (is_join(fn, q, handle))
      continue;
    for (int k = 0; k < fn->nodes[q].nsucc; k++) {
      int s = fn->nodes[q].succ[k];
      if (!seen[s]) {
        seen[s] = true;
        queue[qt++] = s;
      }
    }
  }
out:
  free(seen);
  free(queue);
  return found;
}

static void site_free(site *s) {
  free(s->fld);
  free(s->val);
  for (int i = 0; i < s->nacc; i++)
    free(s->acc[i].locks);
  free(s->acc);
}

static int add_field(site *s, const char *name, const char *value) {
  for (int i = 0; i < s->nfld; i++)
    if (strcmp(s->fld[i], name) == 0) {
      if (s->val[i] != value)
        s->val[i] = NULL; /* two different values: not followed */
      return 0;
    }
  const char **f = realloc(s->fld, sizeof *f * ((size_t)s->nfld + 1));
  if (!f)
    return HD_ENOMEM;
  s->fld = f;
  const char **v = realloc(s->val, sizeof *v * ((size_t)s->nfld + 1));
  if (!v)
    return HD_ENOMEM;
  s->val = v;
  s->fld[s->nfld] = name;
  s->val[s->nfld++] = value;
  return 0;
}

/* Fills s from spawn node n of spawner sp; 1 when it is a site. */
static int site_init(const hd__check_ctx *cx, site *s, const hd__function *sp, int n) {
  const hd__node *nd = &sp->nodes[n];
  memset(s, 0, sizeof *s);
  if (nd->ev != HD__EV_CALL || !nd->api || nd->api->role != HD__ROLE_SPAWN ||
      nd->api->spawn != HD__SPAWN_MULTI || !nd->task_poll)
    return 0;
  s->sp = sp;
  s->node = n;
  s->task = find_poll(cx, sp, nd->task_poll);
  s->frame = frame_of(cx, nd);
  if (!s->task || !s->frame)
    return 0;
  for (int k = 0; k < nd->nmem; k++)
    if (nd->mem[k].kind == HD__ACC_WRITE) {
      s->handle = nd->mem[k].obj; /* `h = hd_spawn(...)` */
      break;
    }
  s->loop = reaches(sp, n, n, NULL);
  size_t fl = strlen(s->frame);
  for (int i = 0; i < sp->nnodes; i++)
    for (int k = 0; k < sp->nodes[i].nmem; k++) {
      const hd__mem *m = &sp->nodes[i].mem[k];
      if (m->kind != HD__ACC_WRITE || !m->value || strncmp(m->obj, s->frame, fl) != 0 ||
          m->obj[fl] != '.' || ident_len(m->obj + fl + 1) != strlen(m->obj + fl + 1))
        continue;
      const char *name = m->obj + fl + 1;
      if (add_field(s, name, m->value) < 0)
        return HD_ENOMEM;
    }
  return 1;
}

/* The task's pairable accesses in the spawner's terms. */
static int site_accesses(const hd__check_ctx *cx, site *s) {
  flow f = {.fn = s->task};
  int rc = flow_run(&f);
  const hd__function *fn = s->task;
  for (int i = 0; i < fn->nnodes && rc == 0; i++)
    for (int k = 0; k < fn->nodes[i].nmem && rc == 0; k++) {
      const hd__mem *m = &fn->nodes[i].mem[k];
      if (!f.reached[i] || !pairable(m) || strncmp(m->obj, "(*(*$0).", 8) != 0)
        continue;
      char *obj = map_task(s, m->obj, false);
      if (!obj || !literal_indexes(obj)) {
        free(obj);
        continue;
      }
      acc *grown = realloc(s->acc, sizeof *grown * ((size_t)s->nacc + 1));
      if (!grown) {
        free(obj);
        rc = HD_ENOMEM;
        break;
      }
      s->acc = grown;
      acc *a = &s->acc[s->nacc++];
      a->m = m;
      a->obj = hd__program_intern(cx->prog, obj);
      free(obj);
      int nl = held_locks(cx, &f, i, s, &a->locks);
      a->nlocks = nl < 0 ? 0 : nl;
      if (nl < 0)
        rc = nl;
    }
  flow_free(&f);
  return rc;
}

/* ---- reporting --------------------------------------------------------- */

static char *pretty(const hd__function *fn, const char *id) {
  return hd__lockid_pretty(id, fn->params, fn->nparams);
}

static char *task_name(const ctx *C, const hd__function *fn) {
  const char *suffix = hd__model_poll_suffix(C->cx->model);
  size_t n = strlen(fn->name), sl = suffix ? strlen(suffix) : 0;
  if (sl && n > sl && strcmp(fn->name + n - sl, suffix) == 0)
    n -= sl;
  return hd__strf("%.*s", (int)n, fn->name);
}

/* Lock ids as fn writes them, for messages. */
static char *lockset_text(const hd__function *fn, const char *const *raw, int nraw) {
  if (nraw == 0)
    return strdup("none");
  char *out = NULL;
  for (int i = 0; i < nraw; i++) {
    char *p = pretty(fn, raw[i]);
    char *next = hd__strf("%s%s%s", out ? out : "", out ? ", " : "", p ? p : raw[i]);
    free(p);
    free(out);
    out = next;
  }
  return out;
}

static bool loc_eq(hd__loc a, hd__loc b) {
  return a.file == b.file && a.line == b.line && a.col == b.col;
}

/* True (and remembered) when the pair was not reported yet. */
static bool first_time(ctx *C, hd__loc a, hd__loc b) {
  for (int i = 0; i < C->ndone; i++)
    if ((loc_eq(C->done[i].a, a) && loc_eq(C->done[i].b, b)) ||
        (loc_eq(C->done[i].a, b) && loc_eq(C->done[i].b, a)))
      return false;
  if (C->ndone == C->capdone) {
    int cap = C->capdone ? C->capdone * 2 : 16;
    pairkey *g = realloc(C->done, sizeof *g * (size_t)cap);
    if (!g)
      return true;
    C->done = g;
    C->capdone = cap;
  }
  C->done[C->ndone++] = (pairkey){a, b};
  return true;
}

static const char *verb(const hd__mem *m) {
  return m->kind == HD__ACC_WRITE ? "written" : "read";
}

static const char *noun(const hd__mem *m) {
  return m->kind == HD__ACC_WRITE ? "write" : "read";
}

/* The locks held at access m of fn, as fn writes them (for messages). */
static char *locks_at(const hd__function *fn, const hd__mem *m) {
  const char *raw[MAX_LOCKS];
  int nraw = 0;
  flow f = {.fn = fn};
  if (flow_run(&f) == 0)
    for (int i = 0; i < fn->nnodes; i++)
      if (m >= fn->nodes[i].mem && m < fn->nodes[i].mem + fn->nodes[i].nmem) {
        for (int b = 0; b < f.nname && f.reached[i]; b++)
          if (f.out[i] >> b & 1)
            raw[nraw++] = f.name[b];
        break;
      }
  flow_free(&f);
  return lockset_text(fn, raw, nraw);
}

/* Reports the race of task access p (primary, in task pt of site ps) with
 * other access o (in function ofn). kind: 0 another instance, 1 another
 * task, 2 the spawner. */
static int report(ctx *C, const site *ps, const acc *p, const hd__function *ofn, const acc *o,
                  int kind, const site *os) {
  if (!first_time(C, p->m->loc, o->m->loc))
    return 0;
  char *what = pretty(ps->task, p->m->obj);
  char *tn = task_name(C, ps->task);
  char *on = task_name(C, ofn);
  const hd__node *sn = &ps->sp->nodes[ps->node];
  char *plocks = locks_at(ps->task, p->m);
  char *olocks = locks_at(ofn, o->m);
  char *msg;
  bool same = loc_eq(p->m->loc, o->m->loc);
  if (kind == 0)
    msg = same ? hd__strf("'%s' %s by task '%s' races with the same %s in another instance of "
                          "it (spawned in a loop at line %d)",
                          what, verb(p->m), tn, noun(o->m), sn->loc.line)
               : hd__strf("'%s' %s by task '%s' races with the %s at line %d in another "
                          "instance of it (spawned in a loop at line %d)",
                          what, verb(p->m), tn, noun(o->m), o->m->loc.line, sn->loc.line);
  else if (kind == 1)
    msg = hd__strf("'%s' %s by task '%s' races with the %s at line %d by task '%s' (spawned "
                   "at line %d); no lock is held at both",
                   what, verb(p->m), tn, noun(o->m), o->m->loc.line, on,
                   os->sp->nodes[os->node].loc.line);
  else
    msg = hd__strf("'%s' %s by task '%s' races with the %s at line %d by its spawner '%s', "
                   "before the task is joined",
                   what, verb(p->m), tn, noun(o->m), o->m->loc.line, on);
  hd__finding *fd = hd__findings_add(C->out, C->rule, p->m->loc, msg);
  int rc = fd ? 0 : HD_ENOMEM;
  if (fd) {
    char *ow = pretty(ofn, o->m->obj);
    hd__finding_note(fd, sn->loc,
                     ps->loop ? hd__strf("spawned here, in a loop: several instances run at once")
                              : hd__strf("task '%s' spawned here", tn));
    if (kind == 1)
      hd__finding_note(fd, os->sp->nodes[os->node].loc,
                       hd__strf("task '%s' spawned here, still running", on));
    hd__finding_note(fd, o->m->loc,
                     hd__strf("'%s' %s here%s (locks held: %s)", ow ? ow : o->m->obj, verb(o->m),
                              kind == 0 ? " by another instance" : "", olocks ? olocks : "none"));
    hd__finding_note(fd, p->m->loc,
                     hd__strf("'%s' %s here (locks held: %s); no common lock", what, verb(p->m),
                              plocks ? plocks : "none"));
    hd__finding_step(fd, sn->loc, hd__strf("task '%s' spawned", tn));
    hd__finding_step(fd, o->m->loc, hd__strf("'%s' %s", ow ? ow : o->m->obj, verb(o->m)));
    hd__finding_step(fd, p->m->loc, hd__strf("'%s' %s concurrently", what, verb(p->m)));
    free(ow);
  }
  free(plocks);
  free(olocks);
  free(what);
  free(tn);
  free(on);
  return rc;
}

/* Pairs of two task access lists; primary from b. */
static int pair_tasks(ctx *C, const site *sa, const site *sb, int kind) {
  for (int pass = 0; pass < 2; pass++) /* writes first: they name the race */
    for (int j = 0; j < sb->nacc; j++) {
      const acc *p = &sb->acc[j];
      if ((p->m->kind == HD__ACC_WRITE) != (pass == 0))
        continue;
      for (int i = 0; i < 2 * sa->nacc; i++) {
        const acc *o = &sa->acc[i % sa->nacc];
        if ((o->m->kind == HD__ACC_WRITE) != (i < sa->nacc) || !races(p, o))
          continue;
        int rc = report(C, sb, p, sa->task, o, kind, sa);
        if (rc < 0)
          return rc;
      }
    }
  return 0;
}

/* ---- the spawner after the spawn --------------------------------------- */

enum { BEFORE, RUNNING, JOINED, NST };

/* The successor index of a BRANCH that tests `name` (the handle) against
 * NULL and finds it NULL, or -1. */
static const hd__fexpr *uncast(const hd__fexpr *e) {
  while (e && e->op == HD__FOP_CAST)
    e = e->a;
  return e;
}

static bool is_var(const hd__fexpr *e, const char *name) {
  e = uncast(e);
  return e && e->op == HD__FOP_VAR && e->name && strcmp(e->name, name) == 0;
}

static bool is_zero(const hd__fexpr *e) {
  e = uncast(e);
  return e && e->op == HD__FOP_CONST && e->value == 0;
}

static int null_edge(const hd__node *n, const char *name) {
  const hd__fexpr *c = uncast(n->cond);
  if (n->ev != HD__EV_BRANCH || n->nsucc != 2 || !c || !name)
    return -1;
  if (is_var(c, name))
    return 1;
  if (c->op == HD__FOP_LNOT && is_var(c->a, name))
    return 0;
  if ((c->op == HD__FOP_NE || c->op == HD__FOP_EQ) &&
      ((is_var(c->a, name) && is_zero(c->b)) || (is_zero(c->a) && is_var(c->b, name))))
    return c->op == HD__FOP_NE ? 1 : 0;
  return -1;
}

typedef struct sgraph {
  const hd__function *fn;
  int n;
  int *node, *st, *seen;
} sgraph;

static int sstep(const site *s, const hd__function *fn, int n, int st) {
  if (n == s->node)
    return RUNNING;
  if (st == RUNNING && is_join(fn, n, s->handle))
    return JOINED;
  return st;
}

static int sedge(const hd__node *nd, int i, int st, const char *hname) {
  return st == RUNNING && null_edge(nd, hname) == i ? JOINED : st;
}

static int sgraph_build(sgraph *g, const site *s, const char *hname) {
  const hd__function *fn = g->fn;
  size_t cap = (size_t)fn->nnodes * NST + 1;
  g->node = malloc(sizeof *g->node * cap);
  g->st = malloc(sizeof *g->st * cap);
  g->seen = malloc(sizeof *g->seen * cap);
  if (!g->node || !g->st || !g->seen)
    return HD_ENOMEM;
  for (size_t i = 0; i < cap; i++)
    g->seen[i] = -1;
  g->n = 1;
  g->node[0] = 0;
  g->st[0] = BEFORE;
  g->seen[BEFORE] = 0;
  for (int q = 0; q < g->n; q++) {
    const hd__node *nd = &fn->nodes[g->node[q]];
    int out = sstep(s, fn, g->node[q], g->st[q]);
    for (int i = 0; i < nd->nsucc; i++) {
      int st = sedge(nd, i, out, hname);
      int key = nd->succ[i] * NST + st;
      if (g->seen[key] >= 0)
        continue;
      g->seen[key] = g->n;
      g->node[g->n] = nd->succ[i];
      g->st[g->n++] = st;
    }
  }
  return 0;
}

static void sgraph_free(sgraph *g) {
  free(g->node);
  free(g->st);
  free(g->seen);
}

/* Can the spawner reach node `target` with the task running? */
static hd__fverdict running_at(const sgraph *g, const site *s, int target, const char *hname) {
  const hd__function *fn = g->fn;
  int edges = 0;
  for (int q = 0; q < g->n; q++)
    edges += fn->nodes[g->node[q]].nsucc;
  int *start = malloc(sizeof *start * ((size_t)g->n + 1));
  int *to = malloc(sizeof *to * ((size_t)edges + 1));
  int *pos = malloc(sizeof *pos * ((size_t)edges + 1));
  bool *tg = malloc(sizeof *tg * ((size_t)g->n + 1));
  hd__fverdict v = HD__FUNKNOWN;
  bool any = false;
  if (start && to && pos && tg) {
    int e = 0;
    for (int q = 0; q < g->n; q++) {
      const hd__node *nd = &fn->nodes[g->node[q]];
      int out = sstep(s, fn, g->node[q], g->st[q]);
      start[q] = e;
      tg[q] = g->node[q] == target && out == RUNNING;
      any |= tg[q];
      for (int i = 0; i < nd->nsucc; i++) {
        to[e] = g->seen[nd->succ[i] * NST + sedge(nd, i, out, hname)];
        pos[e++] = i;
      }
    }
    start[g->n] = e;
    if (!any) {
      v = HD__INFEASIBLE;
    } else {
      hd__fsolver *z3 = hd__fsolver_thread();
      hd__wgraph wg = {fn, g->n, g->node, start, to, pos, tg};
      v = z3 ? hd__witness_find(z3, &wg, NULL, NULL) : HD__FUNKNOWN;
    }
  }
  free(start);
  free(to);
  free(pos);
  free(tg);
  return v;
}

static int pair_spawner(ctx *C, const site *s, const flow *sf) {
  const hd__function *fn = s->sp;
  if (s->nacc == 0 || (s->loop && any_join(fn, s->handle)))
    return 0;
  char *hname = s->handle ? pretty(fn, s->handle) : NULL;
  sgraph g = {.fn = fn};
  int rc = sgraph_build(&g, s, hname);
  for (int n = 0; n < fn->nnodes && rc == 0; n++) {
    const hd__node *nd = &fn->nodes[n];
    /* the spawner's racing accesses at this node */
    acc *mine = calloc((size_t)nd->nmem + 1, sizeof *mine);
    int nmine = 0;
    if (!mine) {
      rc = HD_ENOMEM;
      break;
    }
    for (int k = 0; k < nd->nmem && rc == 0; k++) {
      const hd__mem *m = &nd->mem[k];
      if (!pairable(m))
        continue;
      acc a = {.m = m, .obj = m->obj};
      int nl = held_locks(C->cx, sf, n, NULL, &a.locks);
      a.nlocks = nl < 0 ? 0 : nl;
      bool hit = false;
      for (int j = 0; j < s->nacc && !hit; j++)
        hit = races(&s->acc[j], &a);
      if (hit)
        mine[nmine++] = a;
      else
        free(a.locks);
    }
    if (nmine > 0 && running_at(&g, s, n, hname) != HD__INFEASIBLE) {
      for (int pass = 0; pass < 2 && rc == 0; pass++)
        for (int j = 0; j < s->nacc && rc == 0; j++) {
          const acc *p = &s->acc[j];
          if ((p->m->kind == HD__ACC_WRITE) != (pass == 0))
            continue;
          for (int k = 0; k < nmine && rc == 0; k++)
            if (races(p, &mine[k]))
              rc = report(C, s, p, fn, &mine[k], 2, NULL);
        }
    }
    for (int k = 0; k < nmine; k++)
      free(mine[k].locks);
    free(mine);
  }
  sgraph_free(&g);
  free(hname);
  return rc;
}

/* ---- per spawner ------------------------------------------------------- */

static int check_spawner(ctx *C, const hd__function *fn) {
  site *sites = NULL;
  int nsites = 0, rc = 0;
  for (int n = 0; n < fn->nnodes && rc == 0; n++) {
    const hd__node *nd = &fn->nodes[n];
    if (nd->ev != HD__EV_CALL || !nd->api || nd->api->role != HD__ROLE_SPAWN)
      continue;
    site s;
    int is = site_init(C->cx, &s, fn, n);
    if (is == 1)
      is = site_accesses(C->cx, &s) < 0 ? HD_ENOMEM : 1;
    if (is < 0) {
      site_free(&s);
      rc = is;
      break;
    }
    if (is == 0) {
      site_free(&s);
      continue;
    }
    site *grown = realloc(sites, sizeof *grown * ((size_t)nsites + 1));
    if (!grown) {
      site_free(&s);
      rc = HD_ENOMEM;
      break;
    }
    sites = grown;
    sites[nsites++] = s;
  }
  flow sf = {.fn = fn};
  if (rc == 0 && nsites > 0)
    rc = flow_run(&sf);
  for (int b = 0; b < nsites && rc == 0; b++) {
    if (sites[b].loop)
      rc = pair_tasks(C, &sites[b], &sites[b], 0);
    for (int a = 0; a < nsites && rc == 0; a++)
      if (a != b && sites[a].node != sites[b].node &&
          reaches(fn, sites[a].node, sites[b].node, sites[a].handle) &&
          !(reaches(fn, sites[b].node, sites[a].node, sites[b].handle) && a > b))
        rc = pair_tasks(C, &sites[a], &sites[b], 1);
    if (rc == 0)
      rc = pair_spawner(C, &sites[b], &sf);
  }
  flow_free(&sf);
  for (int i = 0; i < nsites; i++)
    site_free(&sites[i]);
  free(sites);
  return rc;
}

int hd__check_shared_capture_race(const hd__check_ctx *cx, int rule, hd__findings *out) {
  ctx C = {.cx = cx, .rule = rule, .out = out};
  int rc = 0;
  for (int i = 0; i < hd__program_count(cx->prog) && rc == 0; i++)
    rc = check_spawner(&C, hd__program_at(cx->prog, i));
  free(C.done);
  return rc;
}
