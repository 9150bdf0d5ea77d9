/* cli.h - shared pieces of the clact command-line tool. */
#ifndef CLACT_CLI_H
#define CLACT_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "clact.h"

#define CLI_EXIT_FAIL 1  /* the command failed */
#define CLI_EXIT_USAGE 2 /* bad command line */

#if defined(__GNUC__)
#define CLI_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define CLI_PRINTF(a, b)
#endif

/* "clact: error: <message>" as exactly one line on stderr. */
void cli_error(const char *fmt, ...) CLI_PRINTF(1, 2);
/* "clact: warning: <message>", one line on stderr. */
void cli_warning(const char *fmt, ...) CLI_PRINTF(1, 2);
/* "<status string>: <clact_last_error()>" (or just the status string),
 * on one line, in a static buffer. */
const char *cli_status_detail(clact_status s);

/* f32 | f16 | bf16 | f64 (also float32, float16, half, bfloat16, float64, double) */
int cli_parse_dtype(const char *s, clact_dtype *out);
/* A whole finite-or-not double; 0 on success. */
int cli_parse_double(const char *s, double *out);
/* A whole int; 0 on success. */
int cli_parse_int(const char *s, int *out);

/* Long options: "--name value" or "--name=value". If argv[*i] is the option
 * `name`, sets *value (consuming the next argument when needed, NULL if it
 * is missing) and returns 1. */
int cli_match_option(int argc, char **argv, int *i, const char *name, const char **value);

/* Comma-separated list of op names (or "all") -> flags in sel[CLACT_OP_COUNT]. */
int cli_parse_op_list(const char *s, unsigned char *sel);

int cmd_devices(int argc, char **argv);
int cmd_apply(int argc, char **argv);
int cmd_bench(int argc, char **argv);
int cmd_cache(int argc, char **argv);
int cmd_tune(int argc, char **argv);

void usage_main(FILE *stream);
void usage_devices(FILE *stream);
void usage_apply(FILE *stream);
void usage_bench(FILE *stream);
void usage_cache(FILE *stream);
void usage_tune(FILE *stream);

#endif /* CLACT_CLI_H */
