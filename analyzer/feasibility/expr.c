/* feasibility/expr.c - arena, typed constructors and printing (see expr.h). */
#include "feasibility/expr.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "heddle/error.h"

/* Memory comes in chunks that are never moved, so nodes keep their
 * addresses for the arena's lifetime. */
typedef struct chunk {
  struct chunk *next;
  size_t used, size;
  max_align_t data[];
} chunk;

struct hd__farena {
  chunk *head;
  uint32_t next_unknown;
};

/* Chunks start small (most functions need little: one arena per function)
 * and double up to CHUNK_MAX. */
enum { CHUNK_FIRST = 1024, CHUNK_MAX = 65536 };

hd__farena *hd__farena_new(void) {
  return calloc(1, sizeof(hd__farena));
}

void hd__farena_free(hd__farena *ar) {
  if (!ar)
    return;
  for (chunk *c = ar->head, *next; c; c = next) {
    next = c->next;
    free(c);
  }
  free(ar);
}

static void *arena_alloc(hd__farena *ar, size_t n) {
  size_t align = sizeof(max_align_t);
  n = (n + align - 1) / align * align;
  chunk *c = ar->head;
  if (!c || c->size - c->used < n) {
    size_t size = c ? c->size * 2 : CHUNK_FIRST;
    if (size > CHUNK_MAX)
      size = CHUNK_MAX;
    if (size < n)
      size = n;
    c = malloc(sizeof *c + size);
    if (!c)
      return NULL;
    c->used = 0;
    c->size = size;
    c->next = ar->head;
    ar->head = c;
  }
  void *p = (char *)c->data + c->used;
  c->used += n;
  return p;
}

const char *hd__farena_strdup(hd__farena *ar, const char *s) {
  size_t n = strlen(s) + 1;
  char *out = arena_alloc(ar, n);
  if (out)
    memcpy(out, s, n);
  return out;
}

static uint64_t mask(unsigned width) {
  return width >= 64 ? ~0ull : (1ull << width) - 1;
}

static hd__fexpr *make(hd__farena *ar, hd__fop op, hd__ftype t) {
  hd__fexpr *e = arena_alloc(ar, sizeof *e);
  if (e) {
    memset(e, 0, sizeof *e);
    e->op = op;
    e->type = t;
  }
  return e;
}

const hd__fexpr *hd__fexpr_const(hd__farena *ar, hd__ftype t, uint64_t value) {
  hd__fexpr *e = make(ar, HD__FOP_CONST, t);
  if (e)
    e->value = value & mask(t.width);
  return e;
}

const hd__fexpr *hd__fexpr_var(hd__farena *ar, const char *name, hd__ftype t, hd__fmem mem) {
  const char *copy = hd__farena_strdup(ar, name);
  hd__fexpr *e = copy ? make(ar, HD__FOP_VAR, t) : NULL;
  if (e) {
    e->name = copy;
    e->mem = mem;
  }
  return e;
}

const hd__fexpr *hd__fexpr_unknown(hd__farena *ar, hd__ftype t) {
  hd__fexpr *e = make(ar, HD__FOP_UNKNOWN, t);
  if (e)
    e->id = ar->next_unknown++;
  return e;
}

static bool same_type(hd__ftype a, hd__ftype b) {
  return a.width == b.width && a.is_signed == b.is_signed;
}

const hd__fexpr *hd__fexpr_cast(hd__farena *ar, const hd__fexpr *e, hd__ftype t) {
  if (!e)
    return NULL;
  if (same_type(e->type, t))
    return e;
  if (e->op == HD__FOP_CONST) {
    /* Fold: sign-extend the source bits first, then keep t's width. */
    uint64_t v = e->value;
    if (t.width == 1)
      v = v != 0;
    else if (e->type.is_signed && e->type.width < 64 && (v >> (e->type.width - 1)) & 1)
      v |= ~mask(e->type.width);
    return hd__fexpr_const(ar, t, v);
  }
  hd__fexpr *c = make(ar, HD__FOP_CAST, t);
  if (c)
    c->a = e;
  return c;
}

hd__ftype hd__ftype_promote(hd__ftype t) {
  return t.width < 32 ? HD__FTYPE_INT : t;
}

hd__ftype hd__ftype_common(hd__ftype a, hd__ftype b) {
  a = hd__ftype_promote(a);
  b = hd__ftype_promote(b);
  if (same_type(a, b))
    return a;
  if (a.is_signed == b.is_signed)
    return a.width >= b.width ? a : b;
  hd__ftype u = a.is_signed ? b : a, s = a.is_signed ? a : b;
  /* A signed type wider than the unsigned one represents all its values;
   * otherwise both become unsigned of the wider width. */
  if (s.width > u.width)
    return s;
  return (hd__ftype){u.width, false};
}

static hd__fexpr *node2(hd__farena *ar, hd__fop op, hd__ftype t, const hd__fexpr *a,
                        const hd__fexpr *b) {
  if (!a || !b)
    return NULL;
  hd__fexpr *e = make(ar, op, t);
  if (e) {
    e->a = a;
    e->b = b;
  }
  return e;
}

const hd__fexpr *hd__fexpr_unary(hd__farena *ar, hd__fop op, const hd__fexpr *a) {
  if (!a)
    return NULL;
  hd__ftype t = op == HD__FOP_LNOT ? HD__FTYPE_INT : hd__ftype_promote(a->type);
  if (op != HD__FOP_LNOT)
    a = hd__fexpr_cast(ar, a, t);
  hd__fexpr *e = a ? make(ar, op, t) : NULL;
  if (e)
    e->a = a;
  return e;
}

