/* driver/check.h - the `heddle check` subcommand. */
#ifndef HEDDLE_ANALYZER_CHECK_H
#define HEDDLE_ANALYZER_CHECK_H

/* argv[0] is "check". Returns the exit status (0, 1 or 2, docs/cli.md). */
int hd__check_main(int argc, char **argv);

#endif
