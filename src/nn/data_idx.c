/* data_idx.c - IDX (MNIST format) files through zlib: .gz or plain, with clear errors. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "nn_internal.h"

/* Reads up to len bytes; returns the count, or -1 with the zlib error in *msg. */
static long long gz_read_all(gzFile gz, uint8_t *buf, size_t len, const char **msg)
{
    size_t done = 0;
    while (done < len) {
        size_t chunk = len - done > (1u << 30) ? (1u << 30) : len - done;
        int got = gzread(gz, buf + done, (unsigned)chunk);
        if (got < 0) {
            int errnum;
            *msg = gzerror(gz, &errnum);
            return -1;
        }
        if (got == 0)
            break;
        done += (size_t)got;
    }
    /* a truncated gzip stream reads short and then reports Z_BUF_ERROR */
    int errnum = Z_OK;
    const char *m = gzerror(gz, &errnum);
    if (errnum != Z_OK && errnum != Z_STREAM_END) {
        *msg = m;
        return -1;
    }
    return (long long)done;
}

activ_status activ_nn_idx_read(const char *path, activ_nn_idx *out, char *err, size_t errlen)
{
    if (!path || !out)
        return ACTIV_ERR_NULL;
    memset(out, 0, sizeof *out);
    FILE *probe = fopen(path, "rb");
    if (!probe) {
        nn_seterr(err, errlen, "cannot open '%s': %s", path, strerror(errno));
        return ACTIV_ERR_IO;
    }
    fclose(probe);
    gzFile gz = gzopen(path, "rb");
    if (!gz) {
        nn_seterr(err, errlen, "cannot open '%s': %s", path, errno ? strerror(errno) : "zlib error");
        return ACTIV_ERR_IO;
    }
    activ_status st = ACTIV_ERR_FORMAT;
    const char *zmsg = NULL;
    uint8_t hdr[4 + 4 * 4];
    long long got = gz_read_all(gz, hdr, 4, &zmsg);
    if (got < 0) {
        nn_seterr(err, errlen, "'%s': corrupt gzip data (%s)", path, zmsg);
        goto done;
    }
    if (got < 4) {
        nn_seterr(err, errlen, "'%s': truncated: %lld of the 4 magic bytes", path, got);
        goto done;
    }
    if (hdr[0] != 0 || hdr[1] != 0) {
        nn_seterr(err, errlen, "'%s': not an IDX file (magic %02x %02x %02x %02x)", path, hdr[0],
                  hdr[1], hdr[2], hdr[3]);
        goto done;
    }
    if (hdr[2] != 0x08) {
        nn_seterr(err, errlen, "'%s': IDX type 0x%02x is not unsigned byte (0x08)", path, hdr[2]);
        goto done;
    }
    int ndim = hdr[3];
    if (ndim < 1 || ndim > 4) {
        nn_seterr(err, errlen, "'%s': %d dimensions (1 to 4 supported)", path, ndim);
        goto done;
    }
    got = gz_read_all(gz, hdr + 4, 4 * (size_t)ndim, &zmsg);
    if (got < 0) {
        nn_seterr(err, errlen, "'%s': corrupt gzip data (%s)", path, zmsg);
        goto done;
    }
    if (got < 4 * ndim) {
        nn_seterr(err, errlen, "'%s': truncated header (%lld of %d dimension bytes)", path, got,
                  4 * ndim);
        goto done;
    }
    size_t n = 1;
    for (int i = 0; i < ndim; i++) {
        const uint8_t *d = hdr + 4 + 4 * i;
        out->dims[i] = (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3];
        if (out->dims[i] && n > ((size_t)1 << 34) / out->dims[i]) {
            nn_seterr(err, errlen, "'%s': dimensions too large", path);
            goto done;
        }
        n *= out->dims[i];
    }
    out->ndim = ndim;
    out->n = n;
    out->data = malloc(n ? n : 1);
    if (!out->data) {
        st = ACTIV_ERR_NOMEM;
        nn_seterr(err, errlen, "'%s': out of memory for %zu bytes", path, n);
        goto done;
    }
    got = gz_read_all(gz, out->data, n, &zmsg);
    if (got < 0) {
        nn_seterr(err, errlen, "'%s': truncated or corrupt gzip data (%s)", path, zmsg);
        goto done;
    }
    if ((size_t)got < n) {
        nn_seterr(err, errlen, "'%s': truncated: %lld of %zu data bytes", path, got, n);
        goto done;
    }
    uint8_t extra;
    got = gz_read_all(gz, &extra, 1, &zmsg);
    if (got != 0) {
        nn_seterr(err, errlen, "'%s': %s after the %zu data bytes", path,
                  got < 0 ? "corrupt data" : "trailing bytes", n);
        goto done;
    }
    st = ACTIV_OK;
done:
    gzclose(gz);
    if (st != ACTIV_OK)
        activ_nn_idx_free(out);
    return st;
}

