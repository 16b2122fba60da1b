/* Tests of the audio module: trimming clips, and the WAV writer's file handling. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sndfile.h>
#include <sys/stat.h>
#include <unistd.h>
#include <dirent.h>

#include <cmocka.h>

#include "audio/clip.h"
#include "audio/writer.h"

static void trimming(void **state)
{
    (void)state;
    clip c = CLIP_INIT;
    int16_t samples[1000] = {0};
    for (int i = 300; i < 700; i++)
        samples[i] = (int16_t)(i % 2 ? 5000 : -5000);
    samples[100] = 50; /* noise under the threshold */
    assert_true(clip_append(&c, samples, 1000));
    size_t start, end;
    clip_audible(&c, 100, 10, &start, &end);
    assert_int_equal(start, 290);
    assert_int_equal(end, 710);
    clip_audible(&c, 100, 500, &start, &end); /* the margin is clamped to the clip */
    assert_int_equal(start, 0);
    assert_int_equal(end, 1000);

    clip_clear(&c);
    assert_true(clip_append(&c, samples, 100));
    clip_audible(&c, 100, 10, &start, &end);
    assert_int_equal(start, end);
    clip_free(&c);
}

/* Count of entries in dir whose name starts with prefix. */
static int count_files(const char *dir, const char *prefix)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)))
        n += strncmp(e->d_name, prefix, strlen(prefix)) == 0;
    closedir(d);
    return n;
}

static void writer_files(void **state)
{
    (void)state;
    char dir[] = "/tmp/nashra-writer-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256];
    snprintf(path, sizeof path, "%s/out.wav", dir);
    nashra_error err = {0};
    audio_writer *w = NULL;

    /* Written under a temporary name; the path appears only on commit. */
    assert_int_equal(audio_writer_open(path, 22050, false, &w, &err), NASHRA_OK);
    int16_t tone[441];
    for (int i = 0; i < 441; i++)
        tone[i] = (int16_t)((i % 20) * 1000 - 10000);
    assert_int_equal(audio_writer_write(w, tone, 441, &err), NASHRA_OK);
    assert_int_equal(audio_writer_silence(w, 10000, &err), NASHRA_OK);
    assert_int_equal(audio_writer_frames(w), 10441);
    assert_int_equal(access(path, F_OK), -1);
    assert_int_equal(count_files(dir, "out.wav.tmp-"), 1);
    assert_int_equal(audio_writer_commit(w, &err), NASHRA_OK);
    assert_int_equal(count_files(dir, "out.wav.tmp-"), 0);

    SF_INFO info = {0};
    SNDFILE *sf = sf_open(path, SFM_READ, &info);
    assert_non_null(sf);
    assert_int_equal(info.samplerate, 22050);
    assert_int_equal(info.channels, 1);
    assert_int_equal(info.frames, 10441);
    assert_int_equal(info.format, SF_FORMAT_WAV | SF_FORMAT_PCM_16);
    sf_close(sf);

    /* An existing file is not replaced unless asked. */
    assert_int_equal(audio_writer_open(path, 22050, false, &w, &err), NASHRA_EEXIST);
    assert_non_null(strstr(err.message, "exists"));
    assert_int_equal(audio_writer_open(path, 22050, true, &w, &err), NASHRA_OK);
    assert_int_equal(audio_writer_write(w, tone, 100, &err), NASHRA_OK);
    /* A discarded writer leaves the old file and no temporary. */
    audio_writer_discard(w);
    struct stat st;
    assert_int_equal(stat(path, &st), 0);
    assert_true(st.st_size > 20000);
    assert_int_equal(count_files(dir, "out.wav.tmp-"), 0);

    /* A directory, and a folder that does not exist. */
    assert_int_equal(audio_writer_open(dir, 22050, true, &w, &err), NASHRA_EINVAL);
    snprintf(path, sizeof path, "%s/missing/out.wav", dir);
    assert_int_equal(audio_writer_open(path, 22050, false, &w, &err), NASHRA_EIO);
    assert_non_null(strstr(err.message, "cannot create output"));

    snprintf(path, sizeof path, "%s/out.wav", dir);
    unlink(path);
    rmdir(dir);
    audio_writer_discard(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(trimming),
        cmocka_unit_test(writer_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
