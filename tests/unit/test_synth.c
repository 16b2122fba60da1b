/* Tests of the synthesis module against the real libespeak-ng. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <string.h>

#include <cmocka.h>

#include "audio/clip.h"
#include "synth/synth.h"

static void voice_names(void **state)
{
    (void)state;
    assert_true(synth_voice_name_ok("ar"));
    assert_true(synth_voice_name_ok("ar+f3"));
    assert_true(synth_voice_name_ok("sem/ar"));
    assert_false(synth_voice_name_ok(""));
    assert_false(synth_voice_name_ok("ar+"));
    assert_false(synth_voice_name_ok("+f3"));
    assert_false(synth_voice_name_ok("ar+f3+m1"));
    assert_false(synth_voice_name_ok("ar f3"));
    assert_false(synth_voice_name_ok("ar+abcdefghijklmnopqrstuvwxyz0123456789"));
}

static double rms(const clip *c)
{
    double sum = 0;
    for (size_t i = 0; i < c->len; i++)
        sum += (double)c->samples[i] * c->samples[i];
    return c->len ? sqrt(sum / (double)c->len) : 0;
}

static void speaks_arabic(void **state)
{
    (void)state;
    nashra_error err = {0};
    synth_params p = {"ar", 165, 45, 50, 0};
    assert_int_equal(synth_setup(&p, &err), NASHRA_OK);
    assert_int_equal(synth_sample_rate(), 22050);

    clip c = CLIP_INIT;
    /* "a short sentence for testing", diacritized */
    const char *sentence = "\xD8\xAC\xD9\x8F\xD9\x85\xD9\x92\xD9\x84\xD9\x8E\xD8\xA9\xD9\x8C "
                           "\xD9\x82\xD9\x8E\xD8\xB5\xD9\x90\xD9\x8A\xD8\xB1\xD9\x8E\xD8\xA9\xD9\x8C";
    assert_int_equal(synth_say(sentence, &c, &err), NASHRA_OK);
    double seconds = (double)c.len / 22050;
    assert_true(seconds > 0.4 && seconds < 3.0);
    assert_true(rms(&c) > 300);

    /* Twice the words take clearly longer. */
    clip d = CLIP_INIT;
    char twice[256];
    snprintf(twice, sizeof twice, "%s %s", sentence, sentence);
    assert_int_equal(synth_say(twice, &d, &err), NASHRA_OK);
    assert_true(d.len > c.len * 3 / 2);

    /* A faster rate gives shorter audio. */
    p.rate = 300;
    assert_int_equal(synth_setup(&p, &err), NASHRA_OK);
    clip e = CLIP_INIT;
    assert_int_equal(synth_say(sentence, &e, &err), NASHRA_OK);
    assert_true(e.len < c.len);
    clip_free(&c);
    clip_free(&d);
    clip_free(&e);
}

static void bad_voices(void **state)
{
    (void)state;
    nashra_error err = {0};
    synth_params p = {"ar+nosuchvariant", 165, 45, 50, 0};
    assert_int_equal(synth_setup(&p, &err), NASHRA_EINVAL);
    assert_non_null(strstr(err.message, "nosuchvariant"));
    p.voice = "nosuchvoice";
    assert_int_equal(synth_setup(&p, &err), NASHRA_EINVAL);
    assert_non_null(strstr(err.message, "nosuchvoice"));
    p.voice = "ar+m3";
    assert_int_equal(synth_setup(&p, &err), NASHRA_OK);
}

static void after_shutdown(void **state)
{
    (void)state;
    synth_shutdown();
    nashra_error err = {0};
    synth_params p = {"ar", 165, 45, 50, 0};
    assert_int_equal(synth_setup(&p, &err), NASHRA_ESYNTH);
    clip c = CLIP_INIT;
    assert_int_equal(synth_say("x", &c, &err), NASHRA_ESYNTH);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(voice_names),
        cmocka_unit_test(speaks_arabic),
        cmocka_unit_test(bad_voices),
        cmocka_unit_test(after_shutdown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
