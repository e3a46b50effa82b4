/* npy.c - NumPy .npy files (format versions 1, 2 and 3), fp32 little-endian C order only.
 *
 * Layout: "\x93NUMPY", major, minor, header length (uint16 LE for v1, uint32 LE for v2/3),
 * a Python dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (d0, d1, ...), }
 * padded with spaces and a final '\n' so the data starts on a 64-byte boundary, then the data.
 */
#include "io.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static activ_status fail(char *err, size_t errlen, activ_status s, const char *fmt, ...)
{
    if (err && errlen) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, errlen, fmt, ap);
        va_end(ap);
    }
    return s;
}

/* Finds 'key': in the header dict and returns a pointer just past the colon. */
static const char *find_key(const char *h, const char *key)
{
    char pat[32];
    const char *q = "'\"";
    for (int i = 0; i < 2; i++) {
        snprintf(pat, sizeof pat, "%c%s%c", q[i], key, q[i]);
        const char *p = strstr(h, pat);
        if (p) {
            p += strlen(pat);
            while (isspace((unsigned char)*p))
                p++;
            if (*p != ':')
                return NULL;
            p++;
            while (isspace((unsigned char)*p))
                p++;
            return p;
        }
    }
    return NULL;
}

/* The reader behind activ_npy_read and activ_npy_read16: accepts the dtypes of want (each
 * between spaces: " <f2 <u2 "), elements of elsize bytes; the dtype found goes to got[4]. */
