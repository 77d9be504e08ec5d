/* cancel-data-loss: a cancel-unsafe I/O future dropped after it moved
 * bytes it never delivered.
 *
 * The real hd_read_exact, hd_read_line, hd_read_to_end, hd_write_all and
 * hd_write_frame are compiled in with their init functions renamed
 * (hd__real_*, see sources.cmake); the init functions here call them and
 * point the future at a copy of its vtable whose drop hook first checks
 * what the future holds (`done` / `len` bytes read from the stream and
 * never handed over, or half a message written), then runs the real hook.
 * hd_select and hd_timeout are wrapped the same way, so that a drop knows
 * which combinator dropped the future: their poll and drop push themselves
 * on the running thread's dropper stack. The await at which that
 * combinator sits is found by walking the polled task's future chain
 * (hd__ext_polling) down to the frame whose child it is.
 */
#include <stdio.h>
#include <string.h>

#include "ext.h"
#include "heddle/combinators.h"
#include "heddle/io.h"
#include "heddle/time.h"

#define MAX_DEPTH 8

hd_future *hd__real_read_exact_init(hd_read_exact *r, hd_stream *s, void *buf, size_t len);
hd_future *hd__real_read_line_init(hd_read_line *r, hd_stream *s, char *buf, size_t cap);
hd_future *hd__real_read_to_end_init(hd_read_to_end *r, hd_stream *s, size_t max);
hd_future *hd__real_write_all_init(hd_write_all *w, hd_stream *s, const void *buf, size_t len);
hd_future *hd__real_write_frame_init(hd_write_frame *w, hd_stream *s, const void *data, size_t len);
hd_future *hd__real_select_init(hd_select *s, size_t n, hd_future *const children[]);
hd_future *hd__real_timeout_init(hd_timeout *t, hd_future *inner, uint64_t ms);

/* A vtable copy: the real one's name, poll and size, with our hooks. */
typedef struct wrapped {
  hd_future_vtable vt;
  const hd_future_vtable *real;
} wrapped;

static void wrap(hd_future *f, wrapped *w, hd_poll (*poll)(hd_future *, hd_context *),
                 void (*drop)(hd_future *)) {
  if (!w->real) {
    w->real = f->vtable;
    w->vt = *f->vtable;
    if (poll)
      w->vt.poll = poll;
    w->vt.drop = drop;
  }
  f->vtable = &w->vt;
}

static void real_drop(const wrapped *w, hd_future *f) {
  if (w->real->drop)
    w->real->drop(f);
}

/* ---- the dropper stack ---- */

static struct {
  const hd_future *stack[HD__MAX_THREADS][MAX_DEPTH];
  unsigned depth[HD__MAX_THREADS];
} ds;

void hd__cancel_reset(void);
void hd__cancel_reset(void) {
  memset(ds.depth, 0, sizeof ds.depth);
}

static void push(const hd_future *f) {
  if (!hd__sched_active())
    return;
  unsigned me = hd__sched_self();
  if (ds.depth[me] < MAX_DEPTH)
    ds.stack[me][ds.depth[me]] = f;
  ds.depth[me]++;
}

static void pop(void) {
  if (hd__sched_active() && ds.depth[hd__sched_self()])
    ds.depth[hd__sched_self()]--;
}

static const hd_future *dropper(void) {
  unsigned me = hd__sched_self(), d = ds.depth[me];
  return d && d <= MAX_DEPTH ? ds.stack[me][d - 1] : NULL;
}

static wrapped w_select, w_timeout;

static hd_poll select_poll(hd_future *self, hd_context *cx) {
  push(self);
  hd_poll r = w_select.real->poll(self, cx);
  pop();
  return r;
}
static void select_drop(hd_future *self) {
  push(self);
  real_drop(&w_select, self);
  pop();
}
static hd_poll timeout_poll(hd_future *self, hd_context *cx) {
  push(self);
  hd_poll r = w_timeout.real->poll(self, cx);
  pop();
  return r;
}
static void timeout_drop(hd_future *self) {
  push(self);
  real_drop(&w_timeout, self);
  pop();
}

hd_future *hd_select_init(hd_select *s, size_t n, hd_future *const children[]) {
  hd_future *f = hd__real_select_init(s, n, children);
  wrap(f, &w_select, select_poll, select_drop);
  return f;
}

hd_future *hd_timeout_init(hd_timeout *t, hd_future *inner, uint64_t ms) {
  hd_future *f = hd__real_timeout_init(t, inner, ms);
  wrap(f, &w_timeout, timeout_poll, timeout_drop);
  return f;
}

/* ---- the report ---- */

/* The frame of the polled task whose child is f (the await it sits at). */
static const hd_future *parent_of(const hd_future *f) {
  const hd_future *g = hd__ext_polling();
  for (unsigned guard = 0; g && guard < 64; g = g->child, guard++)
    if (g->child == f)
      return g;
  return NULL;
}

