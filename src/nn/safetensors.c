/* safetensors.c - save/load a model's parameters in the safetensors format.
 *
 * File: u64 little-endian N, N bytes of JSON (space-padded to a multiple of 8), then the
 * data block. Each tensor: {"dtype":"F32","shape":[...],"data_offsets":[begin,end]} with
 * offsets relative to the start of the data block.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io/io.h"
#include "nn_internal.h"

#define ST_MAX_HEADER (100u << 20) /* the reference implementation's limit */

typedef struct {
    char name[64];
    float *ptr;
    size_t numel;
    int ndim;
    size_t shape[4];
    int seen;
    size_t soff; /* where the tensor is staged while loading (floats) */
} st_tensor;

static int list_net_tensors(const activ_nn_net *n, st_tensor *t);

/* The model's tensors in file order; returns the count. */
static int list_tensors(const activ_nn_model *m, st_tensor *t)
{
    int k = 0;
    for (int l = 0; l < m->nlayers; l++) {
        const activ_nn_dense *L = &m->layers[l];
        st_tensor *e;
        e = &t[k++];
        memset(e, 0, sizeof *e);
        snprintf(e->name, sizeof e->name, "dense_%d.weight", l);
        e->ptr = L->w, e->numel = (size_t)L->in * nn_width(L), e->ndim = 2; /* gated: 2*out */
        e->shape[0] = (size_t)L->in, e->shape[1] = (size_t)nn_width(L);
        e = &t[k++];
        memset(e, 0, sizeof *e);
        snprintf(e->name, sizeof e->name, "dense_%d.bias", l);
        e->ptr = L->b, e->numel = (size_t)nn_width(L), e->ndim = 1, e->shape[0] = (size_t)nn_width(L);
        if (L->slopes) {
            e = &t[k++];
            memset(e, 0, sizeof *e);
            snprintf(e->name, sizeof e->name, "dense_%d.prelu_alpha", l);
            e->ptr = L->slopes, e->numel = (size_t)L->out, e->ndim = 1, e->shape[0] = (size_t)L->out;
        }
        if (L->beta) {
            e = &t[k++];
            memset(e, 0, sizeof *e);
            snprintf(e->name, sizeof e->name, "dense_%d.swish_beta", l);
            e->ptr = L->beta, e->numel = 1, e->ndim = 1, e->shape[0] = 1;
        }
    }
    return k;
}

/* ---- writing ---------------------------------------------------------------------- */

typedef struct {
    char *s;
    size_t len, cap;
    int oom;
} sbuf;

static void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf *b, const char *fmt, ...)
{
    for (;;) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(b->s ? b->s + b->len : NULL, b->s ? b->cap - b->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            b->oom = 1;
            return;
        }
        if (b->s && b->len + (size_t)n < b->cap) {
            b->len += (size_t)n;
            return;
        }
        size_t nc = (b->cap ? b->cap * 2 : 1024) + (size_t)n;
        char *ns = realloc(b->s, nc);
        if (!ns) {
            b->oom = 1;
            return;
        }
        b->s = ns;
        b->cap = nc;
    }
}

static int put_le_floats(FILE *fp, const float *x, size_t n)
{
    uint8_t buf[4096];
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t u;
        memcpy(&u, &x[i], 4);
        buf[k++] = (uint8_t)u, buf[k++] = (uint8_t)(u >> 8);
        buf[k++] = (uint8_t)(u >> 16), buf[k++] = (uint8_t)(u >> 24);
        if (k == sizeof buf) {
            if (fwrite(buf, 1, k, fp) != k)
                return -1;
            k = 0;
        }
    }
    return k && fwrite(buf, 1, k, fp) != k ? -1 : 0;
}