static activ_status npy_read(const char *path, const char *want, size_t elsize, void **datap,
                             size_t *np, int *ndimp, size_t *shape, char *gotd, char *err,
                             size_t errlen)
{
    *datap = NULL;
    *np = 0;
    *ndimp = 0;
    if (err && errlen)
        err[0] = 0;
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return fail(err, errlen, ACTIV_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
    activ_status st = ACTIV_ERR_FORMAT;
    char *hdr = NULL;
    unsigned char *data = NULL;
    unsigned char pre[12];
    size_t got = fread(pre, 1, 10, fp);
    if (got < 10 || memcmp(pre, "\x93NUMPY", 6) != 0) {
        fail(err, errlen, st, "'%s' is not a .npy file (%s)", path,
             got < 10 ? "shorter than the .npy preamble" : "bad magic");
        goto out;
    }
    unsigned major = pre[6];
    size_t hlen, pos;
    if (major == 1) {
        hlen = (size_t)pre[8] | (size_t)pre[9] << 8;
        pos = 10;
    } else if (major == 2 || major == 3) {
        if (fread(pre + 10, 1, 2, fp) != 2) {
            fail(err, errlen, st, "'%s' is truncated inside the .npy preamble", path);
            goto out;
        }
        hlen = (size_t)pre[8] | (size_t)pre[9] << 8 | (size_t)pre[10] << 16 | (size_t)pre[11] << 24;
        pos = 12;
    } else {
        fail(err, errlen, st, "'%s' has unsupported .npy version %u", path, major);
        goto out;
    }
    if (hlen > (1u << 20)) {
        fail(err, errlen, st, "'%s' has an implausible .npy header length %zu", path, hlen);
        goto out;
    }
    hdr = malloc(hlen + 1);
    if (!hdr) {
        st = fail(err, errlen, ACTIV_ERR_NOMEM, "out of memory");
        goto out;
    }
    if (fread(hdr, 1, hlen, fp) != hlen) {
        fail(err, errlen, st, "'%s' is truncated inside the .npy header", path);
        goto out;
    }
    hdr[hlen] = 0;
    pos += hlen;

    const char *p = find_key(hdr, "descr");
    if (!p || (*p != '\'' && *p != '"')) {
        fail(err, errlen, st, "'%s': .npy header has no 'descr'", path);
        goto out;
    }
    char descr[32];
    size_t dl = 0;
    char quote = *p++;
    while (*p && *p != quote && dl + 1 < sizeof descr)
        descr[dl++] = *p++;
    descr[dl] = 0;
    char tok[40];
    snprintf(tok, sizeof tok, " %s ", descr);
    if (dl != 3 || !strstr(want, tok)) {
        if (elsize == 4)
            fail(err, errlen, st, "'%s' holds dtype '%s'; activ needs float32 ('<f4', little-endian)", path, descr);
        else
            fail(err, errlen, st, "'%s' holds dtype '%s'; a 16-bit call needs float16 ('<f2') or, for bfloat16, uint16 bit patterns ('<u2')", path, descr);
        goto out;
    }
    memcpy(gotd, descr, 4);
    p = find_key(hdr, "fortran_order");
    if (!p || (strncmp(p, "False", 5) != 0 && strncmp(p, "True", 4) != 0)) {
        fail(err, errlen, st, "'%s': .npy header has no valid 'fortran_order'", path);
        goto out;
    }
    int fortran = strncmp(p, "True", 4) == 0;
    p = find_key(hdr, "shape");
    if (!p || *p != '(') {
        fail(err, errlen, st, "'%s': .npy header has no valid 'shape'", path);
        goto out;
    }
    p++;
    size_t n = 1;
    int ndim = 0;
    for (;;) {
        while (isspace((unsigned char)*p))
            p++;
        if (*p == ')')
            break;
        if (!isdigit((unsigned char)*p)) {
            fail(err, errlen, st, "'%s': malformed 'shape' in the .npy header", path);
            goto out;
        }
        errno = 0;
        char *end;
        unsigned long long d = strtoull(p, &end, 10);
        if (errno || ndim >= ACTIV_NPY_MAXDIM || d > SIZE_MAX) {
            fail(err, errlen, st, "'%s': shape has too many or too large dimensions", path);
            goto out;
        }
        shape[ndim++] = (size_t)d;
        if (d && n > (SIZE_MAX / 4) / d) {
            st = fail(err, errlen, ACTIV_ERR_SIZE, "'%s': shape is too large", path);
            goto out;
        }
        n *= (size_t)d;
        p = end;
        while (isspace((unsigned char)*p))
            p++;
        if (*p == ',')
            p++;
        else if (*p != ')') {
            fail(err, errlen, st, "'%s': malformed 'shape' in the .npy header", path);
            goto out;
        }
    }
    if (fortran && ndim > 1) {
        size_t nontrivial = 0;
        for (int i = 0; i < ndim; i++)
            nontrivial += shape[i] > 1;
        if (nontrivial > 1) {
            fail(err, errlen, st, "'%s' is in Fortran order; save it C-contiguous (np.ascontiguousarray)", path);
            goto out;
        }
    }
    (void)pos;
    if (n) {
        data = malloc(n * elsize);
        if (!data) {
            st = fail(err, errlen, ACTIV_ERR_NOMEM, "out of memory for %zu elements", n);
            goto out;
        }
        size_t r = fread(data, elsize, n, fp);
        if (r != n) {
            fail(err, errlen, st, "'%s' is truncated: shape needs %zu %s, file has %zu", path, n,
                 elsize == 4 ? "floats" : "elements", r);
            goto out;
        }
    }
    if (fgetc(fp) != EOF) {
        fail(err, errlen, st, "'%s' has bytes after the %zu %s its shape declares", path, n,
             elsize == 4 ? "floats" : "elements");
        goto out;
    }
    if (ferror(fp)) {
        st = fail(err, errlen, ACTIV_ERR_IO, "read error on '%s'", path);
        goto out;
    }
    *datap = data;
    *np = n;
    *ndimp = ndim;
    data = NULL;
    st = ACTIV_OK;
out:
    if (st != ACTIV_OK)
        *np = 0, *ndimp = 0;
    free(data);
    free(hdr);
    fclose(fp);
    return st;
}

activ_status activ_npy_read(const char *path, activ_npy *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    void *d;
    char got[4];
    activ_status st = npy_read(path, " <f4 ", 4, &d, &out->n, &out->ndim, out->shape, got, err, errlen);
    if (st != ACTIV_OK)
        memset(out, 0, sizeof *out);
    else
        out->data = d;
    return st;
}

activ_status activ_npy_read16(const char *path, activ_npy16 *out, char *err, size_t errlen)
{
    memset(out, 0, sizeof *out);
    void *d;
    activ_status st = npy_read(path, " <f2 <u2 ", 2, &d, &out->n, &out->ndim, out->shape,
                               out->descr, err, errlen);
    if (st != ACTIV_OK)
        memset(out, 0, sizeof *out);
    else
        out->data = d;
    return st;
}

void activ_npy16_free(activ_npy16 *a)
{
    if (!a)
        return;
    free(a->data);
    memset(a, 0, sizeof *a);
}

static activ_status npy_write(const char *path, const void *data, size_t elsize, const char *descr,
                              const size_t *shape, int ndim);

activ_status activ_npy_write(const char *path, const float *data, const size_t *shape, int ndim)
{
    return npy_write(path, data, 4, "<f4", shape, ndim);
}

activ_status activ_npy_write16(const char *path, const uint16_t *data, const char *descr,
                               const size_t *shape, int ndim)
{
    if (!descr || (strcmp(descr, "<f2") != 0 && strcmp(descr, "<u2") != 0))
        return ACTIV_ERR_PARAM;
    return npy_write(path, data, 2, descr, shape, ndim);
}

static activ_status npy_write(const char *path, const void *data, size_t elsize, const char *descr,
                              const size_t *shape, int ndim)
{
    if (ndim < 0 || ndim > ACTIV_NPY_MAXDIM || (ndim && !shape))
        return ACTIV_ERR_PARAM;
    size_t n = 1;
    for (int i = 0; i < ndim; i++) {
        if (shape[i] && n > (SIZE_MAX / 4) / shape[i])
            return ACTIV_ERR_SIZE;
        n *= shape[i];
    }
    if (n && !data)
        return ACTIV_ERR_NULL;
    char dict[64 + 24 * ACTIV_NPY_MAXDIM];
    int len = snprintf(dict, sizeof dict, "{'descr': '%s', 'fortran_order': False, 'shape': (", descr);
    for (int i = 0; i < ndim; i++)
        len += snprintf(dict + len, sizeof dict - (size_t)len, "%zu%s", shape[i],
                        (ndim == 1 || i + 1 < ndim) ? ", " : "");
    len += snprintf(dict + len, sizeof dict - (size_t)len, "), }");
    /* ", " after the last dim only for 1-d: "(3,)" is what numpy writes; trim the space */
    if (ndim == 1) {
        char *sp = strstr(dict, ", )");
        if (sp)
            memmove(sp + 1, sp + 2, strlen(sp + 2) + 1), len--;
    }
    size_t total = 10 + (size_t)len + 1;
    size_t pad = (64 - total % 64) % 64;
    size_t hlen = (size_t)len + pad + 1;
    unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)(hlen & 0xff),
                             (unsigned char)(hlen >> 8)};
    activ_afile f;
    activ_status s = activ_afile_open(&f, path);
    if (s != ACTIV_OK)
        return s;
    int bad = fwrite(pre, 1, 10, f.fp) != 10 || fwrite(dict, 1, (size_t)len, f.fp) != (size_t)len;
    for (size_t i = 0; i < pad && !bad; i++)
        bad = fputc(' ', f.fp) == EOF;
    bad = bad || fputc('\n', f.fp) == EOF;
    bad = bad || (n && fwrite(data, elsize, n, f.fp) != n);
    if (bad) {
        activ_afile_abort(&f);
        return ACTIV_ERR_IO;
    }
    return activ_afile_commit(&f);
}

void activ_npy_free(activ_npy *a)
{
    if (!a)
        return;
    free(a->data);
    memset(a, 0, sizeof *a);
}
