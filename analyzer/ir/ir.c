/* ir/ir.c - program, function and node storage. */
#include "ir/ir.h"

#include <pthread.h>
#include <search.h>
#include <stdlib.h>
#include <string.h>

#include "heddle/error.h"

struct hd__program {
  pthread_mutex_t mu; /* guards strings and fns during the parse */
  void *strings;      /* tsearch tree of owned char * */
  hd__function **fns;
  int nfns, capfns;
};

hd__program *hd__program_new(void) {
  hd__program *p = calloc(1, sizeof *p);
  if (p)
    pthread_mutex_init(&p->mu, NULL);
  return p;
}

static void free_string(void *s) {
  free(s);
}

void hd__program_free(hd__program *p) {
  if (!p)
    return;
  for (int i = 0; i < p->nfns; i++)
    hd__function_free(p->fns[i]);
  free(p->fns);
  tdestroy(p->strings, free_string);
  pthread_mutex_destroy(&p->mu);
  free(p);
}

static int cmp_str(const void *a, const void *b) {
  return strcmp(a, b);
}

const char *hd__program_intern(hd__program *p, const char *s) {
  pthread_mutex_lock(&p->mu);
  const char *out = NULL;
  void **found = tfind(s, &p->strings, cmp_str);
  if (found) {
    out = *found;
  } else {
    char *copy = strdup(s);
    if (copy && tsearch(copy, &p->strings, cmp_str))
      out = copy;
    else
      free(copy);
  }
  pthread_mutex_unlock(&p->mu);
  return out;
}

int hd__program_add(hd__program *p, hd__function *fn) {
  int rc = 0;
  pthread_mutex_lock(&p->mu);
  if (p->nfns == p->capfns) {
    int cap = p->capfns ? p->capfns * 2 : 64;
    hd__function **grown = realloc(p->fns, sizeof *grown * (size_t)cap);
    if (!grown)
      rc = HD_ENOMEM;
    else {
      p->fns = grown;
      p->capfns = cap;
    }
  }
  if (rc == 0)
    p->fns[p->nfns++] = fn;
  pthread_mutex_unlock(&p->mu);
  return rc;
}

static int cmp_fn(const void *a, const void *b) {
  const hd__function *x = *(hd__function *const *)a, *y = *(hd__function *const *)b;
  int c = strcmp(x->key, y->key);
  if (c == 0)
    c = strcmp(x->loc.file, y->loc.file);
  if (c == 0)
    c = x->loc.line - y->loc.line;
  return c;
}

void hd__program_index(hd__program *p) {
  if (p->nfns > 0)
    qsort(p->fns, (size_t)p->nfns, sizeof *p->fns, cmp_fn);
}

int hd__program_count(const hd__program *p) {
  return p->nfns;
}

hd__function *hd__program_at(const hd__program *p, int i) {
  return p->fns[i];
}

hd__function *hd__program_find(const hd__program *p, const char *key) {
  int lo = 0, hi = p->nfns;
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    if (strcmp(p->fns[mid]->key, key) < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return lo < p->nfns && strcmp(p->fns[lo]->key, key) == 0 ? p->fns[lo] : NULL;
}

hd__function *hd__function_new(const char *key, const char *name, hd__loc loc, bool is_static) {
  hd__function *fn = calloc(1, sizeof *fn);
  if (!fn)
    return NULL;
  fn->key = key;
  fn->name = name;
  fn->loc = loc;
  fn->is_static = is_static;
  fn->exit = -1;
  fn->suspend = -1;
  if (hd__function_add_node(fn, HD__EV_NONE, loc) < 0) {
    free(fn);
    return NULL;
  }
  return fn;
}

void hd__function_free(hd__function *fn) {
  if (!fn)
    return;
  for (int i = 0; i < fn->nnodes; i++) {
    if (fn->nodes[i].spawn)
      free(fn->nodes[i].spawn->items);
    free(fn->nodes[i].spawn);
    free(fn->nodes[i].succ);
    free(fn->nodes[i].args);
    free(fn->nodes[i].escapes);
    free(fn->nodes[i].acc);
    free(fn->nodes[i].mem);
    free(fn->nodes[i].futs);
  }
  free(fn->nodes);
  free(fn->locks);
  free(fn->bounds);
  free(fn->params);
  hd__farena_free(fn->farena);
  free(fn);
}

int hd__function_add_node(hd__function *fn, hd__ev ev, hd__loc loc) {
  if (fn->nnodes == fn->capnodes) {
    int cap = fn->capnodes ? fn->capnodes * 2 : 32;
    hd__node *grown = realloc(fn->nodes, sizeof *grown * (size_t)cap);
    if (!grown)
      return -1;
    fn->nodes = grown;
    fn->capnodes = cap;
  }
  hd__node *n = &fn->nodes[fn->nnodes];
  memset(n, 0, sizeof *n);
  n->ev = ev;
  n->loc = loc;
  n->lock = -1;
  return fn->nnodes++;
}

void hd__function_add_edge(hd__function *fn, int from, int to) {
  if (from < 0 || to < 0)
    return;
  hd__node *n = &fn->nodes[from];
  for (int i = 0; i < n->nsucc; i++)
    if (n->succ[i] == to && n->ev != HD__EV_BRANCH)
      return;
  if (n->nsucc == n->capsucc) {
    int cap = n->capsucc ? n->capsucc * 2 : 2;
    int *grown = realloc(n->succ, sizeof *grown * (size_t)cap);
    if (!grown)
      return;
    n->succ = grown;
    n->capsucc = cap;
  }
  n->succ[n->nsucc++] = to;
}

int hd__function_lock(hd__function *fn, const char *id, const char *display,
                      const hd__lock_family *family) {
  for (int i = 0; i < fn->nlocks; i++)
    if (fn->locks[i].id == id)
      return i;
  if (fn->nlocks == fn->caplocks) {
    int cap = fn->caplocks ? fn->caplocks * 2 : 4;
    hd__lock *grown = realloc(fn->locks, sizeof *grown * (size_t)cap);
    if (!grown)
      return -1;
    fn->locks = grown;
    fn->caplocks = cap;
  }
  fn->locks[fn->nlocks] = (hd__lock){id, display, family};
  return fn->nlocks++;
}
