/* model/pack.c - libcyaml schema of a rule pack and its loading. */
#include "model/pack.h"

#include <cyaml/cyaml.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "heddle/error.h"

static const cyaml_strval_t role_strings[] = {
    {"await", HD__ROLE_AWAIT},
    {"suspending", HD__ROLE_SUSPENDING},
    {"lock_acquire", HD__ROLE_LOCK_ACQUIRE},
    {"lock_release", HD__ROLE_LOCK_RELEASE},
    {"lock_try", HD__ROLE_LOCK_TRY},
    {"noreturn", HD__ROLE_NORETURN},
    {"blocking", HD__ROLE_BLOCKING},
    {"spawn", HD__ROLE_SPAWN},
    {"block_on", HD__ROLE_BLOCK_ON},
    {"cancelling", HD__ROLE_CANCELLING},
    {"future", HD__ROLE_FUTURE},
    {"runtime_current", HD__ROLE_RUNTIME_CURRENT},
    {"thread_bound", HD__ROLE_THREAD_BOUND},
};
static const cyaml_strval_t kind_strings[] = {
    {"blocking", HD__LOCK_BLOCKING}, {"spin", HD__LOCK_SPIN}, {"async", HD__LOCK_ASYNC}};
static const cyaml_strval_t mode_strings[] = {{"exclusive", HD__MODE_EXCLUSIVE},
                                              {"shared", HD__MODE_SHARED}};
static const cyaml_strval_t success_strings[] = {{"zero", HD__SUCCESS_ZERO},
                                                 {"nonzero", HD__SUCCESS_NONZERO}};
static const cyaml_strval_t spawn_strings[] = {{"multi", HD__SPAWN_MULTI},
                                               {"local", HD__SPAWN_LOCAL}};
static const cyaml_strval_t safety_strings[] = {
    {"unknown", HD__SAFETY_UNKNOWN}, {"yes", HD__SAFETY_SAFE}, {"no", HD__SAFETY_UNSAFE}};
static const cyaml_strval_t cancel_strings[] = {{"drop", HD__CANCEL_DROP},
                                                {"sticky_error", HD__CANCEL_STICKY_ERROR},
                                                {"abandon", HD__CANCEL_ABANDON}};

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define OPT (CYAML_FLAG_OPTIONAL)
#define OPT_PTR (CYAML_FLAG_POINTER | CYAML_FLAG_OPTIONAL)

static const cyaml_schema_field_t family_fields[] = {
    CYAML_FIELD_STRING_PTR("name", CYAML_FLAG_POINTER, hd__lock_family, name, 1, CYAML_UNLIMITED),
    CYAML_FIELD_ENUM("kind", CYAML_FLAG_DEFAULT, hd__lock_family, kind, kind_strings,
                     N(kind_strings)),
    CYAML_FIELD_STRING_PTR("description", OPT_PTR, hd__lock_family, description, 0,
                           CYAML_UNLIMITED),
    CYAML_FIELD_END};
static const cyaml_schema_value_t family_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, hd__lock_family, family_fields)};

static const cyaml_schema_value_t uint_entry = {CYAML_VALUE_UINT(CYAML_FLAG_DEFAULT, unsigned)};

static const cyaml_schema_field_t fn_fields[] = {
    CYAML_FIELD_STRING_PTR("name", OPT_PTR, hd__api_fn, name, 1, CYAML_UNLIMITED),
    CYAML_FIELD_STRING_PTR("annotation", OPT_PTR, hd__api_fn, annotation, 1, CYAML_UNLIMITED),
    CYAML_FIELD_ENUM("role", CYAML_FLAG_DEFAULT, hd__api_fn, role, role_strings, N(role_strings)),
    CYAML_FIELD_STRING_PTR("family", OPT_PTR, hd__api_fn, family, 1, CYAML_UNLIMITED),
    CYAML_FIELD_UINT("lock_arg", OPT, hd__api_fn, lock_arg),
    CYAML_FIELD_ENUM("mode", OPT, hd__api_fn, mode, mode_strings, N(mode_strings)),
    CYAML_FIELD_ENUM("success", OPT, hd__api_fn, success, success_strings, N(success_strings)),
    CYAML_FIELD_ENUM("spawn", OPT, hd__api_fn, spawn, spawn_strings, N(spawn_strings)),
    CYAML_FIELD_UINT("future_arg", OPT, hd__api_fn, future_arg),
    CYAML_FIELD_SEQUENCE("branch_args", OPT_PTR, hd__api_fn, branch_args, &uint_entry, 0,
                         CYAML_UNLIMITED),
    CYAML_FIELD_ENUM("cancel_safe", OPT, hd__api_fn, cancel_safe, safety_strings,
                     N(safety_strings)),
    CYAML_FIELD_END};
