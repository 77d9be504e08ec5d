/* Front end and model pieces without libclang parsing: compile command
 * normalisation and compile_commands.json loading, rule pack loading and
 * its errors, lock id re-rooting and display. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "frontend/compdb.h"
#include "heddle/error.h"
#include "ir/lockid.h"
#include "model/model.h"

static bool has_arg(const hd__command *c, const char *a) {
  for (int i = 0; i < c->argc; i++)
    if (strcmp(c->argv[i], a) == 0)
      return true;
  return false;
}

static char *write_temp(const char *text, const char *suffix) {
  char *path = NULL;
  assert_true(asprintf(&path, "/tmp/heddle-unit-XXXXXX%s", suffix) > 0);
  int fd = mkstemps(path, (int)strlen(suffix));
  assert_true(fd >= 0);
  FILE *f = fdopen(fd, "w");
  fputs(text, f);
  fclose(f);
  return path;
}

static void test_frontend_normalise_gcc_command(void **state) {
  char *raw[] = {"/usr/bin/x86_64-linux-gnu-gcc-12",
                 "-O2",
                 "-Werror",
                 "-Werror=vla",
                 "-fno-tree-loop-distribute-patterns",
                 "-Iinc",
                 "-o",
                 "x.o",
                 "-c",
                 "-MD",
                 "-MF",
                 "x.d"};
  hd__command c;
  assert_int_equal(hd__compdb_normalise("/src", raw, 12, &c), 0);
  assert_string_equal(c.argv[0], "clang");
  assert_true(has_arg(&c, "-O2"));
  assert_true(has_arg(&c, "-Iinc"));
  assert_false(has_arg(&c, "-Werror"));
  assert_false(has_arg(&c, "-Werror=vla"));
  assert_false(has_arg(&c, "-fno-tree-loop-distribute-patterns"));
  assert_false(has_arg(&c, "x.o"));
  assert_false(has_arg(&c, "x.d"));
  assert_false(has_arg(&c, "-c"));
  assert_string_equal(c.argv[c.argc - 2], "-working-directory");
  assert_string_equal(c.argv[c.argc - 1], "/src");
  assert_null(c.argv[c.argc]);
  hd__compdb db = {.cmds = &c, .n = 1, .cap = 1};
  db.cmds = malloc(sizeof c);
  db.cmds[0] = c;
  hd__compdb_free(&db);
}

static void test_frontend_compdb_command_and_arguments(void **state) {
  char dir[] = "/tmp/heddle-unit-dbXXXXXX";
  assert_non_null(mkdtemp(dir));
  char *a = NULL, *b = NULL, *json = NULL;
  assert_true(asprintf(&a, "%s/a.c", dir) > 0);
  assert_true(asprintf(&b, "%s/b dir.c", dir) > 0);
  fclose(fopen(a, "w"));
  fclose(fopen(b, "w"));
  assert_true(asprintf(&json,
                       "[{\"directory\": \"%s\", \"file\": \"a.c\","
                       "  \"command\": \"gcc \\\"-DNAME=\\\\\\\"x y\\\\\\\"\\\" -c a.c\"},"
                       " {\"directory\": \"%s\", \"file\": \"b dir.c\","
                       "  \"arguments\": [\"cc\", \"-DB\", \"b dir.c\"]},"
                       " {\"directory\": \"%s\", \"file\": \"a.c\", \"command\": \"cc a.c\"},"
                       " {\"directory\": \"%s\", \"file\": \"x.cpp\", \"command\": \"c++ x.cpp\"}]",
                       dir, dir, dir, dir) > 0);
  char *path = write_temp(json, ".json");
  hd__compdb db = {0};
  assert_int_equal(hd__compdb_load(&db, path), 0);
  assert_int_equal(db.n, 2); /* the duplicate and the C++ file are dropped */
  assert_string_equal(db.cmds[0].file, a);
  assert_true(has_arg(&db.cmds[0], "-DNAME=\"x y\""));
  assert_false(has_arg(&db.cmds[0], "a.c"));
  assert_string_equal(db.cmds[1].file, b);
  assert_true(has_arg(&db.cmds[1], "-DB"));
  char *only[] = {b};
  assert_int_equal(hd__compdb_filter(&db, only, 1), 0);
  assert_int_equal(db.n, 1);
  assert_string_equal(db.cmds[0].file, b);
  char *find = hd__compdb_find(path, NULL);
  assert_string_equal(find, path);
  free(find);
  hd__compdb_free(&db);
  remove(a);
  remove(b);
  remove(path);
  rmdir(dir);
  free(a);
  free(b);
  free(json);
  free(path);
}

