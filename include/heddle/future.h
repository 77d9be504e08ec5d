/* heddle/future.h - futures, wakers, contexts and async functions.
 *
 * This is the "impl" header: everything needed to write a new future by
 * hand or as an async function. User code includes heddle/heddle.h.
 *
 * A future is a struct whose first member is an hd_future header. It is
 * inert until polled. hd_future_poll() drives it; it returns HD_READY once
 * (its output then sits in the future's own struct) or HD_PENDING after it
 * has arranged for cx->waker to be woken. Dropping an unfinished future with
 * hd_future_drop() IS cancellation: the child it is awaiting is dropped
 * first (recursively), then the frame's drop hook releases what the frame
 * holds. Dropping a finished future does nothing: its output was moved out.
 *
 * Header states (field `resume`), touched only by the owner of the future:
 *     0                 not started; the future may still be moved (memcpy)
 *     > 0               suspended at the await on that source line
 *     HD__RESUME_DONE   returned HD_READY; polling again is a bug
 *     HD__RESUME_DROPPED dropped unfinished; polling again is a bug
 * A future must not be moved once polled: children live inside the frame
 * and the header points at them.
 */
#ifndef HEDDLE_FUTURE_H
#define HEDDLE_FUTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "heddle/annotate.h"
#include "heddle/error.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef enum hd_poll { HD_PENDING = 0, HD_READY = 1 } hd_poll;

/* ---- wakers ----------------------------------------------------------- */

typedef struct hd_waker hd_waker;

/* How a waker's data is woken, copied and released. `wake` consumes the
 * reference; `wake_by_ref` does not. All four may be called from any thread. */
typedef struct hd_waker_vtable {
  hd_waker (*clone)(const void *data);
  void (*wake)(void *data);
  void (*wake_by_ref)(const void *data);
  void (*drop)(void *data);
} hd_waker_vtable;

/* A waker is a value: copy it only with hd_waker_clone(). An empty waker
 * (vtable NULL) does nothing when woken or dropped. */
struct hd_waker {
  const hd_waker_vtable *vtable;
  void *data;
};

hd_waker hd_waker_clone(const hd_waker *w);
/* Wakes and consumes the waker; it is empty afterwards. */
void hd_waker_wake(hd_waker *w);
void hd_waker_wake_by_ref(const hd_waker *w);
/* Releases the waker; it is empty afterwards. */
void hd_waker_drop(hd_waker *w);
bool hd_waker_will_wake(const hd_waker *a, const hd_waker *b);
bool hd_waker_is_empty(const hd_waker *w);
/* A waker that does nothing (for polling by hand in tests). */
hd_waker hd_waker_noop(void);

/* ---- context ---------------------------------------------------------- */

/* What a poll gets: the waker of the task being polled. */
typedef struct hd_context {
  const hd_waker *waker;
} hd_context;

/* Stores a clone of cx's waker in *slot unless *slot already wakes the same
 * task (the usual "register interest" step of a leaf future). */
void hd_waker_register(hd_waker *slot, const hd_context *cx);

/* ---- futures ---------------------------------------------------------- */

typedef struct hd_future hd_future;

typedef struct hd_future_vtable {
  const char *name;                                  /* for traces and errors */
  hd_poll (*poll)(hd_future *self, hd_context *cx);
  void (*drop)(hd_future *self);                     /* may be NULL */
  size_t size;                                       /* bytes of the whole struct */
} hd_future_vtable;

struct hd_future {
  const hd_future_vtable *vtable;
  int resume;           /* see the state list above */
  hd_future *child;     /* the future being awaited, inside this frame */
  const char *file;     /* where it is suspended, for traces */
  int line;
};

#define HD__RESUME_DONE (-1)
#define HD__RESUME_DROPPED (-2)

/* Sets up the header of a future that has not started. */
void hd_future_init(hd_future *f, const hd_future_vtable *vtable);
/* Polls f. Polling a finished or dropped future aborts with a message. */
hd_poll hd_future_poll(hd_future *f, hd_context *cx);
/* Cancels f if it is unfinished: drops its child, then runs its drop hook. */
void hd_future_drop(hd_future *f);
bool hd_future_is_done(const hd_future *f);
bool hd_future_is_started(const hd_future *f);

/* The await point: polls self->child; on HD_READY clears it. Called only by
 * HD_AWAIT; the analyzer and the shadow runtime find awaits by this call. */
