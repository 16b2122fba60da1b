/*
 * The anchor's opening words: the bulletin's hour with its part of the day, then the weekday,
 * the ordinal day and the month, and optionally the Hijri date, all spelled by the number
 * grammar of src/expand (numbers.h) with the month and weekday names of months.tsv.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/buf.h"
#include "common/data.h"
#include "common/error.h"
#include "expand/lexicon.h"
#include "expand/numbers.h"
#include "rundown/clock.h"
#include "rundown/greeting.h"

extern const data_blob nashra_data_rundown_words;
static data_once words_once = DATA_ONCE_INIT;

#define ARABIC_COMMA "\xD8\x8C" /* ، */

const char *greeting_word(const char *key)
{
    const data_table *t = data_once_get(&words_once, &nashra_data_rundown_words);
    return t ? data_table_get(t, key) : NULL;
}

/* The first row of months.tsv of calendar ('g', 'h' or 'w') and number. */
static const data_row *name_row(char calendar, int number)
{
    const data_table *t = lex_rows(LEX_MONTHS);
    for (size_t k = 0; t && k < t->count; k++)
        if (t->rows[k].field[2][0] == calendar && atoi(t->rows[k].field[1]) == number &&
            t->rows[k].field[1][0])
            return &t->rows[k];
    return NULL;
}

static bool put_word(buf *out, const char *key)
{
    const char *w = greeting_word(key);
    return w && buf_puts(out, w);
}

static bool put_number_word(buf *out, const char *key)
{
    const char *w = numbers_word(key);
    return w && buf_puts(out, w);
}

/* "السَّاعَةِ الثَّامِنَةِ وَالنِّصْفُ مَسَاءً" after the opening (the hour is genitive). */
static bool put_clock(buf *out, int hour, int minute)
{
    int shown = hour;
    if (minute == 40 || minute == 45)
        shown = (hour + 1) % 24;
    unsigned twelve = shown % 12 == 0 ? 12 : (unsigned)(shown % 12);
    if (!put_word(out, "open.hour") || !buf_putc(out, ' ') ||
        !numbers_hour(out, twelve, NUM_GEN))
        return false;
    bool ok = true;
    switch (minute) {
    case 0: break;
    case 15: ok = buf_putc(out, ' ') && put_number_word(out, "time.quarter"); break;
    case 20: ok = buf_putc(out, ' ') && put_number_word(out, "time.third"); break;
    case 30: ok = buf_putc(out, ' ') && put_number_word(out, "time.half"); break;
    case 40: ok = buf_putc(out, ' ') && put_number_word(out, "time.less.third"); break;
    case 45: ok = buf_putc(out, ' ') && put_number_word(out, "time.less.quarter"); break;
    default: {
        num_noun noun = {numbers_word("minute"), numbers_word("minute.plural"), NUM_FEM, false,
                         NULL, NULL};
        ok = noun.singular && noun.plural_gen && buf_putc(out, ' ') &&
             put_number_word(out, "and") && numbers_counted(out, (uint64_t)minute, &noun, NUM_GEN);
        break;
    }
    }
    char key[32];
    snprintf(key, sizeof key, "daypart.%d", shown);
    return ok && buf_putc(out, ' ') && put_word(out, key);
}

/* "الثُّلَاثَاءْ الرَّابِعُ وَالْعِشْرُونَ مِنْ نُوفَمْبَرْ" */
static bool put_date(buf *out, const clock_fields *f)
{
    const data_row *day = name_row('w', f->weekday), *month = name_row('g', f->month);
    if (!day || !month)
        return false;
    const char *of_month = month->field[4][0] ? month->field[4] : month->field[3];
    return buf_puts(out, day->field[3]) && buf_putc(out, ' ') &&
           numbers_ordinal(out, (uint64_t)f->day, NUM_MASC, NUM_NOM) && buf_putc(out, ' ') &&
           put_number_word(out, "from") && buf_putc(out, ' ') && buf_puts(out, of_month);
}

/* "الْمُوَافِقُ الثَّالِثَ مِنْ جُمَادَى الْآخِرَةِ عَامَ ... لِلْهِجْرَةِ" */
static bool put_hijri(buf *out, const clock_fields *h)
{
    const data_row *month = name_row('h', h->month);
    if (!month || h->year < 1)
        return false;
    const char *of_month = month->field[4][0] ? month->field[4] : month->field[3];
    return put_word(out, "hijri.lead") && buf_putc(out, ' ') &&
           numbers_ordinal(out, (uint64_t)h->day, NUM_MASC, NUM_ACC) && buf_putc(out, ' ') &&
           put_number_word(out, "from") && buf_putc(out, ' ') && buf_puts(out, of_month) &&
           buf_putc(out, ' ') && put_number_word(out, "year") && buf_putc(out, ' ') &&
           numbers_cardinal(out, (uint64_t)h->year, NUM_MASC, NUM_GEN) && buf_putc(out, ' ') &&
           put_word(out, "hijri.era");
}

nashra_status nashra_greeting_text(long long slot, const char *timezone, int hijri, char **out,
                                   nashra_error *err)
{
    *out = NULL;
    clock_fields g, h;
    nashra_status rc = clock_fields_at(slot, timezone, false, &g, err);
    if (!rc && hijri)
        rc = clock_fields_at(slot, timezone, true, &h, err);
    if (rc)
        return rc;
    if (g.year < 1 || g.year > 9999)
        return error_set(err, NASHRA_EINVAL, "the slot is out of range");
    buf b = BUF_INIT;
    bool ok = g.hour == 0 && g.minute == 0 ? put_word(&b, "open.midnight")
                                           : put_clock(&b, g.hour, g.minute);
    ok = ok && buf_puts(&b, ARABIC_COMMA " ") && put_date(&b, &g);
    if (ok && hijri)
        ok = buf_puts(&b, ARABIC_COMMA " ") && put_hijri(&b, &h);
    ok = ok && buf_putc(&b, '.');
    if (!ok) {
        buf_free(&b);
        return error_set(err, NASHRA_ENOMEM, "cannot spell the greeting (out of memory or "
                         "word tables missing)");
    }
    *out = buf_take(&b);
    return NASHRA_OK;
}
