/* fuzz_idx.c - the IDX reader (src/nn/data_idx.c), plain and gzip'ed, on arbitrary bytes.
 * Each input is read twice: as it is (plain, or gzip when it starts with 1f 8b), and
 * gzip-compressed by zlib here, so the inflate path always sees a valid stream of arbitrary
 * content. Invariants: no crash, leak or large allocation (-malloc_limit_mb=64); a failure
 * leaves out zeroed with a reason; a success has n = the product of the dims; and an input
 * that is not itself gzip reads the same (status, dims, bytes) both ways. */
#include <stdint.h>
#include <zlib.h>

#include "activ_nn.h"
#include "fuzz_util.h"

static size_t gz(const uint8_t *in, size_t len, uint8_t *out, size_t cap)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    /* a small window and little memory: any valid gzip stream will do, and each run is cheap */
    if (deflateInit2(&z, 1, Z_DEFLATED, 16 + 9, 1, Z_DEFAULT_STRATEGY) != Z_OK)
        abort();
    z.next_in = (Bytef *)in;
    z.avail_in = (uInt)len;
    z.next_out = out;
    z.avail_out = (uInt)cap;
    int r = deflate(&z, Z_FINISH);
    FUZZ_ASSERT(r == Z_STREAM_END, "deflate %d", r);
    size_t n = cap - z.avail_out;
    deflateEnd(&z);
    return n;
}

static activ_status check(const char *path, activ_nn_idx *a, size_t insize)
{
    char err[512];
    activ_status s = activ_nn_idx_read(path, a, err, sizeof err);
    if (s != ACTIV_OK) {
        FUZZ_ASSERT(s == ACTIV_ERR_FORMAT, "status %d (%s)", (int)s, err);
        FUZZ_ASSERT(err[0] != 0, "a failure without a reason");
        FUZZ_ASSERT(a->data == NULL && a->n == 0, "out not zeroed on failure");
        return s;
    }
    uint64_t n = 1;
    for (int i = 0; i < a->ndim; i++)
        n *= a->dims[i];
    FUZZ_ASSERT(a->ndim >= 1 && a->ndim <= 4 && n == a->n && a->data, "ndim %d n %zu", a->ndim, a->n);
    (void)insize;
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char plain[256], zipped[256];
    if (!plain[0]) {
        fuzz_path(plain, sizeof plain, "in.idx");
        fuzz_path(zipped, sizeof zipped, "in.idx.gz");
    }
    fuzz_write(plain, data, size);
    activ_nn_idx a, b;
    activ_status sa = check(plain, &a, size);
    if (sa == ACTIV_OK && !(size >= 2 && data[0] == 0x1f && data[1] == 0x8b))
        FUZZ_ASSERT(a.n + 4 + 4 * (size_t)a.ndim == size, "plain: %zu data bytes in a %zu-byte file", a.n, size);

    size_t cap = size + size / 100 + 64;
    uint8_t *z = malloc(cap);
    size_t zn = gz(data, size, z, cap);
    fuzz_write(zipped, z, zn);
    free(z);
    activ_status sb = check(zipped, &b, size);
    if (!(size >= 2 && data[0] == 0x1f && data[1] == 0x8b)) {
        FUZZ_ASSERT(sa == sb, "plain status %d, gzip'ed status %d", (int)sa, (int)sb);
        if (sa == ACTIV_OK)
            FUZZ_ASSERT(a.ndim == b.ndim && a.n == b.n && memcmp(a.dims, b.dims, sizeof a.dims) == 0 &&
                            memcmp(a.data, b.data, a.n) == 0,
                        "plain and gzip'ed reads differ");
    }
    activ_nn_idx_free(&a);
    activ_nn_idx_free(&b);
    return 0;
}
