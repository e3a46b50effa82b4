/* npy.c - NumPy .npy files (format versions 1, 2 and 3), fp32 little-endian C order only.
 *
 * Layout: "\x93NUMPY", major, minor, header length (uint16 LE for v1, uint32 LE for v2/3),
 * a Python dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (d0, d1, ...), }
 * padded with spaces and a final '\n' so the data starts on a 64-byte boundary, then the data.
 */
#include "io.h"

/* Floats read at a time from a stream whose size is unknown (the buffer then doubles as
 * data arrives, never beyond what the shape declares). */
#define ACTIV_NPY_GROW ((size_t)1 << 18)

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

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

size_t activ_npy_count(const size_t *shape, int ndim)
{
    for (int i = 0; i < ndim; i++) /* a zero dimension: no elements, whatever the others */
        if (!shape[i])
            return 0;
    size_t n = 1;
    for (int i = 0; i < ndim; i++) {
        if (n > ((size_t)PTRDIFF_MAX / sizeof(float)) / shape[i])
            return SIZE_MAX;
        n *= shape[i];
    }
    return n;
}

/* ---- the header dict ------------------------------------------------------------------
 * A Python literal, parsed (not searched): '{', exactly the keys 'descr', 'fortran_order' and
 * 'shape' once each in any order, ', ' between items, an optional trailing ',', '}', then
 * only spaces up to the final '\n'. Keys and descr are '...' or "..." strings without
 * escapes; fortran_order is True or False; shape is a tuple of decimal integers written as
 * Python writes them (no sign, no leading zeros, "(3,)" for one dimension). */

typedef struct {
    const char *p, *end;
} hscan;

static void hs_ws(hscan *h)
{
    while (h->p < h->end && (*h->p == ' ' || *h->p == '\t'))
        h->p++;
}

static int hs_char(hscan *h, char c)
{
    hs_ws(h);
    if (h->p < h->end && *h->p == c) {
        h->p++;
        return 1;
    }
    return 0;
}

/* A quoted string into out[cap]; 0 on success. */
static int hs_string(hscan *h, char *out, size_t cap)
{
    hs_ws(h);
    if (h->p >= h->end || (*h->p != '\'' && *h->p != '"'))
        return -1;
    char q = *h->p++;
    size_t k = 0;
    while (h->p < h->end && *h->p != q) {
        unsigned char c = (unsigned char)*h->p++;
        if (c == '\\' || c < 0x20 || c >= 0x7f || k + 1 >= cap)
            return -1;
        out[k++] = (char)c;
    }
    if (h->p >= h->end)
        return -1;
    h->p++;
    out[k] = 0;
    return 0;
}

static int hs_word(hscan *h, const char *w)
{
    hs_ws(h);
    size_t n = strlen(w);
    if ((size_t)(h->end - h->p) < n || memcmp(h->p, w, n) != 0)
        return 0;
    const char *after = h->p + n;
    if (after < h->end && (isalnum((unsigned char)*after) || *after == '_'))
        return 0;
    h->p = after;
    return 1;
}