/* Writes t[nt] (takes ownership of t) with the given layout note. */
static activ_status st_save(st_tensor *t, int nt, const char *layout, const char *path)
{
    sbuf h = {0};
    sb_printf(&h, "{\"__metadata__\":{\"format\":\"pt\",\"producer\":\"activ %s\","
                  "\"layout\":\"%s\"}",
              activ_version(), layout);
    size_t off = 0;
    for (int i = 0; i < nt; i++) {
        size_t bytes = t[i].numel * 4;
        sb_printf(&h, ",\"%s\":{\"dtype\":\"F32\",\"shape\":[", t[i].name);
        for (int d = 0; d < t[i].ndim; d++)
            sb_printf(&h, "%s%zu", d ? "," : "", t[i].shape[d]);
        sb_printf(&h, "],\"data_offsets\":[%zu,%zu]}", off, off + bytes);
        off += bytes;
    }
    sb_printf(&h, "}");
    while (!h.oom && h.len % 8)
        sb_printf(&h, " ");
    if (h.oom) {
        free(h.s);
        free(t);
        return ACTIV_ERR_NOMEM;
    }
    activ_afile f;
    activ_status s = activ_afile_open(&f, path);
    if (s != ACTIV_OK) {
        free(h.s);
        free(t);
        return s;
    }
    uint8_t len8[8];
    for (int i = 0; i < 8; i++)
        len8[i] = (uint8_t)((uint64_t)h.len >> (8 * i));
    int bad = fwrite(len8, 1, 8, f.fp) != 8 || fwrite(h.s, 1, h.len, f.fp) != h.len;
    for (int i = 0; i < nt && !bad; i++)
        bad = put_le_floats(f.fp, t[i].ptr, t[i].numel) != 0;
    free(h.s);
    free(t);
    if (bad) {
        activ_afile_abort(&f);
        return ACTIV_ERR_IO;
    }
    return activ_afile_commit(&f);
}

/* The tensors of an MLP (m) or a network (n; the other is NULL), at most 4 per layer, in
 * file order: *t (malloc'ed) and *nt. ACTIV_OK, or NULL / SHAPE (not built) / NOMEM. */
static activ_status tensors_of(const activ_nn_model *m, const activ_nn_net *n, const char *path, st_tensor **t,
                               int *nt)
{
    if ((!m && !n) || !path)
        return ACTIV_ERR_NULL;
    if (m ? !m->built : !n->built)
        return ACTIV_ERR_SHAPE;
    *t = malloc(sizeof(st_tensor) * 4 * (size_t)(m ? m->nlayers : n->nlayers));
    if (!*t)
        return ACTIV_ERR_NOMEM;
    *nt = m ? list_tensors(m, *t) : list_net_tensors(n, *t);
    return ACTIV_OK;
}

activ_status activ_nn_model_save(const activ_nn_model *m, const char *path)
{
    st_tensor *t;
    int nt;
    activ_status s = tensors_of(m, NULL, path, &t, &nt);
    return s != ACTIV_OK ? s : st_save(t, nt, "weight is (in, out): y = f(x @ weight + bias)", path);
}

/* ---- reading: a small JSON parser for the header ------------------------------------ */

typedef struct {
    const char *p, *end, *start;
    char *err;
    size_t errlen;
    const char *path;
} jp;

static void ws(jp *j)
{
    while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
        j->p++;
}

static int expect(jp *j, char c)
{
    ws(j);
    if (j->p < j->end && *j->p == c) {
        j->p++;
        return 0;
    }
    nn_seterr(j->err, j->errlen, "'%s': corrupt header: expected '%c' at byte %ld", j->path, c,
              (long)(j->p - j->start));
    return -1;
}

/* The opening bracket `open` of an array or object: 1 if it is empty (its `close` follows
 * and is consumed), 0 if entries follow, -1 on error. */
static int jopen(jp *j, char open, char close)
{
    if (expect(j, open))
        return -1;
    ws(j);
    if (j->p < j->end && *j->p == close) {
        j->p++;
        return 1;
    }
    return 0;
}

/* After an entry: 1 if a ',' (consumed) says another follows, 0 at `close` (consumed), -1
 * on error. */
static int jnext(jp *j, char close)
{
    ws(j);
    if (j->p < j->end && *j->p == ',') {
        j->p++;
        return 1;
    }
    return expect(j, close);
}

