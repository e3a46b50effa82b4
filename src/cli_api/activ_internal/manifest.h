/* activ_internal/manifest.h - the kind manifest: X-macro lists of kinds, parameter fields, families.
 * Part of the library's interface to its own tools (src/cli_api/README.md): tools/ include
 * this, never kernels/manifest.h itself, so what they depend on is this deliberate list. Not installed. */
#ifndef ACTIV_INTERNAL_MANIFEST_H
#define ACTIV_INTERNAL_MANIFEST_H

#include "../../kernels/manifest.h"

#endif