/* Parses the dict; on failure writes why into why[whylen] and returns -1. */
static int parse_header(const char *hdr, size_t hlen, char *descr, size_t dcap, int *fortran,
                        size_t *shape, int *ndim, char *why, size_t whylen)
{
    hscan h = {hdr, hdr + hlen};
    int have_descr = 0, have_fortran = 0, have_shape = 0;
    if (!hs_char(&h, '{')) {
        snprintf(why, whylen, "the header is not a dict literal");
        return -1;
    }
    for (;;) {
        if (hs_char(&h, '}'))
            break;
        char key[32];
        if (hs_string(&h, key, sizeof key) || !hs_char(&h, ':')) {
            snprintf(why, whylen, "malformed header dict (expected 'key': value)");
            return -1;
        }
        if (!strcmp(key, "descr")) {
            if (have_descr++ || hs_string(&h, descr, dcap)) {
                snprintf(why, whylen, "%s 'descr'", have_descr > 1 ? "repeated key" : "malformed");
                return -1;
            }
        } else if (!strcmp(key, "fortran_order")) {
            if (have_fortran++) {
                snprintf(why, whylen, "repeated key 'fortran_order'");
                return -1;
            }
            if (hs_word(&h, "True"))
                *fortran = 1;
            else if (hs_word(&h, "False"))
                *fortran = 0;
            else {
                snprintf(why, whylen, "'fortran_order' must be True or False");
                return -1;
            }
        } else if (!strcmp(key, "shape")) {
            if (have_shape++) {
                snprintf(why, whylen, "repeated key 'shape'");
                return -1;
            }
            if (!hs_char(&h, '(')) {
                snprintf(why, whylen, "'shape' must be a tuple");
                return -1;
            }
            int nd = 0, comma = 0;
            for (;;) {
                if (hs_char(&h, ')'))
                    break;
                if (nd && !comma) {
                    snprintf(why, whylen, "malformed 'shape' tuple");
                    return -1;
                }
                hs_ws(&h);
                const char *q = h.p;
                size_t d = 0;
                while (h.p < h.end && *h.p >= '0' && *h.p <= '9') {
                    if (d > (SIZE_MAX - 9) / 10) {
                        snprintf(why, whylen, "a 'shape' dimension is too large");
                        return -1;
                    }
                    d = d * 10 + (size_t)(*h.p++ - '0');
                }
                if (h.p == q || (*q == '0' && h.p - q > 1)) {
                    snprintf(why, whylen, "'shape' must hold non-negative decimal integers");
                    return -1;
                }
                if (nd >= ACTIV_NPY_MAXDIM) {
                    snprintf(why, whylen, "'shape' has more than %d dimensions", ACTIV_NPY_MAXDIM);
                    return -1;
                }
                shape[nd++] = d;
                comma = hs_char(&h, ',');
            }
            if (nd == 1 && !comma) { /* "(3)" is the integer 3 in Python, not a tuple */
                snprintf(why, whylen, "'shape' (n) is not a tuple; a 1-d shape is written (n,)");
                return -1;
            }
            *ndim = nd;
        } else {
            snprintf(why, whylen, "unexpected key '%s' (a .npy header has exactly 'descr', "
                                  "'fortran_order' and 'shape')", key);
            return -1;
        }
        if (hs_char(&h, ','))
            continue;
        if (hs_char(&h, '}'))
            break;
        snprintf(why, whylen, "malformed header dict (expected ',' or '}')");
        return -1;
    }
    if (!have_descr || !have_fortran || !have_shape) {
        snprintf(why, whylen, "the header lacks '%s'",
                 !have_descr ? "descr" : !have_fortran ? "fortran_order" : "shape");
        return -1;
    }
    while (h.p < h.end && *h.p == ' ')
        h.p++;
    if (h.p + 1 != h.end || *h.p != '\n') {
        snprintf(why, whylen, "the header has bytes after the dict (only spaces and a final newline may follow)");
        return -1;
    }
    return 0;
}

/* The reader behind activ_npy_read and activ_npy_read16: accepts the dtypes of want (each
 * between spaces: " <f2 <u2 "), elements of elsize bytes; the dtype found goes to gotd[4].
 * shape[ACTIV_NPY_MAXDIM] receives the shape. */