hd_poll hd__await_poll(hd_future *self, hd_context *cx, const char *file, int line) HD_AWAIT_MARKER;
/* A resume point that does not exist: memory corruption or a moved frame. */
_Noreturn void hd__bad_resume(const hd_future *f, const char *file, int line);

/* ---- async functions -------------------------------------------------- *
 *
 *   HD_ASYNC_FN(read_frame, int,                    frame type: output + fields
 *       hd_stream *s; uint8_t hdr[4]; size_t len;
 *       union { hd_read_exact rx; } c;);
 *
 *   hd_future *read_frame_init(read_frame *f, hd_stream *s) {
 *       HD_ASYNC_INIT(f, read_frame);
 *       f->s = s;
 *       return &f->hd;
 *   }
 *
 *   HD_ASYNC(read_frame, f, cx, NULL) {             NULL: no drop hook
 *       HD_AWAIT(f, cx, hd_read_exact_init(&f->c.rx, f->s, f->hdr, 4));
 *       ...
 *       HD_RETURN(f, (int)f->len);
 *   } HD_ASYNC_END(f)
 *
 * Rules (checked by the compiler or the analyzer):
 *  - every value that lives across an HD_AWAIT is a frame field; C locals
 *    are fine between awaits (local-across-await flags the rest);
 *  - at most one HD_AWAIT per source line (a duplicate case label);
 *  - no HD_AWAIT inside a switch statement of your own (the resume labels
 *    would belong to your switch);
 *  - falling off the end completes the future with `out` as it is.
 */
#define HD_ASYNC_FN(name, out_type, ...) HD_ASYNC_FN_ANNOTATED(name, , out_type, __VA_ARGS__)

/* The same with annotations on the frame type, e.g.
 * HD_ASYNC_FN_ANNOTATED(read_msg, HD_CANCEL_SAFE, int, ...): the function
 * vouches for itself (the analyzer then trusts it instead of inferring). */
#define HD_ASYNC_FN_ANNOTATED(name, annotations, out_type, ...)                                    \
  typedef struct annotations name {                                                                \
    hd_future hd;                                                                                  \
    out_type out;                                                                                  \
    __VA_ARGS__                                                                                    \
  } name;                                                                                          \
  extern const hd_future_vtable name##_vtable

/* Zeroes the frame and sets up its header (call first in name_init). */
#define HD_ASYNC_INIT(f, name) (memset((f), 0, sizeof *(f)), hd_future_init(&(f)->hd, &name##_vtable))

#define HD_ASYNC(name, f, cx, drop_hook)                                                           \
  static hd_poll name##__poll(hd_future *hd__self, hd_context *cx);                               \
  const hd_future_vtable name##_vtable = {#name, name##__poll, (drop_hook), sizeof(name)};        \
  static hd_poll name##__poll(hd_future *hd__self, hd_context *cx) {                               \
    name *f = (name *)hd__self;                                                                    \
    (void)(cx); /* an async function without awaits does not use it */                            \
    switch (f->hd.resume) {                                                                        \
    case 0:

#if defined(__GNUC__) || defined(__clang__)
#define HD__FALLTHROUGH __attribute__((fallthrough))
#else
#define HD__FALLTHROUGH ((void)0)
#endif

#define HD_AWAIT(f, cx, child_init)                                                                \
  do {                                                                                             \
    (f)->hd.child = (child_init);                                                                  \
    (f)->hd.resume = __LINE__;                                                                     \
    HD__FALLTHROUGH;                                                                               \
    case __LINE__:                                                                                 \
      if (hd__await_poll(&(f)->hd, (cx), __FILE__, __LINE__) == HD_PENDING)                        \
        return HD_PENDING;                                                                         \
  } while (0)

#define HD_RETURN(f, value)                                                                        \
  do {                                                                                             \
    (f)->out = (value);                                                                            \
    (f)->hd.resume = HD__RESUME_DONE;                                                              \
    return HD_READY;                                                                               \
  } while (0)

#define HD_ASYNC_END(f)                                                                            \
  (f)->hd.resume = HD__RESUME_DONE;                                                                \
  return HD_READY;                                                                                 \
  default:                                                                                         \
    hd__bad_resume(&(f)->hd, __FILE__, __LINE__);                                                  \
    }                                                                                              \
    }

#ifdef __cplusplus
}
#endif
#endif
