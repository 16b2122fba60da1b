/* Calendar fields of a moment in a time zone, with ICU (Gregorian and Umm al-Qura). */
#ifndef NASHRA_RUNDOWN_CLOCK_H
#define NASHRA_RUNDOWN_CLOCK_H

#include <stdbool.h>

#include "nashra.h"

typedef struct clock_fields {
    int year, month, day;   /* month 1..12 */
    int weekday;            /* 0 Sunday .. 6 Saturday */
    int hour, minute, second;
} clock_fields;

/* The fields of t (seconds since the epoch) in timezone (NULL: the system's), in the
 * Gregorian calendar or, with hijri, the Umm al-Qura calendar. */
nashra_status clock_fields_at(long long t, const char *timezone, bool hijri, clock_fields *out,
                              nashra_error *err);

#endif
