/* fuzz_npy.c - the .npy reader (src/io/npy.c) on arbitrary bytes.
 * Invariants: no crash, leak or large allocation (run with -malloc_limit_mb=64: only the
 * file's real size may size a buffer); a failure leaves out zeroed with a non-empty reason;
 * a success has n = the product of the shape and data for n > 0, and writing it back and
 * reading that gives the same shape and the same bits. */
#include <stdint.h>

#include "fuzz_util.h"
#include "io/io.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char in[256], rt[256];
    if (!in[0]) {
        fuzz_path(in, sizeof in, "in.npy");
        fuzz_path(rt, sizeof rt, "roundtrip.npy");
    }
    fuzz_write(in, data, size);
    activ_npy a;
    char err[512];
    activ_status s = activ_npy_read(in, &a, err, sizeof err);
    if (s != ACTIV_OK) {
        FUZZ_ASSERT(s == ACTIV_ERR_FORMAT || s == ACTIV_ERR_SIZE, "status %d (%s)", (int)s, err);
        FUZZ_ASSERT(err[0] != 0, "a failure without a reason");
        FUZZ_ASSERT(a.data == NULL && a.n == 0 && a.ndim == 0, "out not zeroed on failure");
        return 0;
    }
    FUZZ_ASSERT(a.ndim >= 0 && a.ndim <= ACTIV_NPY_MAXDIM, "ndim %d", a.ndim);
    FUZZ_ASSERT(activ_npy_count(a.shape, a.ndim) == a.n, "n %zu is not the product of the shape", a.n);
    FUZZ_ASSERT((a.n == 0) == (a.data == NULL), "data %p for n %zu", (void *)a.data, a.n);
    FUZZ_ASSERT(a.n * sizeof(float) <= size, "%zu floats from a %zu-byte file", a.n, size);

    s = activ_npy_write(rt, a.data, a.shape, a.ndim);
    FUZZ_ASSERT(s == ACTIV_OK, "writing back a file just read: %s", activ_status_str(s));
    activ_npy b;
    s = activ_npy_read(rt, &b, err, sizeof err);
    FUZZ_ASSERT(s == ACTIV_OK, "reading back what was written: %s", err);
    FUZZ_ASSERT(b.ndim == a.ndim && b.n == a.n, "round trip changed the shape");
    FUZZ_ASSERT(memcmp(a.shape, b.shape, sizeof a.shape) == 0, "round trip changed the shape");
    FUZZ_ASSERT(a.n == 0 || memcmp(a.data, b.data, a.n * sizeof(float)) == 0, "round trip changed the data");
    activ_npy_free(&a);
    activ_npy_free(&b);
    return 0;
}
