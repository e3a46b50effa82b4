/* activ_internal/ref.h - the double-precision oracle and the ULP error measure.
 * Part of the library's interface to its own tools (src/cli_api/README.md): tools/ include
 * this, never ref/ref.h itself, so what they depend on is this deliberate list. Not installed. */
#ifndef ACTIV_INTERNAL_REF_H
#define ACTIV_INTERNAL_REF_H

#include "../../ref/ref.h"

#endif
