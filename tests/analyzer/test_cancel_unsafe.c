/* cancel-unsafe-select end to end below the command line: each snippet
 * includes the real runtime headers (their HD_CANCEL_SAFE / HD_CANCEL_UNSAFE
 * and HD_CANCELS_CHILD annotations are the model), is parsed from memory
 * with libclang, built into IR with the bundled packs, summarised and
 * checked. What the corpus does not pin: the per-result level (error in a
 * loop, warning once), the chain through two async functions in the
 * message, an HD_ASYNC_FN_ANNOTATED frame type overriding the inference,
 * hd_by_ref from the runtime, a timeout used as a select branch (as unsafe
 * as its inner future), hd_future_drop (outside a drop hook, of a future
 * that may be unfinished), and an abort of a cancel-safe task. */
#include "snippet_check.h"

#define PRELUDE "#include \"heddle/heddle.h\"\n"
#define PRELUDE_LINES 1

static const snippet_rule RULE = {"cancel-unsafe-select", PRELUDE, PRELUDE_LINES, NULL};

/* An async function awaiting read_exact, and one awaiting it in turn. */
#define INNER_OUTER                                                                                \
  "HD_ASYNC_FN(inner, int, hd_stream *s; unsigned char b[4]; hd_read_exact rx;);\n"                \
  "HD_ASYNC(inner, f, cx, NULL) {\n"                                                               \
  "  HD_AWAIT(f, cx, hd_read_exact_init(&f->rx, f->s, f->b, 4));\n" /* 3 */                        \
  "  HD_RETURN(f, f->rx.out);\n"                                                                   \
  "}\n"                                                                                            \
  "HD_ASYNC_END(f)\n"                                                                              \
  "static hd_future *inner_init(inner *f, hd_stream *s) {\n"                                       \
  "  HD_ASYNC_INIT(f, inner);\n"                                                                   \
  "  f->s = s;\n"                                                                                  \
  "  return &f->hd;\n"                                                                             \
  "}\n"                                                                                            \
  "HD_ASYNC_FN(outer, int, hd_stream *s; inner in;);\n"                                            \
  "HD_ASYNC(outer, f, cx, NULL) {\n"                                                               \
  "  HD_AWAIT(f, cx, inner_init(&f->in, f->s));\n" /* 14 */                                        \
  "  HD_RETURN(f, f->in.out);\n"                                                                   \
  "}\n"                                                                                            \
  "HD_ASYNC_END(f)\n"                                                                              \
  "static hd_future *outer_init(outer *f, hd_stream *s) {\n"                                       \
  "  HD_ASYNC_INIT(f, outer);\n"                                                                   \
  "  f->s = s;\n"                                                                                  \
  "  return &f->hd;\n"                                                                             \
  "}\n"

