/* Output profiles and how the configuration's overrides and the file name refine them. */
#include <math.h>
#include <string.h>

#include "bulletin/profile.h"
#include "common/error.h"

typedef struct profile_row {
    const char *name;
    nashra_profile id;
    audio_container container;
    int rate;       /* 0: the synthesizer's */
    int depth;
    bool normalize;
    double target, target_stereo, ceiling;
} profile_row;

static const profile_row profiles[] = {
    {"broadcast", NASHRA_PROFILE_BROADCAST, AUDIO_WAV, 48000, 24, true, -23, -23, -1},
    {"atsc", NASHRA_PROFILE_ATSC, AUDIO_WAV, 48000, 24, true, -24, -24, -2},
    {"podcast", NASHRA_PROFILE_PODCAST, AUDIO_MP3, 44100, 16, true, -19, -16, -1},
    {"archive", NASHRA_PROFILE_ARCHIVE, AUDIO_FLAC, 48000, 24, true, -23, -23, -1},
    {"opus", NASHRA_PROFILE_OPUS, AUDIO_OPUS, 48000, 16, true, -19, -19, -1},
    {"raw", NASHRA_PROFILE_RAW, AUDIO_WAV, 0, 16, false, -23, -23, -1},
};

static const struct {
    const char *name;
    nashra_format id;
    audio_container container;
    nashra_profile profile; /* the profile a format implies when none is given */
} formats[] = {
    {"wav", NASHRA_FORMAT_WAV, AUDIO_WAV, NASHRA_PROFILE_BROADCAST},
    {"flac", NASHRA_FORMAT_FLAC, AUDIO_FLAC, NASHRA_PROFILE_ARCHIVE},
    {"mp3", NASHRA_FORMAT_MP3, AUDIO_MP3, NASHRA_PROFILE_PODCAST},
    {"opus", NASHRA_FORMAT_OPUS, AUDIO_OPUS, NASHRA_PROFILE_OPUS},
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

nashra_status nashra_profile_from_name(const char *name, nashra_profile *out)
{
    for (size_t i = 0; name && i < COUNT(profiles); i++)
        if (!strcmp(name, profiles[i].name)) {
            *out = profiles[i].id;
            return NASHRA_OK;
        }
    return NASHRA_EINVAL;
}

nashra_status nashra_format_from_name(const char *name, nashra_format *out)
{
    for (size_t i = 0; name && i < COUNT(formats); i++)
        if (!strcmp(name, formats[i].name)) {
            *out = formats[i].id;
            return NASHRA_OK;
        }
    return NASHRA_EINVAL;
}

const char *nashra_profile_name(nashra_profile p)
{
    for (size_t i = 0; i < COUNT(profiles); i++)
        if (profiles[i].id == p)
            return profiles[i].name;
    return "auto";
}

const char *profile_container_name(audio_container c)
{
    switch (c) {
    case AUDIO_WAV: return "WAV";
    case AUDIO_FLAC: return "FLAC";
    case AUDIO_MP3: return "MP3";
    case AUDIO_OPUS: return "Ogg Opus";
    }
    return "?";
}

const char *profile_extension(audio_container c)
{
    switch (c) {
    case AUDIO_WAV: return ".wav";
    case AUDIO_FLAC: return ".flac";
    case AUDIO_MP3: return ".mp3";
    case AUDIO_OPUS: return ".opus";
    }
    return "";
}

nashra_status profile_resolve(const nashra_config *c, const char *path, int synth_rate,
                              bool mixing, audio_spec *spec, nashra_profile *profile,
                              nashra_error *err)
{
    memset(spec, 0, sizeof *spec);
    audio_container by_name = audio_container_from_path(path);
    audio_container by_format = 0;
    nashra_profile pid = c->profile;
    for (size_t i = 0; i < COUNT(formats); i++)
        if (formats[i].id == c->format) {
            by_format = formats[i].container;
            if (pid == NASHRA_PROFILE_AUTO)
                pid = formats[i].profile;
        }
    if (c->format != NASHRA_FORMAT_AUTO && !by_format)
        return error_set(err, NASHRA_EINVAL, "unknown output format");
    if (pid == NASHRA_PROFILE_AUTO) {
        for (size_t i = 0; i < COUNT(formats); i++)
            if (formats[i].container == by_name)
                pid = formats[i].profile;
        if (pid == NASHRA_PROFILE_AUTO)
            return error_set(err, NASHRA_EINVAL,
                             "%s: cannot tell the format from the name; end it in .wav, .flac, "
                             ".mp3 or .opus, or give --profile or --format", path);
    }
    const profile_row *row = NULL;
    for (size_t i = 0; i < COUNT(profiles); i++)
        if (profiles[i].id == pid)
            row = &profiles[i];
    if (!row)
        return error_set(err, NASHRA_EINVAL, "unknown output profile");
    spec->container = by_format ? by_format : row->container;
    if (by_name && by_name != spec->container)
        return error_set(err, NASHRA_EINVAL, "%s: the %s profile writes %s; name the file %s "
                         "or give --format", path, row->name,
                         profile_container_name(spec->container),
                         profile_extension(spec->container));

    spec->rate = c->sample_rate ? c->sample_rate : row->rate ? row->rate : synth_rate;
    if (spec->rate < 8000 || spec->rate > 192000)
        return error_set(err, NASHRA_EINVAL, "sample rate must be between 8000 and 192000 Hz "
                         "(got %d)", spec->rate);
    if (spec->container == AUDIO_OPUS && spec->rate != 8000 && spec->rate != 12000 &&
        spec->rate != 16000 && spec->rate != 24000 && spec->rate != 48000)
        return error_set(err, NASHRA_EINVAL, "Opus takes 8000, 12000, 16000, 24000 or 48000 "
                         "Hz, not %d", spec->rate);
    if (spec->container == AUDIO_MP3 && spec->rate != 32000 && spec->rate != 44100 &&
        spec->rate != 48000 && spec->rate != 16000 && spec->rate != 22050 &&
        spec->rate != 24000 && spec->rate != 8000 && spec->rate != 11025 &&
        spec->rate != 12000)
        return error_set(err, NASHRA_EINVAL, "MP3 takes 8000 to 48000 Hz at the MPEG rates, "
                         "not %d", spec->rate);
    bool lossy = spec->container == AUDIO_MP3 || spec->container == AUDIO_OPUS;
    if (c->bit_depth && c->bit_depth != 16 && c->bit_depth != 24)
        return error_set(err, NASHRA_EINVAL, "bit depth must be 16 or 24 (got %d)", c->bit_depth);
    if (c->bit_depth && lossy)
        return error_set(err, NASHRA_EINVAL, "a bit depth applies to WAV and FLAC, not %s",
                         profile_container_name(spec->container));
    spec->depth = c->bit_depth ? c->bit_depth : lossy ? 16 : row->depth;
    spec->channels = c->stereo ? 2 : 1;
    if (c->loudness != 0 && (c->loudness < -70 || c->loudness > -5 || isnan(c->loudness)))
        return error_set(err, NASHRA_EINVAL, "loudness target must be between -70 and -5 LUFS "
                         "(got %g)", c->loudness);
    if (c->true_peak != 0 && (c->true_peak < -20 || c->true_peak > -0.1 || isnan(c->true_peak)))
        return error_set(err, NASHRA_EINVAL, "true-peak ceiling must be between -20 and -0.1 "
                         "dBTP (got %g)", c->true_peak);
    if (c->bitrate && !lossy)
        return error_set(err, NASHRA_EINVAL, "a bitrate applies to MP3 and Opus, not %s",
                         profile_container_name(spec->container));
    if (c->bitrate && spec->container == AUDIO_MP3 && (c->bitrate < 32 || c->bitrate > 320))
        return error_set(err, NASHRA_EINVAL, "MP3 bitrate must be 32 to 320 kbit/s (got %d)",
                         c->bitrate);
    if (c->bitrate && spec->container == AUDIO_OPUS && (c->bitrate < 6 || c->bitrate > 256))
        return error_set(err, NASHRA_EINVAL, "Opus bitrate must be 6 to 256 kbit/s (got %d)",
                         c->bitrate);
    spec->bitrate = c->bitrate;
    spec->normalize = row->normalize || c->loudness != 0 || c->true_peak != 0;
    spec->target = c->loudness != 0 ? c->loudness : c->stereo ? row->target_stereo : row->target;
    spec->ceiling = c->true_peak != 0 ? c->true_peak : row->ceiling;
    spec->dither = spec->depth == 16 && (spec->normalize || mixing || spec->rate != synth_rate);
    *profile = pid;
    return NASHRA_OK;
}