/* A JSON string into out[cap] (escapes \" \\ \/ only); -1 on error. */
static int jstring(jp *j, char *out, size_t cap)
{
    ws(j);
    if (j->p >= j->end || *j->p != '"')
        goto bad;
    j->p++;
    size_t k = 0;
    while (j->p < j->end && *j->p != '"') {
        char c = *j->p++;
        if (c == '\\') {
            if (j->p >= j->end)
                goto bad;
            c = *j->p++;
            if (c != '"' && c != '\\' && c != '/')
                goto bad;
        } else if ((unsigned char)c < 0x20)
            goto bad;
        if (k + 1 >= cap) {
            nn_seterr(j->err, j->errlen, "'%s': corrupt header: name too long", j->path);
            return -1;
        }
        out[k++] = c;
    }
    if (j->p >= j->end)
        goto bad;
    j->p++;
    out[k] = 0;
    return 0;
bad:
    nn_seterr(j->err, j->errlen, "'%s': corrupt header: bad string", j->path);
    return -1;
}

static int juint(jp *j, size_t *v)
{
    ws(j);
    if (j->p >= j->end || *j->p < '0' || *j->p > '9') {
        nn_seterr(j->err, j->errlen, "'%s': corrupt header: expected a non-negative integer", j->path);
        return -1;
    }
    size_t x = 0;
    while (j->p < j->end && *j->p >= '0' && *j->p <= '9') {
        if (x > (SIZE_MAX - 9) / 10) {
            nn_seterr(j->err, j->errlen, "'%s': corrupt header: integer too large", j->path);
            return -1;
        }
        x = x * 10 + (size_t)(*j->p++ - '0');
    }
    *v = x;
    return 0;
}

/* [u, u, ...] into v[max]; the count goes to *n. */
static int juint_array(jp *j, size_t *v, int max, int *n)
{
    *n = 0;
    int more = jopen(j, '[', ']');
    if (more)
        return more < 0 ? -1 : 0;
    do {
        size_t x;
        if (juint(j, &x))
            return -1;
        if (*n >= max) {
            nn_seterr(j->err, j->errlen, "'%s': corrupt header: array too long", j->path);
            return -1;
        }
        v[(*n)++] = x;
    } while ((more = jnext(j, ']')) > 0);
    return more;
}

/* {"k": "v", ...} (the __metadata__ object: strings only, per the format) */
static int jskip_string_map(jp *j)
{
    char tmp[4096];
    int more = jopen(j, '{', '}');
    if (more)
        return more < 0 ? -1 : 0;
    do {
        if (jstring(j, tmp, sizeof tmp) || expect(j, ':') || jstring(j, tmp, sizeof tmp))
            return -1;
    } while ((more = jnext(j, '}')) > 0);
    return more;
}

/* The whole file at path into *buf (malloc'ed, *size bytes, at least 8). On failure the
 * reason is in err and *buf is NULL. */
static activ_status read_file(const char *path, uint8_t **buf, size_t *size, char *err, size_t errlen)
{
    *buf = NULL;
    FILE *fp = fopen(path, "rb");
    if (!fp) {
        nn_seterr(err, errlen, "cannot open '%s': %s", path, strerror(errno));
        return ACTIV_ERR_IO;
    }
    activ_status st = ACTIV_ERR_IO;
    long fsz = -1;
    struct stat sb;
    if (fstat(fileno(fp), &sb) != 0 || !S_ISREG(sb.st_mode)) { /* a directory "opens" too */
        nn_seterr(err, errlen, "cannot read '%s': %s", path,
                  S_ISDIR(sb.st_mode) ? strerror(EISDIR) : "not a regular file");
        goto done;
    }
    if (fseek(fp, 0, SEEK_END) == 0)
        fsz = ftell(fp);
    if (fsz < 0 || fseek(fp, 0, SEEK_SET) != 0) {
        nn_seterr(err, errlen, "cannot read '%s': %s", path, strerror(errno));
        goto done;
    }
    if (fsz < 8) {
        nn_seterr(err, errlen, "'%s': truncated: %ld bytes, not even the 8-byte header length", path, fsz);
        st = ACTIV_ERR_FORMAT;
        goto done;
    }
    /* the file's real size, never a number inside it, sizes this buffer */
    *buf = malloc((size_t)fsz);
    if (!*buf) {
        nn_seterr(err, errlen, "out of memory for the %ld bytes of '%s'", fsz, path);
        st = ACTIV_ERR_NOMEM;
        goto done;
    }
    if (fread(*buf, 1, (size_t)fsz, fp) != (size_t)fsz) {
        nn_seterr(err, errlen, "cannot read '%s'", path);
        free(*buf);
        *buf = NULL;
        goto done;
    }
    *size = (size_t)fsz;
    st = ACTIV_OK;
done:
    fclose(fp);
    return st;
}

