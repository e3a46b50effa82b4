/* data_idx.c - IDX (MNIST format) files through zlib: .gz or plain, with clear errors. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

#include "nn_internal.h"

/* The reader is a small state machine fed with bytes as they arrive, from the file itself
 * (plain) or from inflate (gzip). The header's claim never sizes an allocation by itself:
 * a plain file's size is compared with the claim before anything is allocated, and the data
 * buffer grows with the bytes that actually arrive (doubling, at most the claim, and the claim
 * is at most ACTIV_NN_IDX_MAX_BYTES). */

typedef struct {
    const char *path;
    char *err;
    size_t errlen;
    activ_nn_idx *out;
    uint8_t hdr[4 + 4 * 4];
    size_t hgot, hneed; /* header bytes seen / needed (4, then 4 + 4 * ndim) */
    size_t n, got, cap; /* data bytes declared / seen / allocated */
    uint64_t fsize;     /* the plain file's size, or 0 when unknown (gzip, a pipe) */
} idx_reader;

/* Takes len bytes; returns ACTIV_OK or the error (with the reason in err). */
static activ_status idx_feed(idx_reader *r, const uint8_t *buf, size_t len)
{
    while (len && r->hgot < r->hneed) {
        r->hdr[r->hgot++] = *buf++;
        len--;
        if (r->hgot == 4) {
            const uint8_t *h = r->hdr;
            if (h[0] != 0 || h[1] != 0) {
                nn_seterr(r->err, r->errlen, "'%s': not an IDX file (magic %02x %02x %02x %02x)",
                          r->path, h[0], h[1], h[2], h[3]);
                return ACTIV_ERR_FORMAT;
            }
            if (h[2] != 0x08) {
                nn_seterr(r->err, r->errlen, "'%s': IDX type 0x%02x is not unsigned byte (0x08)", r->path, h[2]);
                return ACTIV_ERR_FORMAT;
            }
            if (h[3] < 1 || h[3] > 4) {
                nn_seterr(r->err, r->errlen, "'%s': %d dimensions (1 to 4 supported)", r->path, h[3]);
                return ACTIV_ERR_FORMAT;
            }
            r->hneed = 4 + 4 * (size_t)h[3];
        }
        if (r->hgot == r->hneed) {
            activ_nn_idx *o = r->out;
            o->ndim = r->hdr[3];
            uint64_t n = 1;
            int ovf = 0;
            for (int i = 0; i < o->ndim; i++) {
                const uint8_t *d = r->hdr + 4 + 4 * i;
                o->dims[i] = (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3];
                ovf |= __builtin_mul_overflow(n, (uint64_t)o->dims[i], &n);
            }
            /* a plain file: its size is the truth, compared before anything is allocated */
            if (r->fsize && (ovf || r->fsize - r->hneed != n)) {
                nn_seterr(r->err, r->errlen, "'%s': %s: the header declares %s%llu data bytes, the file has %llu",
                          r->path, ovf || r->fsize - r->hneed < n ? "truncated" : "trailing bytes",
                          ovf ? "more than " : "", (unsigned long long)(ovf ? UINT64_MAX : n),
                          (unsigned long long)(r->fsize - r->hneed));
                return ACTIV_ERR_FORMAT;
            }
            if (ovf || (r->fsize && n > ACTIV_NN_IDX_MAX_BYTES)) {
                nn_seterr(r->err, r->errlen, "'%s': the header declares %s%llu data bytes, more than the %llu "
                          "the reader holds (ACTIV_NN_IDX_MAX_BYTES)", r->path, ovf ? "more than " : "",
                          (unsigned long long)(ovf ? UINT64_MAX : n), (unsigned long long)ACTIV_NN_IDX_MAX_BYTES);
                return ACTIV_ERR_FORMAT;
            }
            /* gzip: nothing is allocated for the claim; the buffer grows as the data arrives
             * (so a short stream ends as "truncated"), up to ACTIV_NN_IDX_MAX_BYTES */
            r->n = (size_t)n;
        }
    }
    if (!len)
        return ACTIV_OK;
    if (len > r->n - r->got) {
        nn_seterr(r->err, r->errlen, "'%s': trailing bytes after the %zu data bytes", r->path, r->n);
        return ACTIV_ERR_FORMAT;
    }
    if (r->got + len > ACTIV_NN_IDX_MAX_BYTES) {
        nn_seterr(r->err, r->errlen, "'%s': more than %llu bytes of data (ACTIV_NN_IDX_MAX_BYTES)", r->path,
                  (unsigned long long)ACTIV_NN_IDX_MAX_BYTES);
        return ACTIV_ERR_FORMAT;
    }
    if (r->got + len > r->cap) {
        size_t nc = r->cap ? r->cap : (size_t)1 << 16;
        while (nc < r->got + len)
            nc *= 2;
        if (nc > r->n || r->fsize)
            nc = r->n; /* a plain file's size already matched the claim */
        uint8_t *g = realloc(r->out->data, nc);
        if (!g) {
            nn_seterr(r->err, r->errlen, "'%s': out of memory for %zu bytes", r->path, nc);
            return ACTIV_ERR_NOMEM;
        }
        r->out->data = g;
        r->cap = nc;
    }
    memcpy(r->out->data + r->got, buf, len);
    r->got += len;
    return ACTIV_OK;
}

