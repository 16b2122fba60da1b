#include "common/error.h"

#include <stdarg.h>
#include <stdio.h>

nashra_status error_set(nashra_error *err, nashra_status status, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->message, sizeof err->message, fmt, ap);
        va_end(ap);
        /* One line whatever the input quoted in it holds (a file name, a JSON key). */
        for (char *c = err->message; *c; c++)
            if ((unsigned char)*c < ' ' || *c == 0x7f)
                *c = ' ';
        err->status = status;
    }
    return status;
}

const char *nashra_status_text(nashra_status status)
{
    switch (status) {
    case NASHRA_OK: return "success";
    case NASHRA_EINVAL: return "invalid argument";
    case NASHRA_EINPUT: return "invalid input";
    case NASHRA_EIO: return "input/output error";
    case NASHRA_EEXIST: return "output exists";
    case NASHRA_ENOMEM: return "out of memory";
    case NASHRA_ETEXT: return "text processing failed";
    case NASHRA_ESYNTH: return "synthesizer failed";
    case NASHRA_EAUDIO: return "audio output failed";
    case NASHRA_ECANCELED: return "canceled";
    case NASHRA_EBUSY: return "output locked by another run";
    }
    return "unknown error";
}

const char *nashra_version(void)
{
    return NASHRA_VERSION;
}