static activ_status npy_read(const char *path, const char *want, size_t elsize, void **datap,
                             size_t *np, int *ndimp, size_t *shape, char *gotd, char *err,
                             size_t errlen)
{
    *datap = NULL;
    *np = 0;
    *ndimp = 0;
    if (err && errlen)
        err[0] = 0;
    if (!path)
        return fail(err, errlen, ACTIV_ERR_NULL, "no file name");
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return fail(err, errlen, ACTIV_ERR_IO, "cannot open '%s': %s", path, strerror(errno));
    activ_status st = ACTIV_ERR_FORMAT;
    char *hdr = NULL;
    unsigned char *data = NULL;
    const char *unit = elsize == 4 ? "floats" : "elements";
    /* A regular file's size bounds what its header may claim: checked before allocating.
     * Anything else (a pipe) is read as it arrives, the buffer growing with the data. */
    struct stat sb;
    if (fstat(fileno(fp), &sb) != 0) {
        st = fail(err, errlen, ACTIV_ERR_IO, "cannot read '%s': %s", path, strerror(errno));
        goto out;
    }
    if (S_ISDIR(sb.st_mode)) {
        st = fail(err, errlen, ACTIV_ERR_IO, "cannot read '%s': %s", path, strerror(EISDIR));
        goto out;
    }
    int regular = S_ISREG(sb.st_mode);
    unsigned char pre[12];
    size_t got = fread(pre, 1, 10, fp);
    if (ferror(fp)) {
        st = fail(err, errlen, ACTIV_ERR_IO, "cannot read '%s': %s", path, strerror(errno));
        goto out;
    }
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
    if (regular && hlen > (uint64_t)sb.st_size - pos) {
        fail(err, errlen, st, "'%s' is truncated: the .npy header claims %zu bytes, the file has %zu after the preamble",
             path, hlen, (size_t)((uint64_t)sb.st_size - pos));
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

    char descr[32], why[160];
    int fortran = 0, ndim = 0;
    if (parse_header(hdr, hlen, descr, sizeof descr, &fortran, shape, &ndim, why, sizeof why)) {
        fail(err, errlen, st, "'%s': bad .npy header: %s", path, why);
        goto out;
    }
    char tok[40];
    snprintf(tok, sizeof tok, " %s ", descr);
    if (strlen(descr) != 3 || !strstr(want, tok)) {
        if (elsize == 4)
            fail(err, errlen, st, "'%s' holds dtype '%s'; activ needs float32 ('<f4', little-endian)", path, descr);
        else
            fail(err, errlen, st, "'%s' holds dtype '%s'; a 16-bit call needs float16 ('<f2') or, for bfloat16, uint16 bit patterns ('<u2')", path, descr);
        goto out;
    }
    memcpy(gotd, descr, 4);
    size_t n = activ_npy_count(shape, ndim);
    if (n == SIZE_MAX) {
        st = fail(err, errlen, ACTIV_ERR_SIZE, "'%s': shape is too large", path);
        goto out;
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
    if (regular) {
        uint64_t have = (uint64_t)sb.st_size - pos;
        if (have < (uint64_t)n * elsize) {
            fail(err, errlen, st, "'%s' is truncated: shape needs %zu %s, file has %llu bytes of data",
                 path, n, unit, (unsigned long long)have);
            goto out;
        }
        if (have > (uint64_t)n * elsize) {
            fail(err, errlen, st, "'%s' has %llu bytes after the %zu %s its shape declares", path,
                 (unsigned long long)(have - (uint64_t)n * elsize), n, unit);
            goto out;
        }
    }
    if (n) {
        size_t cap = regular || n < ACTIV_NPY_GROW ? n : ACTIV_NPY_GROW, r = 0;
        data = malloc(cap * elsize);
        for (;;) {
            if (!data) {
                st = fail(err, errlen, ACTIV_ERR_NOMEM, "out of memory for %zu %s reading '%s'", cap, unit, path);
                goto out;
            }
            r += fread(data + r * elsize, elsize, cap - r, fp);
            if (r < cap || cap == n)
                break;
            size_t nc = cap > n / 2 ? n : 2 * cap;
            unsigned char *g = realloc(data, nc * elsize);
            if (!g)
                free(data);
            data = g, cap = nc;
        }
        if (ferror(fp)) {
            st = fail(err, errlen, ACTIV_ERR_IO, "cannot read '%s': %s", path, strerror(errno));
            goto out;
        }
        if (r != n) {
            fail(err, errlen, st, "'%s' is truncated: shape needs %zu %s, file has %zu", path, n, unit, r);
            goto out;
        }
    }
    if (fgetc(fp) != EOF) {
        fail(err, errlen, st, "'%s' has bytes after the %zu %s its shape declares", path, n, unit);
        goto out;
    }
    if (ferror(fp)) {
        st = fail(err, errlen, ACTIV_ERR_IO, "cannot read '%s': %s", path, strerror(errno));
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

/* Writes elements of elsize bytes as a C-order .npy of dtype descr to an open stream. */
static activ_status npy_fwrite(FILE *fp, const void *data, size_t elsize, const char *descr,
                               const size_t *shape, int ndim)
{
    if (ndim < 0 || ndim > ACTIV_NPY_MAXDIM || (ndim && !shape))
        return ACTIV_ERR_PARAM;
    size_t n = activ_npy_count(shape, ndim);
    if (n == SIZE_MAX)
        return ACTIV_ERR_SIZE;
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
    int bad = fwrite(pre, 1, 10, fp) != 10 || fwrite(dict, 1, (size_t)len, fp) != (size_t)len;
    for (size_t i = 0; i < pad && !bad; i++)
        bad = fputc(' ', fp) == EOF;
    bad = bad || fputc('\n', fp) == EOF;
    bad = bad || (n && fwrite(data, elsize, n, fp) != n);
    return bad ? ACTIV_ERR_IO : ACTIV_OK;
}

activ_status activ_npy_fwrite(FILE *fp, const float *data, const size_t *shape, int ndim)
{
    return npy_fwrite(fp, data, 4, "<f4", shape, ndim);
}

static activ_status npy_write(const char *path, const void *data, size_t elsize, const char *descr,
                              const size_t *shape, int ndim)
{
    activ_afile f;
    activ_status s = activ_afile_open(&f, path);
    if (s != ACTIV_OK)
        return s;
    if ((s = npy_fwrite(f.fp, data, elsize, descr, shape, ndim)) != ACTIV_OK) {
        activ_afile_abort(&f);
        return s;
    }
    return activ_afile_commit(&f);
}

activ_status activ_npy_write16(const char *path, const uint16_t *data, const char *descr,
                               const size_t *shape, int ndim)
{
    if (!descr || (strcmp(descr, "<f2") != 0 && strcmp(descr, "<u2") != 0))
        return ACTIV_ERR_PARAM;
    return npy_write(path, data, 2, descr, shape, ndim);
}

activ_status activ_npy_write(const char *path, const float *data, const size_t *shape, int ndim)
{
    return npy_write(path, data, 4, "<f4", shape, ndim);
}

void activ_npy_free(activ_npy *a)
{
    if (!a)
        return;
    free(a->data);
    memset(a, 0, sizeof *a);
}
