/* fuzz_spec.c - the layer-spec parser (src/nn/spec.c, activ train --model) on arbitrary
 * strings, for a 1x28x28 input. Invariants: no crash or leak; a failure is one of the
 * documented statuses with a reason that names a column and carries the caret line; a
 * success leaves at least one layer. Parsing only: building would allocate whatever sizes
 * the spec asks for, which is the allocator's business, not the parser's. */
#include <stdint.h>

#include "activ_nn.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 4096)
        return 0;
    char *spec = malloc(size + 1);
    if (!spec)
        abort();
    memcpy(spec, data, size);
    spec[size] = 0; /* an embedded NUL just ends the spec early, as it would for the CLI */
    activ_nn_net n;
    FUZZ_ASSERT(activ_nn_net_init(&n, 1, 28, 28) == ACTIV_OK, "init");
    char err[512] = "";
    activ_status s = activ_nn_net_parse(&n, spec, err, sizeof err);
    if (s == ACTIV_OK) {
        FUZZ_ASSERT(n.nlayers >= 1, "a parsed spec without layers");
    } else {
        FUZZ_ASSERT(s == ACTIV_ERR_PARAM || s == ACTIV_ERR_SHAPE || s == ACTIV_ERR_KIND, "status %d (%s)",
                    (int)s, err);
        FUZZ_ASSERT(err[0] != 0, "a failure without a reason");
        FUZZ_ASSERT(strstr(err, "column") != NULL && strchr(err, '^') != NULL, "no column or caret: %s", err);
    }
    activ_nn_net_free(&n);
    free(spec);
    return 0;
}
