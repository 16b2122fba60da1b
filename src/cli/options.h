/* Small helpers for the command line: errors in one line, strict number parsing, and the list
 * of article files named on the command line. */
#ifndef NASHRA_CLI_OPTIONS_H
#define NASHRA_CLI_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

/* Prints "nashra: MESSAGE" on stderr and returns code. */
int cli_error(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Parses a whole decimal integer in [lo, hi] for option name; prints the error itself. */
bool cli_parse_int(const char *name, const char *text, int lo, int hi, int *out);

/* The same for a decimal number in [lo, hi]. */
bool cli_parse_double(const char *name, const char *text, double lo, double hi, double *out);

/* A duration such as 45s, 90m, 2h or 1d, into seconds; prints the error itself. */
bool cli_parse_duration(const char *name, const char *text, long long *seconds);

/* A size such as 500 (megabytes), 800K, 500M or 2G (powers of 1000), into bytes; prints the
 * error itself. */
bool cli_parse_size(const char *name, const char *text, long long *bytes);

/* The articles named by the arguments: files, '-' for standard input, and directories,
 * whose .txt files are taken in name order. */
typedef struct cli_inputs {
    char **paths;
    size_t count;
} cli_inputs;

/* Returns EXIT_OK, or an exit code after printing the error. */
int cli_inputs_collect(char *const *args, size_t nargs, cli_inputs *out);
void cli_inputs_free(cli_inputs *in);

#endif
