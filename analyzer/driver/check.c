/* driver/check.c - `heddle check`: runs the pipeline stages in order.
 *
 *   options -> model (packs) -> compile commands -> parse + IR (-j workers,
 *   one CXIndex each) -> summaries -> checks -> output passes -> writer
 *
 * Exit status: 2 when the command line, a pack, the compile database or
 * any file's compilation failed (the other files are still analyzed and
 * their findings printed), else 1 when an unsuppressed finding remains,
 * else 0. */
#include "driver/check.h"

#include <dirent.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "checks/registry.h"
#include "driver/options.h"
#include "feasibility/feasible.h"
#include "frontend/compdb.h"
#include "frontend/parse.h"
#include "ir/build.h"
#include "output/output.h"
#include "summary/summary.h"

/* ---- rule packs -------------------------------------------------------- */

static int is_yaml(const struct dirent *d) {
  size_t n = strlen(d->d_name);
  return n > 5 && strcmp(d->d_name + n - 5, ".yaml") == 0;
}

/* The bundled packs: <prefix>/share/heddle/rules beside an installed
 * binary, else the source tree's rules/. */
static char *default_rules_dir(void) {
  char exe[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (slash) {
      *slash = '\0';
      char *dir = hd__strf("%s/../share/heddle/rules", exe);
      if (dir && access(dir, R_OK) == 0)
        return dir;
      free(dir);
    }
  }
  return strdup(HEDDLE_RULES_DIR);
}

static int load_packs(hd__model *m, const hd__options *o) {
  if (!o->no_default_rules) {
    char *dir = default_rules_dir();
    struct dirent **list = NULL;
    int n = dir ? scandir(dir, &list, is_yaml, alphasort) : -1;
    if (n < 0) {
      fprintf(stderr, "heddle check: error: cannot read the bundled rule packs in %s\n",
              dir ? dir : "?");
      free(dir);
      return -1;
    }
    int rc = 0;
    for (int i = 0; i < n; i++) {
      char *path = hd__strf("%s/%s", dir, list[i]->d_name);
      if (rc == 0 && (!path || hd__model_load_pack(m, path) < 0))
        rc = -1;
      free(path);
      free(list[i]);
    }
    free(list);
    free(dir);
    if (rc < 0)
      return rc;
  }
  for (int i = 0; i < o->npacks; i++)
    if (hd__model_load_pack(m, o->packs[i]) < 0)
      return -1;
  return 0;
}

/* ---- compile commands -------------------------------------------------- */

static int load_commands(hd__compdb *db, const hd__options *o) {
  if (o->has_cc_args) {
    if (o->nfiles == 0) {
      fprintf(stderr, "heddle check: error: `--` needs source files before it\n");
      return -1;
    }
    for (int i = 0; i < o->nfiles; i++) {
      if (access(o->files[i], R_OK) != 0) {
        fprintf(stderr, "heddle check: error: %s: no such file\n", o->files[i]);
        return -1;
      }
      if (hd__compdb_add_file(db, o->files[i], o->cc_args, o->ncc_args) < 0)
        return -1;
    }
    return 0;
  }
  char *path = hd__compdb_find(o->compdb, o->nfiles > 0 ? o->files[0] : NULL);
  if (!path) {
    if (o->compdb)
      fprintf(stderr, "heddle check: error: no compile_commands.json in '%s'\n", o->compdb);
    else
      fprintf(stderr, "heddle check: error: no compile_commands.json found in the source's or "
                      "the current directory or their parents; use -p BUILD_DIR or FILE... -- "
                      "ARGS\n");
    return -1;
  }
  int rc = hd__compdb_load(db, path);
  free(path);
  if (rc == 0 && o->nfiles > 0)
    rc = hd__compdb_filter(db, o->files, o->nfiles);
  return rc < 0 ? -1 : 0;
}

/* ---- parse workers ----------------------------------------------------- */

typedef struct parse_job {
  const hd__compdb *db;
  const hd__model *model;
  hd__program *prog;
  atomic_int next;
  bool *failed; /* per command */
  atomic_int oom;
  atomic_int done;
  bool progress; /* a "[n/N] file" line on a terminal's stderr */
} parse_job;

static void show_progress(parse_job *job, int i) {
  int n = atomic_fetch_add(&job->done, 1) + 1;
  if (job->progress)
    fprintf(stderr, "\r\x1b[K[%d/%d] %s", n, job->db->n, job->db->cmds[i].file);
}

static void *parse_worker(void *arg) {
  parse_job *job = arg;
  CXIndex idx = clang_createIndex(0, 0);
  for (;;) {
    int i = atomic_fetch_add(&job->next, 1);
    if (i >= job->db->n)
      break;
    CXTranslationUnit tu;
    show_progress(job, i);
    if (job->progress)
      fflush(stderr);
    if (hd__parse(idx, &job->db->cmds[i], &tu) < 0) {
      job->failed[i] = true;
      continue;
    }
    if (hd__ir_build_tu(job->prog, job->model, tu) < 0)
      atomic_store(&job->oom, 1);
    clang_disposeTranslationUnit(tu);
  }
  clang_disposeIndex(idx);
  return NULL;
}

