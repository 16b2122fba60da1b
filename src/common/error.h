/* Status codes and one-line error messages shared by every module. */
#ifndef NASHRA_COMMON_ERROR_H
#define NASHRA_COMMON_ERROR_H

#include "nashra.h"

#if defined(__GNUC__)
#define NASHRA_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))
#else
#define NASHRA_PRINTF(fmt, args)
#endif

/* Fills err (when not NULL) and returns status, so callers can write
 * `return error_set(err, NASHRA_EIO, "%s: %s", path, strerror(errno));`. */
nashra_status error_set(nashra_error *err, nashra_status status, const char *fmt, ...)
    NASHRA_PRINTF(3, 4);

#endif
