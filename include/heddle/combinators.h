/* heddle/combinators.h - n-ary join and select.
 *
 * Both take up to HD_COMBINATOR_MAX child futures that live in the caller's
 * frame (typically a union member each) and copy the pointers, so the
 * argument array may be a temporary: use the HD_JOIN / HD_SELECT macros.
 *
 * join:   polls every unfinished child at each poll; ready when all are.
 *         Dropping it drops the unfinished children. Cancel-safe exactly
 *         when every child is.
 * select: polls the children in order (the first listed wins a tie); when
 *         one is ready the others are dropped at once (cancelled) and
 *         `winner` is its index. A cancel-unsafe child loses what it had
 *         consumed: that is the cancel-unsafe-select hazard.
 * by_ref: polls a future it does not own (tokio's `&mut fut` branch);
 *         dropping it leaves the inner future alone, so a cancel-unsafe
 *         future created once outside a loop keeps its progress when the
 *         select around the by_ref loses. The owner drops the inner future.
 */
#ifndef HEDDLE_COMBINATORS_H
#define HEDDLE_COMBINATORS_H

#include "heddle/future.h"

#ifdef __cplusplus
extern "C" {
#endif

#define HD_COMBINATOR_MAX 16

typedef struct hd_join_all {
  hd_future hd;
  size_t n;
  hd_future *children[HD_COMBINATOR_MAX];
} hd_join_all;

typedef struct hd_select {
  hd_future hd;
  size_t n;
  hd_future *children[HD_COMBINATOR_MAX];
  int winner; /* output: index of the child that completed first */
} hd_select;

/* n must be 1..HD_COMBINATOR_MAX; otherwise the future is ready at once with
 * winner -1 (select) and nothing polled. */
hd_future *hd_join_all_init(hd_join_all *j, size_t n, hd_future *const children[]);
hd_future *hd_select_init(hd_select *s, size_t n, hd_future *const children[])
    HD_CANCELS_CHILD(*);

typedef struct HD_CANCEL_SAFE hd_by_ref {
  hd_future hd;
  hd_future *inner;
} hd_by_ref;

/* Ready when `inner` is (at once if it already completed; read its output
 * from it). Never drops `inner`. */
hd_future *hd_by_ref_init(hd_by_ref *r, hd_future *inner) HD_CANCEL_SAFE;

#define HD__COUNT(...) (sizeof((hd_future *[]){__VA_ARGS__}) / sizeof(hd_future *))
/* HD_JOIN(&f->join, child1, child2, ...) */
#define HD_JOIN(j, ...) hd_join_all_init((j), HD__COUNT(__VA_ARGS__), (hd_future *[]){__VA_ARGS__})
/* HD_SELECT(&f->sel, branch1, branch2, ...) */
#define HD_SELECT(s, ...) hd_select_init((s), HD__COUNT(__VA_ARGS__), (hd_future *[]){__VA_ARGS__})

#ifdef __cplusplus
}
#endif
#endif