static int parse_all(parse_job *job, int jobs) {
  if (jobs > job->db->n)
    jobs = job->db->n > 0 ? job->db->n : 1;
  pthread_t th[jobs];
  int started = 0;
  for (int i = 1; i < jobs; i++)
    if (pthread_create(&th[started], NULL, parse_worker, job) == 0)
      started++;
  parse_worker(job); /* the main thread works too */
  for (int i = 0; i < started; i++)
    pthread_join(th[i], NULL);
  if (job->progress)
    fprintf(stderr, "\r\x1b[K");
  return atomic_load(&job->oom) ? -1 : 0;
}

/* ---- report ------------------------------------------------------------ */

static int write_report(const hd__options *o, const hd__findings *fs, const hd__report *r) {
  FILE *out = stdout;
  if (o->output && !(out = fopen(o->output, "w"))) {
    fprintf(stderr, "heddle check: error: cannot write %s\n", o->output);
    return -1;
  }
  int rc = 0;
  if (o->format == HD__FORMAT_SARIF)
    rc = hd__sarif_write(out, fs, r);
  else if (o->format == HD__FORMAT_JSON)
    rc = hd__json_write(out, fs, r);
  else
    hd__text_write(out, fs, r);
  if (out != stdout && fclose(out) != 0)
    rc = -1;
  return rc;
}

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int hd__check_main(int argc, char **argv) {
  double t0 = now();
  hd__options o;
  int status = hd__options_parse(argc, argv, &o);
  if (status || o.help || o.version) {
    if (o.help)
      hd__options_usage(stdout);
    else if (o.version && !status)
      printf("heddle %s\n", HEDDLE_VERSION);
    hd__options_free(&o);
    return status;
  }
  hd__model *model = hd__model_new();
  hd__compdb db = {0};
  hd__program *prog = NULL;
  hd__summaries *sums = NULL;
  hd__findings fs = {0};
  hd__sources *src = NULL;
  bool *failed = NULL;
  char **failed_files = NULL;
  char cwd[PATH_MAX], root[PATH_MAX];
  status = 2;
  if (!model || load_packs(model, &o) < 0 || load_commands(&db, &o) < 0)
    goto out;
  if (db.n == 0) {
    fprintf(stderr, "heddle check: error: no C files to analyze\n");
    goto out;
  }
  if (!getcwd(cwd, sizeof cwd) || !realpath(o.root ? o.root : cwd, root)) {
    fprintf(stderr, "heddle check: error: bad --root directory '%s'\n", o.root ? o.root : cwd);
    goto out;
  }
  prog = hd__program_new();
  failed = calloc((size_t)db.n, sizeof *failed);
  failed_files = calloc((size_t)db.n, sizeof *failed_files);
  if (!prog || !failed || !failed_files)
    goto out;
  parse_job job = {.db = &db,
                   .model = model,
                   .prog = prog,
                   .failed = failed,
                   .progress = !o.quiet && isatty(STDERR_FILENO)};
  if (parse_all(&job, o.jobs) < 0)
    goto out;
  double t_parse = now();
  hd__program_index(prog);
  if (!(sums = hd__summaries_compute(prog)))
    goto out;
  hd__check_ctx cx = {prog, sums, model};
  for (int r = 0; r < hd__rule_count; r++)
    if (o.enabled[r] && hd__rules[r].run(&cx, r, &fs) < 0)
      goto out;
  double t_check = now();
  int nfailed = 0;
  for (int i = 0; i < db.n; i++)
    if (failed[i])
      failed_files[nfailed++] = db.cmds[i].file;
  if (!(src = hd__sources_new()))
    goto out;
  hd__report rep = {root, cwd, o.doc_url, o.enabled, db.n, nfailed, failed_files, src};
  hd__findings_sort(&fs);
  if (hd__fingerprint_apply(&fs, &rep) < 0)
    goto out;
  hd__suppress_apply(&fs, src);
  int in_baseline = 0;
  if (o.baseline && (in_baseline = hd__baseline_apply(&fs, o.baseline)) < 0)
    goto out;
  if (write_report(&o, &fs, &rep) < 0)
    goto out;
  int shown = 0, suppressed = 0;
  for (int i = 0; i < fs.n; i++)
    fs.v[i].suppressed ? suppressed++ : shown++;
  if (!o.quiet)
    fprintf(stderr,
            "heddle: %d file%s (%d failed), %d function%s, %d finding%s (%d suppressed, %d in "
            "baseline); parse %.3fs, analysis %.3fs\n",
            db.n, db.n == 1 ? "" : "s", nfailed, hd__program_count(prog),
            hd__program_count(prog) == 1 ? "" : "s", shown, shown == 1 ? "" : "s", suppressed,
            in_baseline, t_parse - t0, t_check - t_parse);
  if (o.stats) {
    hd__fstats fst;
    hd__fstats_total(&fst);
    hd__fstats_print(stderr, &fst);
  }
  status = nfailed ? 2 : shown ? 1 : 0;
out:
  hd__sources_free(src);
  hd__findings_free(&fs);
  hd__summaries_free(sums);
  hd__program_free(prog);
  free(failed);
  free(failed_files);
  hd__compdb_free(&db);
  hd__model_free(model);
  hd__options_free(&o);
  return status;
}