/* The end of the input: complete, or truncated (where). */
static activ_status idx_finish(idx_reader *r)
{
    if (r->hgot < 4) {
        nn_seterr(r->err, r->errlen, "'%s': truncated: %zu of the 4 magic bytes", r->path, r->hgot);
        return ACTIV_ERR_FORMAT;
    }
    if (r->hgot < r->hneed) {
        nn_seterr(r->err, r->errlen, "'%s': truncated header (%zu of %zu dimension bytes)", r->path,
                  r->hgot - 4, r->hneed - 4);
        return ACTIV_ERR_FORMAT;
    }
    if (r->got < r->n) {
        nn_seterr(r->err, r->errlen, "'%s': truncated: %zu of %zu data bytes", r->path, r->got, r->n);
        return ACTIV_ERR_FORMAT;
    }
    if (!r->out->data && !(r->out->data = malloc(1))) /* n == 0: data is still non-NULL */
        return ACTIV_ERR_NOMEM;
    r->out->n = r->n;
    return ACTIV_OK;
}

/* gzip members (one or more, as gzip itself writes them) and nothing else: bytes after the
 * last member that do not start another one are an error, not silently ignored. */
static activ_status idx_inflate(idx_reader *r, FILE *fp, uint8_t *in, size_t inlen, size_t have)
{
    z_stream z;
    memset(&z, 0, sizeof z);
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) {
        nn_seterr(r->err, r->errlen, "'%s': out of memory for zlib", r->path);
        return ACTIV_ERR_NOMEM;
    }
    uint8_t outbuf[1 << 15];
    activ_status st = ACTIV_OK;
    int at_member_start = 1;
    z.next_in = in;
    z.avail_in = (uInt)have;
    for (;;) {
        if (z.avail_in == 0) {
            size_t k = fread(in, 1, inlen, fp);
            if (k == 0) {
                if (ferror(fp)) {
                    nn_seterr(r->err, r->errlen, "cannot read '%s': %s", r->path, strerror(errno));
                    st = ACTIV_ERR_IO;
                } else if (!at_member_start) {
                    nn_seterr(r->err, r->errlen, "'%s': truncated gzip data", r->path);
                    st = ACTIV_ERR_FORMAT;
                }
                break;
            }
            z.next_in = in;
            z.avail_in = (uInt)k;
        }
        if (at_member_start) {
            /* another member must start with the gzip magic (1f 8b) */
            if (z.next_in[0] != 0x1f || (z.avail_in > 1 && z.next_in[1] != 0x8b)) {
                nn_seterr(r->err, r->errlen, "'%s': trailing garbage after the gzip data", r->path);
                st = ACTIV_ERR_FORMAT;
                break;
            }
            at_member_start = 0;
        }
        z.next_out = outbuf;
        z.avail_out = sizeof outbuf;
        int zr = inflate(&z, Z_NO_FLUSH);
        size_t produced = sizeof outbuf - z.avail_out;
        if (produced && (st = idx_feed(r, outbuf, produced)) != ACTIV_OK)
            break;
        if (zr == Z_STREAM_END) {
            at_member_start = 1;
            if (inflateReset(&z) != Z_OK) {
                st = ACTIV_ERR_FORMAT;
                break;
            }
        } else if (zr == Z_BUF_ERROR && produced == 0 && z.avail_in == 0) {
            continue; /* needs more input */
        } else if (zr != Z_OK) {
            nn_seterr(r->err, r->errlen, "'%s': corrupt gzip data (%s)", r->path, z.msg ? z.msg : "zlib error");
            st = zr == Z_MEM_ERROR ? ACTIV_ERR_NOMEM : ACTIV_ERR_FORMAT;
            break;
        }
    }
    inflateEnd(&z);
    return st;
}

activ_status activ_nn_idx_read(const char *path, activ_nn_idx *out, char *err, size_t errlen)
{
    if (!path || !out)
        return ACTIV_ERR_NULL;
    memset(out, 0, sizeof *out);
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        nn_seterr(err, errlen, "cannot open '%s': %s", path, strerror(errno));
        return ACTIV_ERR_IO;
    }
    struct stat sb;
    if (fstat(fileno(fp), &sb) != 0 || S_ISDIR(sb.st_mode)) {
        nn_seterr(err, errlen, "cannot read '%s': %s", path, strerror(S_ISDIR(sb.st_mode) ? EISDIR : errno));
        fclose(fp);
        return ACTIV_ERR_IO;
    }
    idx_reader r;
    memset(&r, 0, sizeof r);
    r.path = path, r.err = err, r.errlen = errlen, r.out = out, r.hneed = 4;
    /* read in blocks of 64 KiB (less for a smaller file) */
    size_t inlen = (size_t)1 << 16;
    if (S_ISREG(sb.st_mode) && (uint64_t)sb.st_size < inlen)
        inlen = (size_t)sb.st_size + 1;
    uint8_t *in = malloc(inlen);
    activ_status st = ACTIV_ERR_NOMEM;
    if (!in) {
        nn_seterr(err, errlen, "'%s': out of memory", path);
        goto done;
    }
    size_t have = fread(in, 1, inlen, fp);
    if (have >= 2 && in[0] == 0x1f && in[1] == 0x8b) {
        st = idx_inflate(&r, fp, in, inlen, have);
    } else {
        if (S_ISREG(sb.st_mode))
            r.fsize = (uint64_t)sb.st_size;
        st = ACTIV_OK;
        while (st == ACTIV_OK && have) {
            st = idx_feed(&r, in, have);
            have = fread(in, 1, inlen, fp);
        }
        if (st == ACTIV_OK && ferror(fp)) {
            nn_seterr(err, errlen, "cannot read '%s': %s", path, strerror(errno));
            st = ACTIV_ERR_IO;
        }
    }
    if (st == ACTIV_OK)
        st = idx_finish(&r);
done:
    free(in);
    fclose(fp);
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
    if (im.dims[0] == 0) {
        nn_seterr(err, errlen, "'%s' holds 0 images: nothing to train or evaluate on", images);
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
