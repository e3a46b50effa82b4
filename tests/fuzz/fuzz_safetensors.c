/* fuzz_safetensors.c - activ_nn_model_load (src/nn/safetensors.c) on arbitrary bytes, into a
 * fixed model: input 3, Dense(4, prelu), Dense(2, swish), Dense(3, linear) - the tensors
 * dense_0.weight [3,4], dense_0.bias [4], dense_0.prelu_alpha [4], dense_1.weight [4,2],
 * dense_1.bias [2], dense_1.swish_beta [1], dense_2.weight [2,3], dense_2.bias [3].
 * Invariants: no crash, leak or large allocation (-malloc_limit_mb=64); a failed load leaves
 * every parameter bit as it was and gives a reason; a successful load saves and loads back
 * to the same bits. */
#include <stdint.h>

#include "activ_nn.h"
#include "fuzz_util.h"

static activ_nn_model m, m2;

static void build(activ_nn_model *x, uint64_t seed)
{
    if (activ_nn_model_init(x, 3) != ACTIV_OK || activ_nn_model_add(x, 4, ACTIV_PRELU) != ACTIV_OK ||
        activ_nn_model_add(x, 2, ACTIV_SWISH) != ACTIV_OK || activ_nn_model_add(x, 3, ACTIV_NN_LINEAR) != ACTIV_OK ||
        activ_nn_model_build(x, seed) != ACTIV_OK)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char in[256], rt[256];
    static float before[64];
    if (!in[0]) {
        fuzz_path(in, sizeof in, "in.safetensors");
        fuzz_path(rt, sizeof rt, "roundtrip.safetensors");
        build(&m, 1);
        build(&m2, 2);
        FUZZ_ASSERT(m.nparams <= 64, "model of %zu parameters", m.nparams);
    }
    memcpy(before, m.params, m.nparams * sizeof(float));
    fuzz_write(in, data, size);
    char err[512] = "";
    activ_status s = activ_nn_model_load(&m, in, err, sizeof err);
    if (s != ACTIV_OK) {
        FUZZ_ASSERT(s == ACTIV_ERR_FORMAT, "status %d (%s)", (int)s, err);
        FUZZ_ASSERT(err[0] != 0, "a failure without a reason");
        FUZZ_ASSERT(memcmp(before, m.params, m.nparams * sizeof(float)) == 0, "a failed load changed the model");
        return 0;
    }
    s = activ_nn_model_save(&m, rt);
    FUZZ_ASSERT(s == ACTIV_OK, "save: %s", activ_status_str(s));
    s = activ_nn_model_load(&m2, rt, err, sizeof err);
    FUZZ_ASSERT(s == ACTIV_OK, "loading back what was saved: %s", err);
    FUZZ_ASSERT(memcmp(m.params, m2.params, m.nparams * sizeof(float)) == 0, "save/load round trip changed bits");
    return 0;
}