/* "1, 2, 3" into out[cap]. */
static void shape_str(const size_t *shape, int n, char *out, size_t cap)
{
    out[0] = 0;
    for (int i = 0; i < n && strlen(out) < cap - 16; i++)
        snprintf(out + strlen(out), cap - strlen(out), "%s%zu", i ? ", " : "", shape[i]);
}

/* One tensor's object {"dtype": .., "shape": [..], "data_offsets": [b, e]} for the model's
 * tensor e (named key), checked against e and a data block of dsize bytes: offs gets
 * [b, e]. Returns 0, or -1 with the reason in j->err. */
static int parse_tensor(jp *j, const st_tensor *e, const char *key, size_t dsize, size_t offs[2])
{
    const char *path = j->path;
    char dtype[32] = "";
    size_t shape[8];
    int nshape = -1, noffs = -1;
    if (expect(j, '{'))
        return -1;
    int more;
    do {
        char f[64];
        if (jstring(j, f, sizeof f) || expect(j, ':'))
            return -1;
        if (!strcmp(f, "dtype")) {
            if (jstring(j, dtype, sizeof dtype))
                return -1;
        } else if (!strcmp(f, "shape")) {
            if (juint_array(j, shape, 8, &nshape))
                return -1;
        } else if (!strcmp(f, "data_offsets")) {
            if (juint_array(j, offs, 2, &noffs))
                return -1;
        } else {
            nn_seterr(j->err, j->errlen, "'%s': tensor '%s': unknown field '%s'", path, key, f);
            return -1;
        }
    } while ((more = jnext(j, '}')) > 0);
    if (more < 0)
        return -1;
    if (strcmp(dtype, "F32")) {
        nn_seterr(j->err, j->errlen, "'%s': tensor '%s' has dtype '%s', expected F32", path, key, dtype);
        return -1;
    }
    if (nshape < 0 || noffs != 2) {
        nn_seterr(j->err, j->errlen, "'%s': tensor '%s' lacks %s", path, key,
                  nshape < 0 ? "a shape" : "data_offsets [begin, end]");
        return -1;
    }
    int same = nshape == e->ndim;
    for (int i = 0; same && i < nshape; i++)
        same = shape[i] == e->shape[i];
    if (!same) {
        char got[96], want[64];
        shape_str(shape, nshape, got, sizeof got);
        shape_str(e->shape, e->ndim, want, sizeof want);
        nn_seterr(j->err, j->errlen, "'%s': tensor '%s' has shape [%s], the model needs [%s]", path, key, got,
                  want);
        return -1;
    }
    if (offs[0] > offs[1] || offs[1] > dsize || offs[1] - offs[0] != e->numel * 4) {
        nn_seterr(j->err, j->errlen,
                  "'%s': tensor '%s' has bad data_offsets [%zu, %zu] (needs %zu bytes inside a "
                  "%zu-byte data block)", path, key, offs[0], offs[1], e->numel * 4, dsize);
        return -1;
    }
    return 0;
}

/* n little-endian fp32 values from src into dst. */
static void get_le_floats(float *dst, const uint8_t *src, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        uint32_t u = (uint32_t)src[4 * i] | (uint32_t)src[4 * i + 1] << 8 | (uint32_t)src[4 * i + 2] << 16 |
                     (uint32_t)src[4 * i + 3] << 24;
        memcpy(&dst[i], &u, 4);
    }
}

/* The header's entries (j at its '{'): each tensor of t checked and staged at its soff from
 * the data block (dsize bytes); max_end gets the furthest byte a tensor covers. */
