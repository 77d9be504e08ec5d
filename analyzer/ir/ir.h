/* ir/ir.h - the program as the checks see it: functions as CFGs of events.
 *
 * The IR outlives the libclang TUs it was built from: every string is owned
 * by the program (interned in hd__program_intern), so summaries and checks
 * run over all TUs after the parse workers have disposed of theirs.
 *
 * A function's CFG is an array of nodes; node 0 is the entry, `exit` is the
 * exit of completed calls; a coroutine's suspend returns (the `return
 * HD_PENDING` of each await) lead to `suspend` instead, so summaries
 * describe what a completed call leaves behind. A node
 * carries at most one event:
 *   ACQUIRE/RELEASE  a lock (index into fn->locks) taken or released;
 *   AWAIT            the task may suspend here; the coroutine's resume
 *                    dispatch is gone, so this is an ordinary node whose
 *                    successors are the suspend edge (the `return
 *                    HD_PENDING` path) and the resume edge;
 *   CALL             a direct call of a function that may be defined in the
 *                    program (its summary decides what it does), or of an
 *                    API function whose pack role the checks look up
 *                    (blocking, block_on, spawn, cancelling, future: `api`);
 *   BRANCH           a two-way condition: succ[0] true, succ[1] false;
 *   NONE             plain flow (labels, joins, statements without events).
 * A call that does not return has no successor.
 *
 * Lock identity is the canonical text of the pointer to the lock (see
 * ir/lockid.h), so `&f->mu` and `&(*f).mu` are one lock. Parameter-rooted
 * locks are written `$N` (argument N, 0-based) so a callee's summary can be
 * applied at each call site; caller-local roots start with '@' (a character C code never contains).
 *
 * Ownership: hd__program owns functions, nodes and strings; nothing is
 * shared between programs. Parse workers build functions on their own and
 * hand them over with hd__program_add (which, like hd__program_intern,
 * takes the program's mutex); after the parse the program is read-only
 * except for the summaries.
 */
#ifndef HEDDLE_ANALYZER_IR_H
#define HEDDLE_ANALYZER_IR_H

#include <stdbool.h>
#include <stddef.h>

#include "feasibility/expr.h"
#include "model/model.h"

typedef struct hd__loc {
  const char *file; /* interned, absolute */
  int line, col;    /* 1-based; col in bytes */
} hd__loc;

typedef enum hd__ev {
  HD__EV_NONE,
  HD__EV_ACQUIRE,
  HD__EV_RELEASE,
  HD__EV_AWAIT,
  HD__EV_CALL,
  HD__EV_BRANCH,
} hd__ev;

typedef struct hd__lock {
  const char *id;      /* canonical pointer text, interned */
  const char *display; /* source text of the argument, for messages */
  const hd__lock_family *family;
} hd__lock;

/* non-send-spawn (ir/send.h): one field of a spawned future's frame,
 * walked from its type at parse time, and the frame itself. */
typedef struct hd__frame_item {
  const char *path;   /* from the frame: "name", "req.headers", "c.reply.cache" */
  const char *type;   /* the field's type as written: "hd_rc *" */
  const char *record; /* a struct/union embedded by value: its tag (maybe an
                         async frame: tag + poll suffix), else NULL */
  const char *why;    /* not Send: "hd_rc is not Send (annotated
                         heddle.not_send)", else NULL */
  hd__loc loc;        /* the field's declaration */
} hd__frame_item;

typedef struct hd__spawn_frame {
  const char *type; /* the frame's struct tag: "session" */
  const char *obj;  /* canonical text of the frame object in the spawner
                       ("@s", "main::req"), or NULL */
  const char *tu;   /* the spawner's TU file (where its poll function is) */
  bool trusted;     /* its type is annotated HD_SEND / HD_SYNC: its own verdict
                       (items empty); annotated HD_NOT_SEND: one item, path "" */
  hd__frame_item *items;
  int nitems;
} hd__spawn_frame;

/* non-send-spawn: a thread-bound value stored (or returned) after a node. */
typedef struct hd__bound {
  int node;
  const char *target; /* canonical lvalue text ("(*$0).conn", "@p"), NULL:
                         the function's return value */
  const char *what;   /* the thread_bound function ("pthread_self") or the
                         _Thread_local object ("arena"), or NULL: */
  const char *callee; /* ... the result of this program function (the check
                         decides whether it returns a bound value); both
                         NULL: a plain store ending an earlier bound one */
  bool tls;           /* what is a _Thread_local object whose address it is */
  hd__loc loc;
} hd__bound;

/* local-across-await: an access to an automatic local variable. */
typedef enum hd__acc_kind {
  HD__ACC_READ,
  HD__ACC_WRITE, /* the whole variable, or a member or element of it */
  HD__ACC_ADDR,  /* its address is taken (or an array decays): not tracked */
} hd__acc_kind;

typedef struct hd__access {
  const char *var; /* "name:line:col" of the declaration, interned */
  hd__loc loc;
  hd__acc_kind kind;
} hd__access;

/* shared-capture-race: a read or write of a scalar member, element or
 * pointee (`p->m`, `s.m`, `a[k]`, `*p`; not a whole struct or array, not
 * an `&` operand). */
typedef struct hd__mem {
  const char *obj;   /* canonical lvalue text ("(*(*$0).st).processed"), interned */
  const char *value; /* WRITE by `=` of a pointer: the value's canonical text, or NULL */
  hd__loc loc;
  hd__acc_kind kind; /* READ or WRITE */
  bool atomic;       /* an _Atomic object */
  bool sync;         /* part of a struct annotated HD_SYNC */
} hd__mem;

