/* table_stats.c - measures the columns of 'activ table' through the library. */
#define _GNU_SOURCE
#include "table_stats.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "activ_internal/clock.h"
#include "activ_internal/ref.h"
#include "activ_internal/rng.h"

#define CHUNK 65536

void ts_params(activ_kind kind, const ka_values *vals, activ_params *p, float *slope_store)
{
    *p = ka_params(kind, vals);
    if (kind == ACTIV_PRELU) {
        *slope_store = p->alpha; /* default: PyTorch's nn.PReLU initial slope */
        p->slopes = slope_store;
        p->channels = 1;
        p->inner = 1;
    }
}

/* the formula texts of the manifest */
const char *ts_formula(activ_kind kind)
{
    switch (kind) {
#define TS_X_(name, K, fam, fo, dp, params, f, df) \
    case K: return f;
        ACTIV_FOREACH_KIND(TS_X_)
#undef TS_X_
    default: return "?";
    }
}

const char *ts_derivative_formula(activ_kind kind)
{
    switch (kind) {
#define TS_X_(name, K, fam, fo, dp, params, f, df) \
    case K: return df;
        ACTIV_FOREACH_KIND(TS_X_)
#undef TS_X_
    default: return "?";
    }
}

static float from_bits(uint32_t u)
{
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

/* Special inputs every sweep visits (finite ones; the infinities are the limits). */
static size_t specials(float *x)
{
    size_t n = 0;
    const float v[] = {0.0f, FLT_MIN, FLT_MAX, FLT_TRUE_MIN, 1.0f, 0.5f, 2.0f, 1e-7f, 1e-20f, 20.0f,
                       88.0f, 88.72f, 89.0f, 103.9f, 104.0f, 16.0f, 9.0f, 1e30f, 0.25f, 1.5f};
    for (size_t i = 0; i < sizeof v / sizeof *v; i++) {
        x[n++] = v[i];
        x[n++] = -v[i];
        x[n++] = nextafterf(v[i], INFINITY);
        x[n++] = -nextafterf(v[i], INFINITY);
        if (v[i] > 0) {
            x[n++] = nextafterf(v[i], 0);
            x[n++] = -nextafterf(v[i], 0);
        }
    }
    for (int e = -149; e <= 127; e += 4) {
        x[n++] = ldexpf(1.0f, e);
        x[n++] = -ldexpf(1.0f, e);
    }
    size_t m = 0; /* nextafter(FLT_MAX) is inf: keep the finite ones */
    for (size_t i = 0; i < n; i++)
        if (isfinite(x[i]))
            x[m++] = x[i];
    return m;
}

/* z ~ N(0,1), TS_NORMAL_SAMPLES of them from splitmix64 + Box-Muller, computed once. */
static const float *normals(void)
{
    static float *z;
    if (z)
        return z;
    float *v = malloc(TS_NORMAL_SAMPLES * sizeof *v);
    if (!v)
        return NULL;
    uint64_t s = TS_NORMAL_SEED;
    for (size_t i = 0; i < TS_NORMAL_SAMPLES; i += 2) {
        double u1 = ((activ_splitmix64(&s) >> 11) + 1.0) * 0x1.0p-53; /* (0, 1] */
        double u2 = (activ_splitmix64(&s) >> 11) * 0x1.0p-53;         /* [0, 1) */
        double r = sqrt(-2.0 * log(u1)), t = 2.0 * 3.14159265358979323846 * u2;
        v[i] = (float)(r * cos(t));
        v[i + 1] = (float)(r * sin(t));
    }
    z = v;
    return z;
}

typedef struct bufs {
    float *x, *y, *d, *ones;
} bufs;

/* range, max|f'|: every 2^8-th bit pattern (finite ones) plus the specials */
static activ_status sweep_range(activ_kind k, const activ_params *p, bufs *b, tstats *o)
{
    double lo = INFINITY, hi = -INFINITY, dmax = 0;
    const uint64_t total = 1ull << (32 - TS_RANGE_STRIDE_LOG2);
    uint64_t i = 0;
    size_t visited = 0;
    int tail = 0;
    while (!tail) {
        size_t n = 0;
        if (i < total) {
            for (; i < total && n < CHUNK; i++) {
                float x = from_bits((uint32_t)(i << TS_RANGE_STRIDE_LOG2));
                if (isfinite(x))
                    b->x[n++] = x;
            }
        } else {
            n = specials(b->x);
            tail = 1;
        }
        activ_status s = activ_forward(k, p, b->x, b->y, n);
        if (s == ACTIV_OK)
            s = activ_backward(k, p, b->x, b->ones, b->d, n, NULL);
        if (s != ACTIV_OK)
            return s;
        for (size_t j = 0; j < n; j++) {
            double y = b->y[j], d = fabs((double)b->d[j]);
            if (y == y) {
                lo = y < lo ? y : lo;
                hi = y > hi ? y : hi;
            }
            if (d == d && d > dmax)
                dmax = d;
        }
        visited += n;
    }
    o->fmin = lo;
    o->fmax = hi;
    o->max_abs_deriv = dmax;
    o->n_range = visited;
    /* limits and the vanishing test: f(+-inf), f'(+-20) */
    float xs[4] = {-INFINITY, INFINITY, -TS_VANISH_X, TS_VANISH_X}, ys[4], ds[4];
    activ_status s = activ_forward(k, p, xs, ys, 2);
    if (s == ACTIV_OK)
        s = activ_backward(k, p, xs, b->ones, ds, 4, NULL);
    if (s != ACTIV_OK)
        return s;
    o->f_neg_inf = ys[0];
    o->f_pos_inf = ys[1];
    o->d_neg = ds[2];
    o->d_pos = ds[3];
    return ACTIV_OK;
}

/* E|f'(z)|, saturation, E f(z) under z ~ N(0,1) */
static activ_status sweep_normal(activ_kind k, const activ_params *p, bufs *b, tstats *o)
{
    const float *z = normals();
    if (!z)
        return ACTIV_ERR_NOMEM;
    double sum_d = 0, sum_y = 0;
    size_t sat = 0;
    for (size_t i = 0; i < TS_NORMAL_SAMPLES; i += CHUNK) {
        size_t n = TS_NORMAL_SAMPLES - i < CHUNK ? TS_NORMAL_SAMPLES - i : CHUNK;
        activ_status s = activ_forward(k, p, z + i, b->y, n);
        if (s == ACTIV_OK)
            s = activ_backward(k, p, z + i, b->ones, b->d, n, NULL);
        if (s != ACTIV_OK)
            return s;
        for (size_t j = 0; j < n; j++) {
            double d = fabs((double)b->d[j]);
            sum_d += d;
            sum_y += b->y[j];
            sat += d < TS_SATURATED;
        }
    }
    o->mean_abs_deriv = sum_d / TS_NORMAL_SAMPLES;
    o->grad_layers = pow(o->mean_abs_deriv, TS_LAYERS);
    o->saturation = (double)sat / TS_NORMAL_SAMPLES;
    o->mean_out = sum_y / TS_NORMAL_SAMPLES;
    return ACTIV_OK;
}

/* max ULP of activ_forward against the oracle: one pattern per 2^12 (jittered inside the
 * stride so low mantissa bits vary) plus the specials */
static activ_status sweep_ulp(activ_kind k, const activ_params *p, bufs *b, tstats *o)
{
    const uint64_t total = 1ull << (32 - TS_ULP_STRIDE_LOG2);
    const uint32_t mask = (1u << TS_ULP_STRIDE_LOG2) - 1;
    uint64_t seed = 7, i = 0;
    double worst = 0;
    size_t visited = 0;
    int tail = 0;
    while (!tail) {
        size_t n = 0;
        if (i < total) {
            for (; i < total && n < CHUNK; i++) {
                uint32_t u = (uint32_t)(i << TS_ULP_STRIDE_LOG2) | ((uint32_t)activ_splitmix64(&seed) & mask);
                float x = from_bits(u);
                if (isfinite(x))
                    b->x[n++] = x;
            }
        } else {
            n = specials(b->x);
            tail = 1;
        }
        activ_status s = activ_forward(k, p, b->x, b->y, n);
        if (s != ACTIV_OK)
            return s;
        for (size_t j = 0; j < n; j++) {
            double e = activ_ulp_error(b->y[j], activ_ref_forward_p(k, b->x[j], p));
            if (!(e <= worst))
                worst = e; /* NaN or larger */
        }
        visited += n;
    }
    o->max_ulp = worst;
    o->n_ulp = visited;
    return ACTIV_OK;
}

/* ns/element: activ_forward on TS_TIME_N N(0,1)*3 floats, best of batches over ~40 ms */
static activ_status time_forward(activ_kind k, const activ_params *p, bufs *b, tstats *o)
{
    const float *z = normals();
    if (!z)
        return ACTIV_ERR_NOMEM;
    for (size_t i = 0; i < TS_TIME_N; i++)
        b->x[i] = 3.0f * z[i];
    activ_status s = activ_forward(k, p, b->x, b->y, TS_TIME_N); /* warm up */
    if (s != ACTIV_OK)
        return s;
    double best = INFINITY, start = 1e9 * activ_now_s();
    int reps = 4;
    while (1e9 * activ_now_s() - start < 40e6) {
        double t0 = 1e9 * activ_now_s();
        for (int r = 0; r < reps; r++)
            activ_forward(k, p, b->x, b->y, TS_TIME_N);
        double t = (1e9 * activ_now_s() - t0) / reps;
        best = t < best ? t : best;
    }
    o->ns_per_elem = best / TS_TIME_N;
    return ACTIV_OK;
}

activ_status ts_measure(activ_kind kind, const activ_params *p, int timing, tstats *out)
{
    memset(out, 0, sizeof *out);
    out->kind = kind;
    out->alpha = kind == ACTIV_PRELU && p->slopes ? p->slopes[0] : p->alpha;
    out->beta = p->beta;
    out->ns_per_elem = -1;
    activ_params q = *p;
    q.alpha = out->alpha; /* the oracle takes the prelu slope as alpha */
    out->params = q;
    bufs b;
    b.x = malloc(CHUNK * sizeof(float));
    b.y = malloc(CHUNK * sizeof(float));
    b.d = malloc(CHUNK * sizeof(float));
    b.ones = malloc(CHUNK * sizeof(float));
    activ_status s = ACTIV_ERR_NOMEM;
    if (b.x && b.y && b.d && b.ones) {
        for (size_t i = 0; i < CHUNK; i++)
            b.ones[i] = 1.0f;
        s = sweep_range(kind, &q, &b, out);
        if (s == ACTIV_OK)
            s = sweep_normal(kind, &q, &b, out);
        if (s == ACTIV_OK)
            s = sweep_ulp(kind, &q, &b, out);
        if (s == ACTIV_OK && timing)
            s = time_forward(kind, &q, &b, out);
    }
    free(b.x), free(b.y), free(b.d), free(b.ones);
    return s;
}
