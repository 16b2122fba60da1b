/* Output profiles: what --profile, --format, the overrides and the file name amount to. */
#ifndef NASHRA_BULLETIN_PROFILE_H
#define NASHRA_BULLETIN_PROFILE_H

#include <stdbool.h>

#include "audio/output.h"
#include "nashra.h"

/* Fills spec from the configuration for an output at path. mixing: jingles or a bed are
 * mixed in (so even the raw profile needs dither). */
nashra_status profile_resolve(const nashra_config *c, const char *path, int synth_rate,
                              bool mixing, audio_spec *spec, nashra_profile *profile,
                              nashra_error *err);

const char *profile_container_name(audio_container c);
const char *profile_extension(audio_container c);

#endif