static void test_frontend_compdb_found_from_source_dir(void **state) {
  char dir[] = "/tmp/heddle-unit-treeXXXXXX";
  assert_non_null(mkdtemp(dir));
  char *build = NULL, *src = NULL, *db = NULL, *file = NULL;
  assert_true(asprintf(&build, "%s/build", dir) > 0);
  assert_true(asprintf(&src, "%s/src/deep", dir) > 0);
  assert_true(asprintf(&db, "%s/compile_commands.json", build) > 0);
  assert_true(asprintf(&file, "%s/a.c", src) > 0);
  assert_int_equal(mkdir(build, 0700), 0);
  char *mid = NULL;
  assert_true(asprintf(&mid, "%s/src", dir) > 0);
  assert_int_equal(mkdir(mid, 0700), 0);
  assert_int_equal(mkdir(src, 0700), 0);
  fclose(fopen(db, "w"));
  fclose(fopen(file, "w"));
  char *found = hd__compdb_find(NULL, file);
  char real[4096];
  assert_non_null(realpath(db, real));
  assert_non_null(found);
  assert_string_equal(found, real);
  free(found);
  remove(file);
  remove(db);
  rmdir(src);
  rmdir(mid);
  rmdir(build);
  rmdir(dir);
  free(build);
  free(src);
  free(db);
  free(file);
  free(mid);
}

static void test_frontend_compdb_bad_json(void **state) {
  char *path = write_temp("[{\"directory\": 1}", ".json");
  hd__compdb db = {0};
  assert_int_equal(hd__compdb_load(&db, path), HD_EINVAL);
  hd__compdb_free(&db);
  remove(path);
  free(path);
}

static void test_frontend_pack_lookup_and_override(void **state) {
  char *p1 = write_temp("pack: one\n"
                        "lock_families: [{name: fam, kind: spin}]\n"
                        "functions:\n"
                        "  - {name: grab, role: lock_acquire, family: fam, lock_arg: 2}\n"
                        "  - {annotation: my.await, role: await}\n",
                        ".yaml");
  char *p2 = write_temp("pack: two\n"
                        "functions:\n"
                        "  - {name: grab, role: blocking}\n",
                        ".yaml");
  hd__model *m = hd__model_new();
  assert_int_equal(hd__model_load_pack(m, p1), 0);
  const hd__api_fn *g = hd__model_lookup(m, "grab");
  assert_non_null(g);
  assert_int_equal(g->role, HD__ROLE_LOCK_ACQUIRE);
  assert_int_equal(g->lock_arg, 2);
  assert_int_equal(g->family_ref->kind, HD__LOCK_SPIN);
  assert_int_equal(hd__model_lookup_annotation(m, "my.await")->role, HD__ROLE_AWAIT);
  assert_null(hd__model_lookup(m, "other"));
  assert_int_equal(hd__model_load_pack(m, p2), 0);
  assert_int_equal(hd__model_lookup(m, "grab")->role, HD__ROLE_BLOCKING);
  hd__model_free(m);
  remove(p1);
  remove(p2);
  free(p1);
  free(p2);
}

static void test_frontend_pack_errors(void **state) {
  char *bad_role = write_temp("pack: x\nfunctions:\n  - {name: f, role: nope}\n", ".yaml");
  char *both =
      write_temp("pack: x\nfunctions:\n  - {name: f, annotation: a, role: await}\n", ".yaml");
  char *no_family = write_temp("pack: x\nfunctions:\n  - {name: f, role: lock_acquire}\n", ".yaml");
  char *no_name = write_temp("description: no pack key\n", ".yaml");
  hd__model *m = hd__model_new();
  assert_int_equal(hd__model_load_pack(m, bad_role), HD_EINVAL);
  assert_int_equal(hd__model_load_pack(m, both), HD_EINVAL);
  assert_int_equal(hd__model_load_pack(m, no_family), HD_EINVAL);
  assert_int_equal(hd__model_load_pack(m, no_name), HD_EINVAL);
  assert_int_equal(hd__model_load_pack(m, "/nonexistent/pack.yaml"), HD_EIO);
  assert_null(hd__model_lookup(m, "f"));
  hd__model_free(m);
  char *paths[] = {bad_role, both, no_family, no_name};
  for (int i = 0; i < 4; i++) {
    remove(paths[i]);
    free(paths[i]);
  }
}

static void test_frontend_lockid_subst_and_pretty(void **state) {
  const char *args[] = {"&(*$0).lk", "&g"};
  char *s = hd__lockid_subst("&(*$0).mu", args, 2);
  assert_string_equal(s, "&(*$0).lk.mu");
  free(s);
  s = hd__lockid_subst("$1", args, 2);
  assert_string_equal(s, "&g");
  free(s);
  assert_null(hd__lockid_subst("&(*@local).mu", args, 2)); /* callee local */
  assert_null(hd__lockid_subst("&(*$2).mu", args, 2));     /* no such argument */
  s = hd__lockid_subst("&global_mu", NULL, 0);
  assert_string_equal(s, "&global_mu");
  free(s);
  const char *names[] = {"f"};
  s = hd__lockid_pretty("&(*(*$0).tab).mu", names, 1);
  assert_string_equal(s, "f->tab->mu");
  free(s);
  s = hd__lockid_pretty("&@m", NULL, 0);
  assert_string_equal(s, "m");
  free(s);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_frontend_normalise_gcc_command),
      cmocka_unit_test(test_frontend_compdb_command_and_arguments),
      cmocka_unit_test(test_frontend_compdb_found_from_source_dir),
      cmocka_unit_test(test_frontend_compdb_bad_json),
      cmocka_unit_test(test_frontend_pack_lookup_and_override),
      cmocka_unit_test(test_frontend_pack_errors),
      cmocka_unit_test(test_frontend_lockid_subst_and_pretty),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