static void describe_dropper(const hd_future *d, char *buf, size_t len, const hd_future **at) {
  *at = d ? parent_of(d) : NULL;
  if (!d) {
    snprintf(buf, len, "its parent future (cancelled)");
    return;
  }
  if (d->vtable == &w_select.vt) {
    const hd_select *s = (const hd_select *)d;
    const hd_future *won = s->winner >= 0 ? s->children[s->winner] : NULL;
    snprintf(buf, len, "hd_select (branch %d, %s, won)", s->winner,
             won && won->vtable ? won->vtable->name : "?");
  } else if (d->vtable == &w_timeout.vt) {
    snprintf(buf, len, "hd_timeout (deadline %llu ms passed)",
             (unsigned long long)((const hd_timeout *)d)->timer.deadline_ms);
  } else {
    snprintf(buf, len, "%s", d->vtable ? d->vtable->name : "?");
  }
}

static void lost(hd_future *f, const hd_stream *s, size_t moved, size_t total, bool read) {
  if (!hd__sched_active() || moved == 0)
    return;
  char stream[96], who[96], msg[256];
  hd__net_describe(s, stream, sizeof stream);
  const hd_future *at;
  describe_dropper(dropper(), who, sizeof who, &at);
  char of[32] = "";
  if (total)
    snprintf(of, sizeof of, " of %zu", total);
  int o = read ? snprintf(msg, sizeof msg,
                          "%s dropped after consuming %zu%s bytes from %s: "
                          "they are lost; dropped by %s",
                          f->vtable->name, moved, of, stream, who)
               : snprintf(msg, sizeof msg,
                          "%s dropped after writing %zu%s bytes to %s: the "
                          "peer sees half a message; dropped by %s",
                          f->vtable->name, moved, of, stream, who);
  if (o > 0 && (size_t)o < sizeof msg && at && at->file)
    o += snprintf(msg + o, sizeof msg - (size_t)o, " awaited at %s:%d",
                  hd__ext_short_path(at->file), at->line);
  hd__loc loc = {at && at->vtable ? (uintptr_t)at->vtable->poll + 1
                                  : (uintptr_t)f->vtable->poll + 1,
                 at ? "the dropping combinator is awaited in this function" : "the dropped future"};
  hd__report(HD__REPORT_CANCEL_DATA_LOSS, msg, &loc, 1);
}

/* ---- the cancel-unsafe futures ---- */

static wrapped w_read_exact, w_read_line, w_read_to_end, w_write_all, w_write_frame;

static void read_exact_drop(hd_future *self) {
  hd_read_exact *r = (hd_read_exact *)self;
  lost(self, r->s, r->done, r->len, true);
  real_drop(&w_read_exact, self);
}
static void read_line_drop(hd_future *self) {
  hd_read_line *r = (hd_read_line *)self;
  lost(self, r->s, r->done, 0, true); /* a partial line: its length is unknown */
  real_drop(&w_read_line, self);
}
static void read_to_end_drop(hd_future *self) {
  hd_read_to_end *r = (hd_read_to_end *)self;
  lost(self, r->s, r->len, 0, true);
  real_drop(&w_read_to_end, self);
}
static void write_all_drop(hd_future *self) {
  hd_write_all *w = (hd_write_all *)self;
  lost(self, w->s, w->done, w->len, false);
  real_drop(&w_write_all, self);
}
static void write_frame_drop(hd_future *self) {
  hd_write_frame *w = (hd_write_frame *)self;
  lost(self, w->s, w->done, HD_FRAME_HEADER + w->len, false);
  real_drop(&w_write_frame, self);
}

hd_future *hd_read_exact_init(hd_read_exact *r, hd_stream *s, void *buf, size_t len) {
  hd_future *f = hd__real_read_exact_init(r, s, buf, len);
  wrap(f, &w_read_exact, NULL, read_exact_drop);
  return f;
}
hd_future *hd_read_line_init(hd_read_line *r, hd_stream *s, char *buf, size_t cap) {
  hd_future *f = hd__real_read_line_init(r, s, buf, cap);
  wrap(f, &w_read_line, NULL, read_line_drop);
  return f;
}
hd_future *hd_read_to_end_init(hd_read_to_end *r, hd_stream *s, size_t max) {
  hd_future *f = hd__real_read_to_end_init(r, s, max);
  wrap(f, &w_read_to_end, NULL, read_to_end_drop);
  return f;
}
hd_future *hd_write_all_init(hd_write_all *w, hd_stream *s, const void *buf, size_t len) {
  hd_future *f = hd__real_write_all_init(w, s, buf, len);
  wrap(f, &w_write_all, NULL, write_all_drop);
  return f;
}
hd_future *hd_write_frame_init(hd_write_frame *w, hd_stream *s, const void *data, size_t len) {
  hd_future *f = hd__real_write_frame_init(w, s, data, len);
  wrap(f, &w_write_frame, NULL, write_frame_drop);
  return f;
}
