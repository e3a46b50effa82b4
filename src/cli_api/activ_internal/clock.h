/* activ_internal/clock.h - the one monotonic clock (activ_now_s).
 * Part of the library's interface to its own tools (src/cli_api/README.md): tools/ include
 * this, never common/clock.h itself, so what they depend on is this deliberate list. Not installed. */
#ifndef ACTIV_INTERNAL_CLOCK_H
#define ACTIV_INTERNAL_CLOCK_H

#include "../../common/clock.h"

#endif