/* cancel-unsafe-select: a future that an argument of a call refers to:
 * `&x.hd` (the runtime's future header as x's first member), `&x`, a
 * constructor call (`hd_read_exact_init(&x, ...)` as the argument), or an
 * element of a compound-literal array argument (HD_SELECT's branches). */
typedef struct hd__futref {
  int arg;           /* 0-based argument index */
  const char *obj;   /* canonical pointer text of x ("&(*$0).rx"), interned */
  const char *type;  /* x's record type name, interned, or NULL */
  hd__safety safety; /* HD_CANCEL_SAFE / HD_CANCEL_UNSAFE on that type */
  hd__loc loc;
} hd__futref;

typedef struct hd__node {
  hd__ev ev;
  hd__loc loc;
  int lock;           /* ACQUIRE/RELEASE: index into fn->locks */
  hd__lock_mode mode; /* ACQUIRE */
  const char *callee; /* CALL: the callee's function key; AWAIT: the
                         child's poll function key in this TU, or NULL */
  const char *via;    /* ACQUIRE from a try: "pthread_mutex_trylock" etc. */
  const char **args;  /* CALL: canonical pointer text of each argument;
                         AWAIT: args[0] is the child's frame */
  int nargs;
  const char *child_name; /* CALL: poll function of the frame it sets up;
                             AWAIT: poll function of the awaited child */
  const hd__api_fn *api;  /* CALL: the callee's pack entry, or NULL;
                             AWAIT: the await marker's or suspending call's */
  bool off_runtime;       /* the path goes on from here only when no runtime
                             drives the thread (the NULL side of a test of
                             the pack's runtime_current call): not async */
  /* future-never-awaited: a future constructor (returns a pointer to the
   * first member of what its first argument points to, or has pack role
   * future): */
  const char *ctor_obj;   /* CALL: canonical pointer text of argument 1 */
  bool ctor_unused;       /* its result is discarded or kept in a local */
  const char *ctor_local; /* ... that local ("@v"), or NULL */
  /* cancel-unsafe-select (CALL): the futures its arguments refer to, and
   * the lvalue its result is assigned to (`f->h = hd_spawn(...)`: "(*$0).h",
   * canonical pointer text), or NULL. */
  hd__futref *futs;
  int nfuts;
  const char *result_to;
  /* Pointer values that leave the code after this node's event: call
   * arguments, assigned, initialised and returned pointers, `&x`
   * anywhere (a constructor's own argument 1 excepted). Canonical text. */
  const char **escapes;
  int nescapes, capescapes;
  /* Accesses to automatic locals after the event, in evaluation order
   * (locals declared by a macro, like HD_ASYNC's frame pointer, which is
   * set again on every poll, are left out). */
  hd__access *acc;
  int nacc, capacc;
  /* Reads and writes of parts of objects after the event, in evaluation
   * order (shared-capture-race). */
  hd__mem *mem;
  int nmem, capmem;
  const char *task_poll; /* CALL of a spawn: the spawned frame's poll
                            function (`&t.hd`, t of type T: T__poll) */
  /* non-send-spawn: CALL of a pack spawn: the future's frame, or NULL */
  hd__spawn_frame *spawn;
  /* For path feasibility (feasibility/feasible.h), in fn->farena: */
  const hd__fexpr *cond; /* BRANCH: the condition (true: succ[0]), or NULL */
  hd__fsteps fx;         /* what the node does to values, after its event */
  int *succ;
  int nsucc, capsucc;
} hd__node;

typedef struct hd__function {
  const char *key; /* "name", or "file:name" for static functions */
  const char *name;
  hd__loc loc;
  bool is_static;
  const char **params; /* parameter names (or a local alias), for messages */
  int nparams;
  hd__node *nodes;
  int nnodes, capnodes;
  int exit;    /* where `return` and the end of the body lead */
  int suspend; /* where `return HD_PENDING` of an await leads, or -1 */
  /* `void fn(F *self)`, F the runtime's future type (what the await marker
   * takes): the shape of a frame's drop hook (cancel-unsafe-select) */
  bool drop_hook;
  hd__lock *locks;
  int nlocks, caplocks;
  hd__farena *farena; /* owns the nodes' cond and fx (NULL: none recorded) */
  hd__bound *bounds;  /* non-send-spawn: thread-bound values stored */
  int nbounds, capbounds;
} hd__function;

typedef struct hd__program hd__program;

hd__program *hd__program_new(void);
void hd__program_free(hd__program *p);
/* A program-owned copy of s (equal strings share one copy); thread-safe.
 * Returns NULL only when out of memory. */
const char *hd__program_intern(hd__program *p, const char *s);
/* Hands fn to the program (thread-safe). */
int hd__program_add(hd__program *p, hd__function *fn);
/* Sorts the functions by key (then file, line): call once after the parse;
 * makes the order and hd__program_find deterministic. */
void hd__program_index(hd__program *p);
int hd__program_count(const hd__program *p);
hd__function *hd__program_at(const hd__program *p, int i);
/* The definition with `key`, or NULL (the first in index order). */
hd__function *hd__program_find(const hd__program *p, const char *key);

/* A function with only its entry node (0); exit is set by the builder. */
hd__function *hd__function_new(const char *key, const char *name, hd__loc loc, bool is_static);
void hd__function_free(hd__function *fn);
/* Index of a new node, or -1 when out of memory. */
int hd__function_add_node(hd__function *fn, hd__ev ev, hd__loc loc);
void hd__function_add_edge(hd__function *fn, int from, int to);
/* Index of lock `id` in fn->locks, adding it if new. */
int hd__function_lock(hd__function *fn, const char *id, const char *display,
                      const hd__lock_family *family);

#endif
