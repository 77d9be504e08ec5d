/* join, select and yield_now. */
#include "heddle/combinators.h"
#include "heddle/runtime.h"

static hd_poll join_all_poll(hd_future *self, hd_context *cx) {
  hd_join_all *j = (hd_join_all *)self;
  bool all = true;
  for (size_t i = 0; i < j->n; i++)
    if (!hd_future_is_done(j->children[i]) && hd_future_poll(j->children[i], cx) == HD_PENDING)
      all = false;
  return all ? HD_READY : HD_PENDING;
}

static void drop_children(hd_future *const *children, size_t n) {
  for (size_t i = 0; i < n; i++)
    hd_future_drop(children[i]);
}

static void join_all_drop(hd_future *self) {
  hd_join_all *j = (hd_join_all *)self;
  drop_children(j->children, j->n);
}

static const hd_future_vtable join_all_vtable = {"hd_join_all", join_all_poll, join_all_drop,
                                                 sizeof(hd_join_all)};

static size_t copy_children(hd_future **dst, size_t n, hd_future *const src[]) {
  if (n == 0 || n > HD_COMBINATOR_MAX || !src)
    return 0;
  for (size_t i = 0; i < n; i++)
    if (!src[i])
      return 0;
  for (size_t i = 0; i < n; i++)
    dst[i] = src[i];
  return n;
}

hd_future *hd_join_all_init(hd_join_all *j, size_t n, hd_future *const children[]) {
  hd_future_init(&j->hd, &join_all_vtable);
  j->n = copy_children(j->children, n, children);
  return &j->hd;
}

static hd_poll select_poll(hd_future *self, hd_context *cx) {
  hd_select *s = (hd_select *)self;
  for (size_t i = 0; i < s->n; i++) {
    if (hd_future_poll(s->children[i], cx) == HD_READY) {
      s->winner = (int)i;
      for (size_t k = 0; k < s->n; k++)
        if (k != i)
          hd_future_drop(s->children[k]);
      return HD_READY;
    }
  }
  return s->n ? HD_PENDING : HD_READY;
}

static void select_drop(hd_future *self) {
  hd_select *s = (hd_select *)self;
  drop_children(s->children, s->n);
}

static const hd_future_vtable select_vtable = {"hd_select", select_poll, select_drop,
                                               sizeof(hd_select)};

hd_future *hd_select_init(hd_select *s, size_t n, hd_future *const children[]) {
  hd_future_init(&s->hd, &select_vtable);
  s->n = copy_children(s->children, n, children);
  s->winner = -1;
  return &s->hd;
}

static hd_poll by_ref_poll(hd_future *self, hd_context *cx) {
  hd_future *inner = ((hd_by_ref *)self)->inner;
  if (!inner || hd_future_is_done(inner))
    return HD_READY;
  return hd_future_poll(inner, cx);
}

/* No drop hook: the inner future belongs to someone else. */
static const hd_future_vtable by_ref_vtable = {"hd_by_ref", by_ref_poll, NULL, sizeof(hd_by_ref)};

hd_future *hd_by_ref_init(hd_by_ref *r, hd_future *inner) {
  hd_future_init(&r->hd, &by_ref_vtable);
  r->inner = inner;
  return &r->hd;
}

static hd_poll yield_poll(hd_future *self, hd_context *cx) {
  hd_yield *y = (hd_yield *)self;
  if (y->yielded)
    return HD_READY;
  y->yielded = true;
  hd_waker_wake_by_ref(cx->waker);
  return HD_PENDING;
}

static const hd_future_vtable yield_vtable = {"hd_yield", yield_poll, NULL, sizeof(hd_yield)};

hd_future *hd_yield_init(hd_yield *y) {
  hd_future_init(&y->hd, &yield_vtable);
  y->yielded = false;
  return &y->hd;
}