static void test_cancel_unsafe_levels_and_chain(void **state) {
  hd__findings fs =
      snippet_run(&RULE, INNER_OUTER
                  "HD_ASYNC_FN(loop, int, hd_stream *s; outer o; hd_sleep t; hd_select sel;);\n"
                  "HD_ASYNC(loop, f, cx, NULL) {\n"
                  "  for (;;) {\n"
                  "    outer_init(&f->o, f->s);\n" /* 26 */
                  "    HD_AWAIT(f, cx, HD_SELECT(&f->sel, &f->o.hd, hd_sleep_init(&f->t, 5)));\n"
                  "  }\n"
                  "}\n"
                  "HD_ASYNC_END(f)\n"
                  "HD_ASYNC_FN(once, int, hd_stream *s; outer o; hd_sleep t; hd_select sel;);\n"
                  "HD_ASYNC(once, f, cx, NULL) {\n"
                  "  outer_init(&f->o, f->s);\n"
                  "  HD_AWAIT(f, cx, HD_SELECT(&f->sel, &f->o.hd, hd_sleep_init(&f->t, 5)));\n"
                  "}\n"
                  "HD_ASYNC_END(f)\n");
  assert_int_equal(fs.n, 2);
  assert_int_equal(fs.v[0].loc.line, 27);
  assert_string_equal(fs.v[0].level, "error");
  assert_non_null(strstr(fs.v[0].msg, "(select -> outer -> inner -> hd_read_exact)"));
  assert_non_null(strstr(fs.v[0].msg, "hd_by_ref"));
  assert_non_null(strstr(fs.v[0].msg, "hd_read_frame"));
  assert_int_equal(fs.v[0].nnotes, 4);
  assert_int_equal(fs.v[0].notes[0].loc.line, 26); /* created here, inside the loop */
  assert_int_equal(fs.v[0].notes[1].loc.line, 14); /* 'outer' awaits 'inner' */
  assert_int_equal(fs.v[0].notes[2].loc.line, 3);  /* 'inner' awaits 'hd_read_exact' */
  assert_non_null(strstr(fs.v[0].notes[2].msg, "(not cancel-safe)"));
  assert_int_equal(fs.v[1].loc.line, 34);
  assert_string_equal(fs.v[1].level, "warning");
  hd__findings_free(&fs);
}

static void test_cancel_unsafe_annotated_frame_type(void **state) {
  snippet_expect_lines(
      &RULE,
      "HD_ASYNC_FN_ANNOTATED(opcode, HD_CANCEL_SAFE, int, hd_stream *s; unsigned char b;\n"
      "                      hd_read_exact rx;);\n"
      "HD_ASYNC(opcode, f, cx, NULL) {\n"
      "  HD_AWAIT(f, cx, hd_read_exact_init(&f->rx, f->s, &f->b, 1));\n"
      "  HD_RETURN(f, f->b);\n"
      "}\n"
      "HD_ASYNC_END(f)\n"
      "HD_ASYNC_FN(loop, int, hd_stream *s; opcode op; hd_sleep t; hd_select sel;);\n"
      "HD_ASYNC(loop, f, cx, NULL) {\n"
      "  for (;;) {\n"
      "    HD_ASYNC_INIT(&f->op, opcode);\n"
      "    f->op.s = f->s;\n"
      "    HD_AWAIT(f, cx, HD_SELECT(&f->sel, &f->op.hd, hd_sleep_init(&f->t, 5)));\n"
      "  }\n"
      "}\n"
      "HD_ASYNC_END(f)\n",
      0);
}

static void test_cancel_unsafe_by_ref_and_timeout_branch(void **state) {
  hd__findings fs = snippet_run(
      &RULE,
      "HD_ASYNC_FN(a, int, hd_stream *s; unsigned char b[4]; hd_read_exact rx; hd_by_ref r;\n"
      "            hd_sleep t; hd_select sel;);\n"
      "static void a_drop(hd_future *self) { hd_future_drop(&((a *)self)->rx.hd); }\n"
      "HD_ASYNC(a, f, cx, a_drop) {\n"
      "  hd_read_exact_init(&f->rx, f->s, f->b, 4);\n"
      "  for (;;) {\n" /* by_ref of a future created once: fine */
      "    HD_AWAIT(f, cx, HD_SELECT(&f->sel, hd_by_ref_init(&f->r, &f->rx.hd),\n"
      "                              hd_sleep_init(&f->t, 5)));\n"
      "    if (f->sel.winner == 0)\n"
      "      break;\n"
      "  }\n"
      "  HD_RETURN(f, f->rx.out);\n"
      "}\n"
      "HD_ASYNC_END(f)\n"
      "HD_ASYNC_FN(b, int, hd_stream *s; unsigned char b[4]; hd_read_exact rx; hd_timeout to;\n"
      "            hd_sleep t; hd_select sel;);\n"
      "HD_ASYNC(b, f, cx, NULL) {\n"
      "  hd_read_exact_init(&f->rx, f->s, f->b, 4);\n"
      "  hd_timeout_init(&f->to, &f->rx.hd, 100);\n" /* 19: the timeout drops rx */
      "  HD_AWAIT(f, cx, HD_SELECT(&f->sel, &f->to.hd, hd_sleep_init(&f->t, 5)));\n" /* 20 */
      "  HD_RETURN(f, 0);\n"
      "}\n"
      "HD_ASYNC_END(f)\n");
  assert_int_equal(fs.n, 2);
  assert_int_equal(fs.v[0].loc.line, 19);
  assert_non_null(strstr(fs.v[0].msg, "(timeout -> hd_read_exact)"));
  assert_int_equal(fs.v[1].loc.line, 20);
  assert_non_null(strstr(fs.v[1].msg, "(select -> hd_timeout -> hd_read_exact)"));
  assert_string_equal(fs.v[1].level, "warning");
  hd__findings_free(&fs);
}

