/* Time zones and calendars through ICU's ucal. */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <unicode/ucal.h>
#include <unicode/ustring.h>

#include "common/error.h"
#include "rundown/clock.h"

/* Opens a calendar for timezone (NULL: ICU's default, the system's zone). */
static nashra_status open_calendar(const char *timezone, bool hijri, UCalendar **out,
                                   nashra_error *err)
{
    UErrorCode status = U_ZERO_ERROR;
    UChar zone[128];
    int32_t zone_len = 0;
    if (timezone) {
        if (strlen(timezone) >= 100 || !*timezone)
            return error_set(err, NASHRA_EINVAL, "unknown time zone '%s'", timezone);
        u_strFromUTF8(zone, 128, &zone_len, timezone, -1, &status);
        if (U_FAILURE(status))
            return error_set(err, NASHRA_EINVAL, "unknown time zone '%s'", timezone);
        /* ICU quietly treats an unknown zone as GMT: ask for its canonical id first. */
        UChar canonical[128];
        UBool system_id = 0;
        ucal_getCanonicalTimeZoneID(zone, zone_len, canonical, 128, &system_id, &status);
        if (U_FAILURE(status) || !system_id)
            return error_set(err, NASHRA_EINVAL, "unknown time zone '%s' (give an IANA name "
                             "such as Asia/Riyadh)", timezone);
    }
    *out = ucal_open(timezone ? zone : NULL, timezone ? zone_len : 0,
                     hijri ? "ar@calendar=islamic-umalqura" : "en@calendar=gregorian",
                     hijri ? UCAL_DEFAULT : UCAL_GREGORIAN, &status);
    if (U_FAILURE(status) || !*out)
        return error_set(err, NASHRA_ETEXT, "ICU cannot open a calendar: %s",
                         u_errorName(status));
    if (!hijri) {
        /* Proleptic Gregorian throughout, as ISO 8601 counts. */
        ucal_setGregorianChange(*out, -8.64e15, &status);
        status = U_ZERO_ERROR;
    }
    return NASHRA_OK;
}

nashra_status nashra_timezone_check(const char *timezone, nashra_error *err)
{
    UCalendar *cal = NULL;
    nashra_status rc = open_calendar(timezone, false, &cal, err);
    ucal_close(cal);
    return rc;
}

nashra_status clock_fields_at(long long t, const char *timezone, bool hijri, clock_fields *f,
                              nashra_error *err)
{
    UCalendar *cal = NULL;
    nashra_status rc = open_calendar(timezone, hijri, &cal, err);
    if (rc)
        return rc;
    UErrorCode status = U_ZERO_ERROR;
    ucal_setMillis(cal, (UDate)t * 1000.0, &status);
    f->year = ucal_get(cal, UCAL_YEAR, &status);
    f->month = ucal_get(cal, UCAL_MONTH, &status) + 1;
    f->day = ucal_get(cal, UCAL_DATE, &status);
    f->weekday = ucal_get(cal, UCAL_DAY_OF_WEEK, &status) - UCAL_SUNDAY;
    f->hour = ucal_get(cal, UCAL_HOUR_OF_DAY, &status);
    f->minute = ucal_get(cal, UCAL_MINUTE, &status);
    f->second = ucal_get(cal, UCAL_SECOND, &status);
    ucal_close(cal);
    if (U_FAILURE(status))
        return error_set(err, NASHRA_ETEXT, "ICU cannot read the date: %s", u_errorName(status));
    return NASHRA_OK;
}

/* "YYYY-MM-DD[T ]HH:MM[:SS]" and what follows it. */
static bool parse_local(const char *s, int v[6], const char **rest)
{
    int n = 0;
    v[5] = 0;
    if (sscanf(s, "%4d-%2d-%2d%n", &v[0], &v[1], &v[2], &n) != 3 || n != 10)
        return false;
    if (s[10] != 'T' && s[10] != ' ')
        return false;
    const char *p = s + 11;
    if (sscanf(p, "%2d:%2d%n", &v[3], &v[4], &n) != 2 || n != 5)
        return false;
    p += 5;
    if (*p == ':') {
        if (sscanf(p + 1, "%2d%n", &v[5], &n) != 1 || n != 2)
            return false;
        p += 3;
    }
    *rest = p;
    return v[0] >= 1 && v[1] >= 1 && v[1] <= 12 && v[2] >= 1 && v[2] <= 31 && v[3] >= 0 &&
           v[3] <= 23 && v[4] >= 0 && v[4] <= 59 && v[5] >= 0 && v[5] <= 59 &&
           s[4] == '-' && s[7] == '-';
}

nashra_status nashra_time_parse(const char *text, const char *timezone, long long *out,
                                nashra_error *err)
{
    int v[6];
    const char *rest;
    if (!text || !parse_local(text, v, &rest))
        return error_set(err, NASHRA_EINVAL, "bad time '%s' (give YYYY-MM-DDTHH:MM[:SS], "
                         "optionally with Z or +HH:MM)", text ? text : "");
    const char *zone = timezone;
    long offset = 0;
    bool fixed = false;
    if (*rest) {
        int oh, om, n = 0;
        if (!strcmp(rest, "Z") || !strcmp(rest, "z")) {
            fixed = true;
        } else if ((*rest == '+' || *rest == '-') &&
                   sscanf(rest + 1, "%2d:%2d%n", &oh, &om, &n) == 2 && n == 5 && !rest[6] &&
                   oh <= 14 && om <= 59) {
            fixed = true;
            offset = (*rest == '-' ? -1 : 1) * (oh * 3600L + om * 60L);
        } else {
            return error_set(err, NASHRA_EINVAL, "bad time '%s' (give YYYY-MM-DDTHH:MM[:SS], "
                             "optionally with Z or +HH:MM)", text);
        }
        zone = "Etc/UTC";
    }
    UCalendar *cal = NULL;
    nashra_status rc = open_calendar(zone, false, &cal, err);
    if (rc)
        return rc;
    UErrorCode status = U_ZERO_ERROR;
    ucal_clear(cal);
    ucal_setDateTime(cal, v[0], v[1] - 1, v[2], v[3], v[4], v[5], &status);
    UDate ms = ucal_getMillis(cal, &status);
    ucal_close(cal);
    if (U_FAILURE(status))
        return error_set(err, NASHRA_EINVAL, "bad time '%s'", text);
    *out = (long long)(ms / 1000.0) - (fixed ? offset : 0);
    return NASHRA_OK;
}

nashra_status nashra_time_local(long long t, const char *timezone, char out[20], nashra_error *err)
{
    clock_fields f;
    nashra_status rc = clock_fields_at(t, timezone, false, &f, err);
    if (rc)
        return rc;
    if (f.year < 1 || f.year > 9999)
        return error_set(err, NASHRA_EINVAL, "time out of range");
    snprintf(out, 20, "%04u-%02u-%02uT%02u:%02u:%02u", (unsigned)f.year % 10000u,
             (unsigned)f.month % 100u, (unsigned)f.day % 100u, (unsigned)f.hour % 100u,
             (unsigned)f.minute % 100u, (unsigned)f.second % 100u);
    return NASHRA_OK;
}

nashra_status nashra_slot_nearest_hour(long long now, const char *timezone, long long *slot,
                                       nashra_error *err)
{
    clock_fields f;
    nashra_status rc = clock_fields_at(now, timezone, false, &f, err);
    if (rc)
        return rc;
    long long into = f.minute * 60LL + f.second;
    *slot = now - into + (into >= 1800 ? 3600 : 0);
    return NASHRA_OK;
}
