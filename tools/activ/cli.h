/* cli.h - what every activ subcommand shares: messages, exit codes, name suggestions.
 *
 * Exit codes: 0 success, 1 failure (bad data, I/O), 2 bad usage (unknown command, option or
 * function, missing argument). Data goes to stdout, messages to stderr. NO_COLOR is honoured.
 */
#ifndef ACTIV_CLI_H
#define ACTIV_CLI_H

#include <stddef.h>
#include "activ.h"

enum { CLI_OK = 0, CLI_FAIL = 1, CLI_USAGE = 2 };

/* Subcommands: each lives in its own file, cmd_NAME.c, and gets argv[0] = "NAME". */
int cmd_eval(int argc, char **argv);
int cmd_grad(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_experiment(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_table(int argc, char **argv);
int cmd_tour(int argc, char **argv);

/* "activ: error: ..." (red on a terminal unless NO_COLOR is set). Returns CLI_FAIL. */
int cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Same, then "Try 'activ CMD --help'." Returns CLI_USAGE. */
int cli_usage(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* "activ: warning: ..." */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* "activ: ..." progress/info message on stderr. */
void cli_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* 1 if stderr (fd 2) / stdout (fd 1) is a terminal and colour is allowed (NO_COLOR unset). */
int cli_color(int fd);

/* The candidate closest to word (edit distance), or NULL if none is close enough. */
const char *cli_suggest(const char *word, const char *const *cands, size_t ncands);

/* Parses an activation name (accepts "silu"). On failure prints the error, the closest
 * name and the list of valid names, and returns CLI_USAGE; returns CLI_OK on success. */
int cli_parse_kind(const char *cmd, const char *name, activ_kind *kind);
/* Strict number parsing: the whole string must be a finite number. Return 0 on success. */
int cli_parse_float(const char *s, float *out);
int cli_parse_double(const char *s, double *out);
int cli_parse_long(const char *s, long *out);
/* Comma-separated floats ("0.01,0.1,0.3") into out[max]; returns the count or -1. */
int cli_parse_float_list(const char *s, float *out, int max);

/* Reports an unknown option: "unknown option '--alpah' (did you mean '--alpha'?)". */
int cli_unknown_option(const char *cmd, const char *opt, const char *const *opts, size_t nopts);

/* Output paths (cli_paths.c). 1 if a and b name the same file (existing or not). */
int cli_same_file(const char *a, const char *b);
/* Checks that path can be written (not a directory, a temp file can be made beside it)
 * before any work; prints the path and the system's reason and returns CLI_FAIL if not. */
int cli_check_output(const char *path);
/* "cannot write 'PATH': <strerror(errno)>" for ACTIV_ERR_IO, else the status. CLI_FAIL. */
int cli_write_error(const char *path, activ_status s);

#endif