static int parse_header(jp *j, st_tensor *t, int nt, const uint8_t *data, size_t dsize, float *staged,
                        size_t *max_end)
{
    const char *path = j->path;
    *max_end = 0;
    int more = jopen(j, '{', '}');
    if (more)
        return more < 0 ? -1 : 0;
    do {
        char key[256];
        if (jstring(j, key, sizeof key) || expect(j, ':'))
            return -1;
        if (!strcmp(key, "__metadata__")) {
            if (jskip_string_map(j))
                return -1;
        } else {
            st_tensor *e = NULL;
            for (int i = 0; i < nt; i++)
                if (!strcmp(t[i].name, key))
                    e = &t[i];
            if (!e) {
                nn_seterr(j->err, j->errlen, "'%s': unexpected tensor '%s' (not in this model)", path, key);
                return -1;
            }
            if (e->seen) {
                nn_seterr(j->err, j->errlen, "'%s': tensor '%s' appears twice", path, key);
                return -1;
            }
            e->seen = 1;
            size_t offs[2];
            if (parse_tensor(j, e, key, dsize, offs))
                return -1;
            if (offs[1] > *max_end)
                *max_end = offs[1];
            get_le_floats(staged + e->soff, data + offs[0], e->numel);
        }
    } while ((more = jnext(j, '}')) > 0);
    return more;
}

/* Reads path into the tensors t[nt] (takes ownership of t), whole or not at all;
 * total = Σ numel, each tensor staged at its soff. */
static activ_status st_load(st_tensor *t, int nt, size_t total, const char *path, char *err,
                            size_t errlen)
{
    uint8_t *buf;
    size_t fsz;
    activ_status st = read_file(path, &buf, &fsz, err, errlen);
    float *staged = NULL;
    if (st != ACTIV_OK)
        goto done;
    st = ACTIV_ERR_FORMAT;
    uint64_t hlen = 0;
    for (int i = 7; i >= 0; i--)
        hlen = hlen << 8 | buf[i];
    if (hlen > ST_MAX_HEADER || hlen > (uint64_t)fsz - 8) {
        nn_seterr(err, errlen, "'%s': truncated or corrupt: header length %llu but the file has %ld bytes",
                  path, (unsigned long long)hlen, (long)fsz);
        goto done;
    }
    if (hlen < 2) {
        nn_seterr(err, errlen, "'%s': corrupt header: %llu bytes", path, (unsigned long long)hlen);
        goto done;
    }
    const uint8_t *data = buf + 8 + hlen;
    size_t dsize = fsz - 8 - (size_t)hlen, max_end;

    staged = malloc((total ? total : 1) * sizeof(float));
    if (!staged) {
        st = ACTIV_ERR_NOMEM;
        goto done;
    }
    jp j = {(const char *)buf + 8, (const char *)buf + 8 + hlen, (const char *)buf + 8, err, errlen,
            path};
    if (parse_header(&j, t, nt, data, dsize, staged, &max_end))
        goto done;
    ws(&j);
    if (j.p != j.end) {
        nn_seterr(err, errlen, "'%s': corrupt header: trailing characters after the JSON object", path);
        goto done;
    }
    for (int i = 0; i < nt; i++)
        if (!t[i].seen) {
            nn_seterr(err, errlen, "'%s': missing tensor '%s'", path, t[i].name);
            goto done;
        }
    if (max_end != dsize) {
        nn_seterr(err, errlen, "'%s': data block has %zu bytes but the tensors cover %zu", path,
                  dsize, max_end);
        goto done;
    }
    for (int i = 0; i < nt; i++)
        memcpy(t[i].ptr, staged + t[i].soff, t[i].numel * sizeof(float));
    st = ACTIV_OK;
done:
    free(buf);
    free(staged);
    free(t);
    return st;
}

activ_status activ_nn_model_load(activ_nn_model *m, const char *path, char *err, size_t errlen)
{
    st_tensor *t;
    int nt;
    activ_status s = tensors_of(m, NULL, path, &t, &nt);
    if (s != ACTIV_OK)
        return s;
    for (int i = 0; i < nt; i++)
        t[i].soff = (size_t)(t[i].ptr - m->params);
    return st_load(t, nt, m->nparams, path, err, errlen);
}

