#include "e2e.h"

#include <dirent.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "table.h"

int workdir_setup(void **state)
{
    (void)state;
    return mkdtemp(workdir) ? 0 : -1;
}

int workdir_teardown(void **state)
{
    (void)state;
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", workdir);
    return system(cmd) == 0 ? 0 : -1;
}

void write_file(const char *path, const char *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

pid_t spawn_v(const char *stdin_path, const char *out_path, const char *err_path,
              va_list args)
{
    /* NASHRA_TEST_WRAPPER, words split at spaces, runs before the binary: scripts/valgrind
     * sets it to valgrind with its options. */
    const char *argv[96];
    size_t argc = 0;
    static char wrapper[1024];
    const char *w = getenv("NASHRA_TEST_WRAPPER");
    if (w && *w) {
        snprintf(wrapper, sizeof wrapper, "%s", w);
        for (char *save = NULL, *word = strtok_r(wrapper, " ", &save); word && argc < 32;
             word = strtok_r(NULL, " ", &save))
            argv[argc++] = word;
    }
    argv[argc++] = NASHRA_BINARY;
    const char *a;
    while ((a = va_arg(args, const char *)) && argc < 95)
        argv[argc++] = a;
    argv[argc] = NULL;
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int in = open(stdin_path ? stdin_path : "/dev/null", O_RDONLY);
        int out = open(out_path ? out_path : "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0600);
        int err = open(err_path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
        if (in < 0 || out < 0 || err < 0)
            _exit(99);
        dup2(in, 0);
        dup2(out, 1);
        dup2(err, 2);
        execvp(argv[0], (char *const *)argv);
        _exit(98);
    }
    return pid;
}

pid_t spawn(const char *err_path, ...)
{
    va_list ap;
    va_start(ap, err_path);
    pid_t pid = spawn_v(NULL, NULL, err_path, ap);
    va_end(ap);
    return pid;
}

run_result run_v(const char *stdin_path, va_list args)
{
    WORK(out_path, "stdout");
    WORK(err_path, "stderr");
    pid_t pid = spawn_v(stdin_path, out_path, err_path, args);
    int ws;
    assert_int_equal(waitpid(pid, &ws, 0), pid);
    run_result r;
    r.status = WIFEXITED(ws) ? WEXITSTATUS(ws) : 128 + WTERMSIG(ws);
    r.out = table_read_file(out_path, NULL);
    r.err = table_read_file(err_path, NULL);
    return r;
}

run_result run(const char *stdin_path, ...)
{
    va_list ap;
    va_start(ap, stdin_path);
    run_result r = run_v(stdin_path, ap);
    va_end(ap);
    return r;
}

void result_free(run_result *r)
{
    free(r->out);
    free(r->err);
}

void expect_success(run_result r)
{
    if (r.status != 0)
        fail_msg("exit %d: %s", r.status, r.err);
    result_free(&r);
}

void expect_failure(run_result r, int status, const char *needle)
{
    const char *nl = strchr(r.err, '\n');
    if (r.status != status || !strstr(r.err, needle) || strncmp(r.err, "nashra: ", 8) != 0 ||
        !nl || nl[1] != '\0')
        fail_msg("expected exit %d and one line with '%s' on stderr; got %d and '%s'", status,
                 needle, r.status, r.err);
    result_free(&r);
}

size_t cache_each_entry(const char *dir, void (*fn)(void *user, const char *path, size_t n),
                        void *user, size_t *bytes)
{
    size_t n = 0;
    if (bytes)
        *bytes = 0;
    DIR *top = opendir(dir);
    if (!top)
        return 0;
    struct dirent *d;
    while ((d = readdir(top))) {
        if (d->d_name[0] == '.')
            continue;
        char sub[1024];
        snprintf(sub, sizeof sub, "%s/%s", dir, d->d_name);
        DIR *s = opendir(sub);
        if (!s)
            continue;
        struct dirent *e;
        while ((e = readdir(s))) {
            size_t len = strlen(e->d_name);
            if (len < 5 || strcmp(e->d_name + len - 5, ".clip") != 0)
                continue;
            char path[2048];
            snprintf(path, sizeof path, "%s/%s", sub, e->d_name);
            struct stat st;
            assert_int_equal(stat(path, &st), 0);
            if (bytes)
                *bytes += (size_t)st.st_size;
            if (fn)
                fn(user, path, n);
            n++;
        }
        closedir(s);
    }
    closedir(top);
    return n;
}
