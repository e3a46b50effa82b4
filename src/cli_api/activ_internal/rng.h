/* activ_internal/rng.h - the one random generator of the CLI's sample data (activ_splitmix64).
 * Part of the library's interface to its own tools (src/cli_api/README.md): tools/ include
 * this, never common/splitmix64.h itself, so what they depend on is this deliberate list. Not installed. */
#ifndef ACTIV_INTERNAL_RNG_H
#define ACTIV_INTERNAL_RNG_H

#include "../../common/splitmix64.h"

#endif