void activ_nn_idx_free(activ_nn_idx *a)
{
    if (!a)
        return;
    free(a->data);
    memset(a, 0, sizeof *a);
}

activ_status activ_nn_dataset_load(const char *images, const char *labels, activ_nn_dataset *d,
                                   char *err, size_t errlen)
{
    if (!images || !labels || !d)
        return ACTIV_ERR_NULL;
    memset(d, 0, sizeof *d);
    activ_nn_idx im, lb;
    activ_status s = activ_nn_idx_read(images, &im, err, errlen);
    if (s != ACTIV_OK)
        return s;
    s = activ_nn_idx_read(labels, &lb, err, errlen);
    if (s != ACTIV_OK) {
        activ_nn_idx_free(&im);
        return s;
    }
    s = ACTIV_ERR_FORMAT;
    if (im.ndim != 3) {
        nn_seterr(err, errlen, "'%s': images must have 3 dimensions (n, rows, cols), not %d", images, im.ndim);
        goto done;
    }
    if (lb.ndim != 1) {
        nn_seterr(err, errlen, "'%s': labels must have 1 dimension, not %d", labels, lb.ndim);
        goto done;
    }
    if (im.dims[0] != lb.dims[0]) {
        nn_seterr(err, errlen, "mismatched files: '%s' has %u images but '%s' has %u labels",
                  images, im.dims[0], labels, lb.dims[0]);
        goto done;
    }
    if (im.dims[0] > INT_MAX || (size_t)im.dims[1] * im.dims[2] > INT_MAX || !im.dims[1] || !im.dims[2]) {
        nn_seterr(err, errlen, "'%s': unsupported image dimensions", images);
        goto done;
    }
    d->n = (int)im.dims[0];
    d->dim = (int)(im.dims[1] * im.dims[2]);
    d->x = malloc(im.n ? im.n * sizeof(float) : 1);
    d->labels = malloc(lb.n ? lb.n : 1);
    if (!d->x || !d->labels) {
        s = ACTIV_ERR_NOMEM;
        nn_seterr(err, errlen, "out of memory loading '%s'", images);
        goto done;
    }
    for (size_t i = 0; i < im.n; i++)
        d->x[i] = (float)im.data[i] / 255.0f;
    int mx = -1;
    for (size_t i = 0; i < lb.n; i++) {
        d->labels[i] = lb.data[i];
        if (lb.data[i] > mx)
            mx = lb.data[i];
    }
    d->classes = mx + 1;
    s = ACTIV_OK;
done:
    activ_nn_idx_free(&im);
    activ_nn_idx_free(&lb);
    if (s != ACTIV_OK)
        activ_nn_dataset_free(d);
    return s;
}

void activ_nn_dataset_free(activ_nn_dataset *d)
{
    if (!d)
        return;
    free(d->x);
    free(d->labels);
    memset(d, 0, sizeof *d);
}

/* DIR/NAME.gz if it exists, else DIR/NAME (whose absence the reader then reports) */
static void pick(char *buf, size_t len, const char *dir, const char *name)
{
    snprintf(buf, len, "%s/%s.gz", dir, name);
    FILE *f = fopen(buf, "rb");
    if (f) {
        fclose(f);
        return;
    }
    snprintf(buf, len, "%s/%s", dir, name);
    f = fopen(buf, "rb");
    if (f)
        fclose(f);
    else
        snprintf(buf, len, "%s/%s.gz", dir, name);
}

activ_status activ_nn_mnist_load(const char *dir, activ_nn_dataset *train, activ_nn_dataset *test,
                                 char *err, size_t errlen)
{
    if (!dir || !train || !test)
        return ACTIV_ERR_NULL;
    char a[4096], b[4096];
    pick(a, sizeof a, dir, "train-images-idx3-ubyte");
    pick(b, sizeof b, dir, "train-labels-idx1-ubyte");
    activ_status s = activ_nn_dataset_load(a, b, train, err, errlen);
    if (s != ACTIV_OK)
        return s;
    pick(a, sizeof a, dir, "t10k-images-idx3-ubyte");
    pick(b, sizeof b, dir, "t10k-labels-idx1-ubyte");
    s = activ_nn_dataset_load(a, b, test, err, errlen);
    if (s == ACTIV_OK && test->dim != train->dim) {
        nn_seterr(err, errlen, "test images have %d pixels but training images %d", test->dim, train->dim);
        s = ACTIV_ERR_FORMAT;
    }
    if (s == ACTIV_OK && test->classes > train->classes)
        train->classes = test->classes;
    if (s == ACTIV_OK)
        test->classes = train->classes;
    if (s != ACTIV_OK) {
        activ_nn_dataset_free(train);
        activ_nn_dataset_free(test);
    }
    return s;
}