static bool is_compare(hd__fop op) {
  return op >= HD__FOP_EQ && op <= HD__FOP_GE;
}

const hd__fexpr *hd__fexpr_binary(hd__farena *ar, hd__fop op, const hd__fexpr *a,
                                  const hd__fexpr *b) {
  if (!a || !b)
    return NULL;
  if (op == HD__FOP_LAND || op == HD__FOP_LOR)
    return node2(ar, op, HD__FTYPE_INT, a, b);
  if (op == HD__FOP_SHL || op == HD__FOP_SHR) {
    hd__ftype t = hd__ftype_promote(a->type);
    /* The amount only needs a's width for the bit-vector shift; amounts
     * outside [0, width) are undefined in C anyway. */
    return node2(ar, op, t, hd__fexpr_cast(ar, a, t),
                 hd__fexpr_cast(ar, b, (hd__ftype){t.width, false}));
  }
  hd__ftype t = hd__ftype_common(a->type, b->type);
  return node2(ar, op, is_compare(op) ? HD__FTYPE_INT : t, hd__fexpr_cast(ar, a, t),
               hd__fexpr_cast(ar, b, t));
}

const hd__fexpr *hd__fexpr_ite(hd__farena *ar, const hd__fexpr *c, const hd__fexpr *a,
                               const hd__fexpr *b) {
  if (!c || !a || !b)
    return NULL;
  hd__ftype t = hd__ftype_common(a->type, b->type);
  hd__fexpr *e = node2(ar, HD__FOP_ITE, t, hd__fexpr_cast(ar, a, t), hd__fexpr_cast(ar, b, t));
  if (e) {
    /* ITE keeps its operands in a (condition), b, c. */
    e->c = e->b;
    e->b = e->a;
    e->a = c;
  }
  return e;
}

int hd__fsteps_push(hd__farena *ar, hd__fsteps *s, hd__fstep step) {
  if (s->n == s->cap) {
    int cap = s->cap ? s->cap * 2 : 8;
    hd__fstep *grown = arena_alloc(ar, sizeof *grown * (size_t)cap);
    if (!grown)
      return HD_ENOMEM;
    if (s->n)
      memcpy(grown, s->v, sizeof *grown * (size_t)s->n);
    s->v = grown;
    s->cap = cap;
  }
  s->v[s->n++] = step;
  return 0;
}

/* ---- printing ---------------------------------------------------------- */

typedef struct out {
  char *buf;
  size_t size, len;
} out;

static void put(out *o, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  size_t room = o->len < o->size ? o->size - o->len : 0;
  int n = vsnprintf(room ? o->buf + o->len : NULL, room, fmt, ap);
  va_end(ap);
  if (n > 0)
    o->len += (size_t)n;
}

static const char *op_text(hd__fop op) {
  static const char *const text[] = {
      [HD__FOP_LNOT] = "!", [HD__FOP_NEG] = "-",  [HD__FOP_BNOT] = "~", [HD__FOP_ADD] = "+",
      [HD__FOP_SUB] = "-",  [HD__FOP_MUL] = "*",  [HD__FOP_DIV] = "/",  [HD__FOP_REM] = "%",
      [HD__FOP_SHL] = "<<", [HD__FOP_SHR] = ">>", [HD__FOP_AND] = "&",  [HD__FOP_OR] = "|",
      [HD__FOP_XOR] = "^",  [HD__FOP_EQ] = "==",  [HD__FOP_NE] = "!=",  [HD__FOP_LT] = "<",
      [HD__FOP_LE] = "<=",  [HD__FOP_GT] = ">",   [HD__FOP_GE] = ">=",  [HD__FOP_LAND] = "&&",
      [HD__FOP_LOR] = "||",
  };
  return text[op];
}

static void format(out *o, const hd__fexpr *e) {
  switch (e->op) {
  case HD__FOP_CONST:
    if (e->type.is_signed && e->type.width < 64 && (e->value >> (e->type.width - 1)) & 1)
      put(o, "%lld", (long long)(e->value | ~mask(e->type.width)));
    else if (e->type.is_signed)
      put(o, "%lld", (long long)e->value);
    else
      put(o, "%lluu", (unsigned long long)e->value);
    break;
  case HD__FOP_VAR:
    put(o, "%s", e->name);
    break;
  case HD__FOP_UNKNOWN:
    put(o, "?%u", (unsigned)e->id);
    break;
  case HD__FOP_LNOT:
  case HD__FOP_NEG:
  case HD__FOP_BNOT:
    put(o, "%s", op_text(e->op));
    format(o, e->a);
    break;
  case HD__FOP_CAST:
    put(o, "(%s%u)", e->type.is_signed ? "i" : "u", (unsigned)e->type.width);
    format(o, e->a);
    break;
  case HD__FOP_ITE:
    put(o, "(");
    format(o, e->a);
    put(o, " ? ");
    format(o, e->b);
    put(o, " : ");
    format(o, e->c);
    put(o, ")");
    break;
  default:
    put(o, "(");
    format(o, e->a);
    put(o, " %s ", op_text(e->op));
    format(o, e->b);
    put(o, ")");
    break;
  }
}

size_t hd__fexpr_format(const hd__fexpr *e, char *buf, size_t size) {
  out o = {buf, size, 0};
  if (size)
    buf[0] = '\0';
  if (e)
    format(&o, e);
  else
    put(&o, "?");
  return o.len;
}
