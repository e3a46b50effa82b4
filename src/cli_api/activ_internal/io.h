/* activ_internal/io.h - whole-or-absent file writes (activ_afile) and .npy I/O.
 * Part of the library's interface to its own tools (src/cli_api/README.md): tools/ include
 * this, never io/io.h itself, so what they depend on is this deliberate list. Not installed. */
#ifndef ACTIV_INTERNAL_IO_H
#define ACTIV_INTERNAL_IO_H

#include "../../io/io.h"

#endif