static const cyaml_schema_value_t fn_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, hd__api_fn, fn_fields)};

static const cyaml_schema_field_t type_fields[] = {
    CYAML_FIELD_STRING_PTR("name", CYAML_FLAG_POINTER, hd__api_type, name, 1, CYAML_UNLIMITED),
    CYAML_FIELD_BOOL("not_send", OPT, hd__api_type, not_send),
    CYAML_FIELD_BOOL("sync", OPT, hd__api_type, sync), CYAML_FIELD_END};
static const cyaml_schema_value_t type_entry = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_DEFAULT, hd__api_type, type_fields)};

static const cyaml_schema_field_t pack_fields[] = {
    CYAML_FIELD_STRING_PTR("pack", CYAML_FLAG_POINTER, hd__pack, name, 1, CYAML_UNLIMITED),
    CYAML_FIELD_STRING_PTR("description", OPT_PTR, hd__pack, description, 0, CYAML_UNLIMITED),
    CYAML_FIELD_ENUM("cancellation", OPT, hd__pack, cancellation, cancel_strings,
                     N(cancel_strings)),
    CYAML_FIELD_STRING_PTR("resume_switch", OPT_PTR, hd__pack, resume_switch, 1, CYAML_UNLIMITED),
    CYAML_FIELD_STRING_PTR("poll_suffix", OPT_PTR, hd__pack, poll_suffix, 1, CYAML_UNLIMITED),
    CYAML_FIELD_SEQUENCE("lock_families", OPT_PTR, hd__pack, lock_families, &family_entry, 0,
                         CYAML_UNLIMITED),
    CYAML_FIELD_SEQUENCE("functions", OPT_PTR, hd__pack, functions, &fn_entry, 0, CYAML_UNLIMITED),
    CYAML_FIELD_SEQUENCE("types", OPT_PTR, hd__pack, types, &type_entry, 0, CYAML_UNLIMITED),
    CYAML_FIELD_END};
static const cyaml_schema_value_t pack_schema = {
    CYAML_VALUE_MAPPING(CYAML_FLAG_POINTER, hd__pack, pack_fields)};

/* libcyaml reports errors through its log callback, one fragment per call;
 * the fragments are collected here and printed after the load fails. */
typedef struct log_buf {
  char text[1024];
  size_t len;
} log_buf;

static void pack_log(cyaml_log_t level, void *ctx, const char *fmt, va_list args) {
  log_buf *b = ctx;
  if (level < CYAML_LOG_ERROR || b->len >= sizeof b->text - 1)
    return;
  int n = vsnprintf(b->text + b->len, sizeof b->text - b->len, fmt, args);
  if (n > 0)
    b->len += (size_t)n < sizeof b->text - b->len ? (size_t)n : sizeof b->text - b->len - 1;
}

/* libcyaml 1.3 logs "Load: MESSAGE (line: L, column: C)" and then a
 * backtrace, one "in mapping field 'NAME'" line per level. Printed clang
 * style: "pack.yaml:L:C: error: MESSAGE (field 'NAME')". */
