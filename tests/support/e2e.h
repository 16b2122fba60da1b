/* What the end-to-end tests share: a scratch folder, and running the nashra command. */
#ifndef NASHRA_TEST_E2E_H
#define NASHRA_TEST_E2E_H

#include <stdarg.h>
#include <stddef.h>
#include <sys/types.h>

/* The scratch folder: a "...XXXXXX" template the test file defines; mkdtemp fills it in. */
extern char workdir[];

/* cmocka group setup and teardown: make the folder, and remove it with what it holds. */
int workdir_setup(void **state);
int workdir_teardown(void **state);

/* Declares a buffer holding the path of name inside the work folder. */
#define WORK(var, name)                                                                         \
    char var[512];                                                                              \
    snprintf(var, sizeof var, "%s/%s", workdir, name)

/* Writes len bytes of data to path; fails the test if it cannot. */
void write_file(const char *path, const char *data, size_t len);

typedef struct run_result {
    int status; /* exit code, or 128 + signal */
    char *out;  /* standard output, whole */
    char *err;  /* standard error, whole */
} run_result;

/* Runs the nashra binary with the NULL-terminated arguments after stdin_path (standard input
 * from that file, or /dev/null when it is NULL) and waits for it. */
run_result run(const char *stdin_path, ...);

/* Starts the nashra binary with the NULL-terminated arguments in args and returns its pid
 * without waiting: standard input from stdin_path (or /dev/null), output to out_path (or
 * /dev/null), errors to err_path. */
pid_t spawn_v(const char *stdin_path, const char *out_path, const char *err_path,
              va_list args);
run_result run_v(const char *stdin_path, va_list args);

/* Starts the nashra binary with the NULL-terminated arguments without waiting: no input, no
 * output, standard error into err_path. */
pid_t spawn(const char *err_path, ...);

void result_free(run_result *r);

/* Fails the test, showing standard error, unless the run exited with 0. Frees r. */
void expect_success(run_result r);

/* Fails the test unless the run exited with status and wrote one line to standard error,
 * starting "nashra: " and holding needle. Frees r. */
void expect_failure(run_result r, int status, const char *needle);

/* Calls fn (when not NULL) with the path and the index of each entry file (XX/KEY.clip) of the
 * sentence cache in dir, adds their sizes to *bytes (when not NULL), and returns their number
 * (0 when dir does not exist). */
size_t cache_each_entry(const char *dir, void (*fn)(void *user, const char *path, size_t n),
                        void *user, size_t *bytes);

#endif
