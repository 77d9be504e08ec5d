/* model/model.h - the API model: what the analyzed code's calls mean.
 *
 * A model is built once, before any TU is parsed, from rule packs
 * (rules/NAME.yaml, see rules/schema.md) and is read-only afterwards, so the
 * parse workers share it without locks. The IR builder asks it two things
 * about every direct call: hd__model_lookup() by callee name, and
 * hd__model_lookup_annotation() for each annotate("...") string found on the
 * callee's declaration. Both return the pack entry (a role plus its
 * arguments) or NULL when the call means nothing to the model.
 *
 * The model is not tied to heddle's own runtime: a pack may describe a
 * stackful runtime (calls to `suspending` functions are awaits, and a
 * function that calls one is itself suspending), a cancellation model other
 * than drop, and lock families of any kind (blocking, spin, async).
 */
#ifndef HEDDLE_ANALYZER_MODEL_H
#define HEDDLE_ANALYZER_MODEL_H

#include <stdbool.h>

/* What a call (or an annotated declaration) means. */
typedef enum hd__role {
  HD__ROLE_AWAIT,        /* the await marker of a stackless runtime */
  HD__ROLE_SUSPENDING,   /* stackful: calling it suspends the task */
  HD__ROLE_LOCK_ACQUIRE, /* takes lock_arg (blocks until it has it) */
  HD__ROLE_LOCK_RELEASE, /* releases lock_arg */
  HD__ROLE_LOCK_TRY,     /* takes lock_arg when the result means success */
  HD__ROLE_NORETURN,     /* never returns (abort, exit, longjmp...) */
  HD__ROLE_BLOCKING,     /* blocks the calling OS thread */
  HD__ROLE_SPAWN,        /* hands future_arg to an executor */
  HD__ROLE_BLOCK_ON,     /* runs an executor to completion */
  HD__ROLE_CANCELLING,   /* may drop branch_args unfinished */
  HD__ROLE_FUTURE,       /* constructs a future (see cancel_safe) */
  /* the runtime driving the calling thread, NULL outside any */
  HD__ROLE_RUNTIME_CURRENT,
  /* returns data bound to the calling thread (pthread_getspecific,
   * pthread_self): not Send when kept in a spawned future's frame */
  HD__ROLE_THREAD_BOUND,
  HD__ROLE_COUNT
} hd__role;

typedef enum hd__lock_kind { HD__LOCK_BLOCKING, HD__LOCK_SPIN, HD__LOCK_ASYNC } hd__lock_kind;
typedef enum hd__lock_mode { HD__MODE_EXCLUSIVE, HD__MODE_SHARED } hd__lock_mode;
/* Which result of a try function means "acquired". */
typedef enum hd__try_success { HD__SUCCESS_ZERO, HD__SUCCESS_NONZERO } hd__try_success;
typedef enum hd__spawn_kind { HD__SPAWN_MULTI, HD__SPAWN_LOCAL } hd__spawn_kind;
typedef enum hd__safety { HD__SAFETY_UNKNOWN, HD__SAFETY_SAFE, HD__SAFETY_UNSAFE } hd__safety;
/* How the runtime cancels a task (DESIGN.md §2.2). */
typedef enum hd__cancellation {
  HD__CANCEL_DROP,
  HD__CANCEL_STICKY_ERROR,
  HD__CANCEL_ABANDON
} hd__cancellation;

typedef struct hd__lock_family {
  char *name;
  hd__lock_kind kind;
  char *description;
} hd__lock_family;

/* One pack entry: matched by exact callee `name` or by `annotation`. */
typedef struct hd__api_fn {
  char *name;
  char *annotation;
  hd__role role;
  char *family;            /* lock roles: the family name */
  unsigned lock_arg;       /* lock roles: 1-based argument index */
  hd__lock_mode mode;      /* lock_acquire / lock_try */
  hd__try_success success; /* lock_try */
  hd__spawn_kind spawn;    /* spawn */
  unsigned future_arg;     /* spawn / block_on: 1-based */
  unsigned *branch_args;   /* cancelling: 1-based, empty = every future argument */
  unsigned branch_args_count;
  hd__safety cancel_safe;            /* future */
  const hd__lock_family *family_ref; /* resolved at load time */
} hd__api_fn;

typedef struct hd__api_type {
  char *name;
  bool not_send;
  bool sync;
} hd__api_type;

typedef struct hd__model hd__model;

hd__model *hd__model_new(void);
void hd__model_free(hd__model *m);
/* Loads one pack file into m. On error writes "file:line:col: error: ..."
 * (or "file: error: ..." for semantic errors) to stderr and returns a
 * negative HD_E* code; m keeps what earlier packs gave it. */
int hd__model_load_pack(hd__model *m, const char *path);
/* Entry for a callee name, or NULL. The last pack loaded wins. */
const hd__api_fn *hd__model_lookup(const hd__model *m, const char *name);
/* Entry for an annotate("...") string, or NULL. */
const hd__api_fn *hd__model_lookup_annotation(const hd__model *m, const char *annotation);
/* The packs' `types:` entry named `name` (typedef or struct tag), or NULL.
 * The last pack loaded wins. */
const hd__api_type *hd__model_lookup_type(const hd__model *m, const char *name);
/* Member name of the coroutine resume switch (`resume` for heddle). */
const char *hd__model_resume_member(const hd__model *m);
/* Poll function of an async function's frame type T: T + this suffix
 * (`__poll` for heddle's HD_ASYNC), or NULL when the runtime has none. */
const char *hd__model_poll_suffix(const hd__model *m);
const char *hd__role_name(hd__role r);

#endif