static void print_load_error(const char *path, log_buf *b, cyaml_err_t err) {
  unsigned line = 0, col = 0;
  char *at = strstr(b->text, "(line: ");
  if (at)
    sscanf(at, "(line: %u, column: %u)", &line, &col);
  char field[128] = "";
  char *fp = strstr(b->text, "in mapping field '");
  if (fp && sscanf(fp, "in mapping field '%127[^']'", field) != 1)
    field[0] = '\0';
  char *msg = b->text;
  if (strncmp(msg, "Load: ", 6) == 0)
    msg += 6;
  size_t n = strcspn(msg, "\n");
  if (at && at > msg && (size_t)(at - msg) < n)
    n = (size_t)(at - msg);
  while (n > 0 && msg[n - 1] == ' ')
    n--;
  msg[n] = '\0';
  if (!*msg)
    msg = (char *)cyaml_strerror(err);
  bool missing = strncmp(msg, "Missing", 7) == 0; /* the backtrace names a sibling */
  char fixed[sizeof b->text + 16];
  if (strncmp(msg, "Invalid INT value: ", 19) == 0) { /* how libcyaml reports a bad enum */
    snprintf(fixed, sizeof fixed, "bad value: %s", msg + 19);
    msg = fixed;
  }
  if (line)
    fprintf(stderr, "%s:%u:%u: error: %s", path, line, col, msg);
  else
    fprintf(stderr, "%s: error: %s", path, msg);
  if (field[0] && !missing)
    fprintf(stderr, " (field '%s')", field);
  fputc('\n', stderr);
}

static bool needs_lock(hd__role r) {
  return r == HD__ROLE_LOCK_ACQUIRE || r == HD__ROLE_LOCK_RELEASE || r == HD__ROLE_LOCK_TRY;
}

/* Checks what the schema cannot say: every entry names a callee or an
 * annotation (not both), lock entries name a family of this pack. */
static int pack_validate(const char *path, hd__pack *p) {
  for (unsigned i = 0; i < p->functions_count; i++) {
    hd__api_fn *f = &p->functions[i];
    const char *what = f->name ? f->name : f->annotation ? f->annotation : "?";
    if ((f->name == NULL) == (f->annotation == NULL)) {
      fprintf(stderr, "%s: error: functions[%u]: give exactly one of 'name' and 'annotation'\n",
              path, i);
      return HD_EINVAL;
    }
    if (needs_lock(f->role)) {
      if (!f->family) {
        fprintf(stderr, "%s: error: function '%s': role %s needs 'family'\n", path, what,
                hd__role_name(f->role));
        return HD_EINVAL;
      }
      for (unsigned j = 0; j < p->lock_families_count; j++)
        if (strcmp(p->lock_families[j].name, f->family) == 0)
          f->family_ref = &p->lock_families[j];
      if (!f->family_ref) {
        fprintf(stderr, "%s: error: function '%s': unknown lock family '%s'\n", path, what,
                f->family);
        return HD_EINVAL;
      }
      if (f->lock_arg == 0)
        f->lock_arg = 1;
    }
  }
  return 0;
}

static const cyaml_config_t base_config = {
    .log_fn = pack_log,
    .mem_fn = cyaml_mem,
    .log_level = CYAML_LOG_ERROR,
    .flags = CYAML_CFG_DEFAULT,
};

int hd__pack_load(const char *path, hd__pack **out) {
  FILE *probe = fopen(path, "r");
  if (!probe) {
    fprintf(stderr, "%s: error: cannot open rule pack\n", path);
    return HD_EIO;
  }
  fclose(probe);
  log_buf buf = {.len = 0};
  cyaml_config_t config = base_config;
  config.log_ctx = &buf;
  hd__pack *p = NULL;
  cyaml_err_t err = cyaml_load_file(path, &config, &pack_schema, (cyaml_data_t **)&p, NULL);
  if (err != CYAML_OK) {
    print_load_error(path, &buf, err);
    return HD_EINVAL;
  }
  int rc = pack_validate(path, p);
  if (rc < 0) {
    hd__pack_free(p);
    return rc;
  }
  *out = p;
  return 0;
}

void hd__pack_free(hd__pack *p) {
  if (p)
    cyaml_free(&base_config, &pack_schema, p, 0);
}
