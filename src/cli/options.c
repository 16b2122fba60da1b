#include "cli/options.h"

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int cli_error(int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("nashra: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return code;
}

bool cli_parse_int(const char *name, const char *text, int lo, int hi, int *out)
{
    char *end;
    errno = 0;
    long v = strtol(text, &end, 10);
    if (!*text || *end || errno == ERANGE) {
        cli_error(EXIT_USAGE, "%s: '%s' is not a whole number", name, text);
        return false;
    }
    if (v < lo || v > hi) {
        cli_error(EXIT_USAGE, "%s: %ld is out of range (%d to %d)", name, v, lo, hi);
        return false;
    }
    *out = (int)v;
    return true;
}

bool cli_parse_double(const char *name, const char *text, double lo, double hi, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (!*text || *end || errno == ERANGE || v != v) {
        cli_error(EXIT_USAGE, "%s: '%s' is not a number", name, text);
        return false;
    }
    if (v < lo || v > hi) {
        cli_error(EXIT_USAGE, "%s: %g is out of range (%g to %g)", name, v, lo, hi);
        return false;
    }
    *out = v;
    return true;
}

bool cli_parse_duration(const char *name, const char *text, long long *seconds)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    long long unit = 0;
    if (end != text && end[0] && !end[1])
        unit = end[0] == 's' ? 1 : end[0] == 'm' ? 60 : end[0] == 'h' ? 3600
             : end[0] == 'd' ? 86400 : 0;
    if (!unit || errno == ERANGE || v < 1 || v > 366LL * 86400 / unit) {
        cli_error(EXIT_USAGE, "%s: '%s' is not a duration (a whole number with s, m, h or d, "
                  "up to a year: 90m, 2h)", name, text);
        return false;
    }
    *seconds = v * unit;
    return true;
}

bool cli_parse_size(const char *name, const char *text, long long *bytes)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    long long unit = 0;
    if (end != text && (!end[0] || !end[1]))
        unit = !end[0] || end[0] == 'M' ? 1000000LL : end[0] == 'K' ? 1000LL
             : end[0] == 'G' ? 1000000000LL : 0;
    if (!unit || errno == ERANGE || v < 1 || v > 1000000LL * 1000000000LL / unit) {
        cli_error(EXIT_USAGE, "%s: '%s' is not a size (a whole number of megabytes, or with K, M "
                  "or G: 500, 500M, 2G)", name, text);
        return false;
    }
    *bytes = v * unit;
    return true;
}

static bool push(cli_inputs *in, const char *path)
{
    char **p = realloc(in->paths, (in->count + 1) * sizeof *p);
    if (!p)
        return false;
    in->paths = p;
    if (!(in->paths[in->count] = strdup(path)))
        return false;
    in->count++;
    return true;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool has_txt_suffix(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && strcmp(name + n - 4, ".txt") == 0;
}

/* Adds dir's regular .txt files, sorted by name. */
static int collect_dir(const char *dir, cli_inputs *in)
{
    DIR *d = opendir(dir);
    if (!d)
        return cli_error(EXIT_USAGE, "%s: cannot open directory: %s", dir, strerror(errno));
    size_t first = in->count;
    struct dirent *e;
    int rc = EXIT_OK;
    while ((e = readdir(d))) {
        if (e->d_name[0] == '.' || !has_txt_suffix(e->d_name))
            continue;
        char path[PATH_MAX];
        struct stat st;
        if (snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >= (int)sizeof path)
            continue;
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
            continue;
        if (!push(in, path)) {
            rc = cli_error(EXIT_FAIL, "out of memory");
            break;
        }
    }
    closedir(d);
    if (rc == EXIT_OK && in->count == first)
        rc = cli_error(EXIT_USAGE, "%s: no .txt articles in directory", dir);
    if (in->count > first)
        qsort(in->paths + first, in->count - first, sizeof *in->paths, by_name);
    return rc;
}

int cli_inputs_collect(char *const *args, size_t nargs, cli_inputs *out)
{
    memset(out, 0, sizeof *out);
    size_t stdin_uses = 0;
    for (size_t i = 0; i < nargs; i++) {
        struct stat st;
        int rc = EXIT_OK;
        if (strcmp(args[i], "-") == 0) {
            if (++stdin_uses > 1)
                rc = cli_error(EXIT_USAGE, "standard input ('-') can be read only once");
            else if (!push(out, "-"))
                rc = cli_error(EXIT_FAIL, "out of memory");
        } else if (stat(args[i], &st) != 0) {
            rc = cli_error(EXIT_USAGE, "%s: cannot open: %s", args[i], strerror(errno));
        } else if (S_ISDIR(st.st_mode)) {
            rc = collect_dir(args[i], out);
        } else if (!push(out, args[i])) {
            rc = cli_error(EXIT_FAIL, "out of memory");
        }
        if (rc != EXIT_OK) {
            cli_inputs_free(out);
            return rc;
        }
    }
    return EXIT_OK;
}

void cli_inputs_free(cli_inputs *in)
{
    for (size_t i = 0; i < in->count; i++)
        free(in->paths[i]);
    free(in->paths);
    memset(in, 0, sizeof *in);
}