static void test_cancel_unsafe_future_drop(void **state) {
  snippet_expect_lines(
      &RULE,
      "typedef struct conn { hd_stream *s; unsigned char b[4]; hd_read_exact rx; } conn;\n"
      "void conn_close(conn *c) { hd_future_drop(&c->rx.hd); }\n" /* 2: may be unfinished */
      "HD_ASYNC_FN(a, int, hd_stream *s; unsigned char b[4]; hd_read_exact rx; hd_by_ref r;\n"
      "            hd_sleep t; hd_select sel;);\n"
      "HD_ASYNC(a, f, cx, NULL) {\n"
      "  hd_read_exact_init(&f->rx, f->s, f->b, 4);\n"
      "  HD_AWAIT(f, cx, HD_SELECT(&f->sel, hd_by_ref_init(&f->r, &f->rx.hd),\n"
      "                            hd_sleep_init(&f->t, 5)));\n"
      "  hd_future_drop(&f->rx.hd);\n" /* 9: the sleep may have won */
      "  HD_AWAIT(f, cx, hd_read_exact_init(&f->rx, f->s, f->b, 4));\n"
      "  hd_future_drop(&f->rx.hd);\n" /* 11: awaited to completion: nothing to lose */
      "  HD_RETURN(f, 0);\n"
      "}\n"
      "HD_ASYNC_END(f)\n",
      2, 9, 0);
}

static void test_cancel_unsafe_abort_safe_task(void **state) {
  snippet_expect_lines(&RULE,
                       "HD_ASYNC_FN(ticker, int, hd_sleep t;);\n"
                       "HD_ASYNC(ticker, f, cx, NULL) {\n"
                       "  for (;;)\n"
                       "    HD_AWAIT(f, cx, hd_sleep_init(&f->t, 10));\n"
                       "}\n"
                       "HD_ASYNC_END(f)\n"
                       "HD_ASYNC_FN(sup, int, hd_join_handle *h; hd_sleep t;);\n"
                       "HD_ASYNC(sup, f, cx, NULL) {\n"
                       "  {\n"
                       "    ticker k;\n"
                       "    HD_ASYNC_INIT(&k, ticker);\n"
                       "    f->h = hd_spawn(&k.hd);\n"
                       "  }\n"
                       "  HD_AWAIT(f, cx, hd_sleep_init(&f->t, 50));\n"
                       "  hd_join_handle_abort(f->h);\n" /* a ticker loses nothing */
                       "  hd_join_handle_drop(f->h);\n"
                       "}\n"
                       "HD_ASYNC_END(f)\n",
                       0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_cancel_unsafe_levels_and_chain),
      cmocka_unit_test(test_cancel_unsafe_annotated_frame_type),
      cmocka_unit_test(test_cancel_unsafe_by_ref_and_timeout_branch),
      cmocka_unit_test(test_cancel_unsafe_future_drop),
      cmocka_unit_test(test_cancel_unsafe_abort_safe_task),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