/* ---- activ_nn_net: conv, bn and dense tensors ---------------------------------------- */

static st_tensor *net_add(st_tensor *t, int *k, int l, const char *kind, const char *what, float *ptr,
                          int ndim, size_t d0, size_t d1, size_t d2, size_t d3)
{
    st_tensor *e = &t[(*k)++];
    memset(e, 0, sizeof *e);
    snprintf(e->name, sizeof e->name, "%s_%d.%s", kind, l, what);
    e->ptr = ptr, e->ndim = ndim;
    e->shape[0] = d0, e->shape[1] = d1, e->shape[2] = d2, e->shape[3] = d3;
    e->numel = 1;
    for (int i = 0; i < ndim; i++)
        e->numel *= e->shape[i];
    return e;
}

/* The net's tensors in file order (at most 4 per layer); returns the count. */
static int list_net_tensors(const activ_nn_net *n, st_tensor *t)
{
    int k = 0;
    for (int l = 0; l < n->nlayers; l++) {
        const activ_nn_layer *L = &n->layers[l];
        if (L->type == ACTIV_NN_CONV2D) {
            const activ_nn_conv2d *c = &L->conv;
            net_add(t, &k, l, "conv", "weight", c->w, 4, (size_t)c->oc, (size_t)c->c, (size_t)c->k, (size_t)c->k);
            if (c->b)
                net_add(t, &k, l, "conv", "bias", c->b, 1, (size_t)c->oc, 0, 0, 0);
            if (c->slopes)
                net_add(t, &k, l, "conv", "prelu_alpha", c->slopes, 1, (size_t)c->oc, 0, 0, 0);
            if (c->beta)
                net_add(t, &k, l, "conv", "swish_beta", c->beta, 1, 1, 0, 0, 0);
        } else if (L->type == ACTIV_NN_DENSE) {
            const activ_nn_dense *d = &L->dense;
            net_add(t, &k, l, "dense", "weight", d->w, 2, (size_t)d->in, (size_t)d->out, 0, 0);
            net_add(t, &k, l, "dense", "bias", d->b, 1, (size_t)d->out, 0, 0, 0);
            if (d->slopes)
                net_add(t, &k, l, "dense", "prelu_alpha", d->slopes, 1, (size_t)d->out, 0, 0, 0);
            if (d->beta)
                net_add(t, &k, l, "dense", "swish_beta", d->beta, 1, 1, 0, 0, 0);
        } else if (L->type == ACTIV_NN_BATCHNORM) {
            const activ_nn_batchnorm *b = &L->bn;
            net_add(t, &k, l, "bn", "weight", b->gamma, 1, (size_t)b->c, 0, 0, 0);
            net_add(t, &k, l, "bn", "bias", b->beta, 1, (size_t)b->c, 0, 0, 0);
            net_add(t, &k, l, "bn", "running_mean", b->run_mean, 1, (size_t)b->c, 0, 0, 0);
            net_add(t, &k, l, "bn", "running_var", b->run_var, 1, (size_t)b->c, 0, 0, 0);
        }
    }
    return k;
}

activ_status activ_nn_net_save(const activ_nn_net *n, const char *path)
{
    st_tensor *t;
    int nt;
    activ_status s = tensors_of(NULL, n, path, &t, &nt);
    if (s != ACTIV_OK)
        return s;
    return st_save(t, nt, "NCHW; conv weight (out, in, k, k); dense weight (in, out): y = f(x @ weight + bias)",
                   path);
}

activ_status activ_nn_net_load(activ_nn_net *n, const char *path, char *err, size_t errlen)
{
    st_tensor *t;
    int nt;
    activ_status s = tensors_of(NULL, n, path, &t, &nt);
    if (s != ACTIV_OK)
        return s;
    size_t total = 0;
    for (int i = 0; i < nt; i++)
        t[i].soff = total, total += t[i].numel;
    return st_load(t, nt, total, path, err, errlen);
}
