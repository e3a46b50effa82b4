/* testutil.c - see testutil.h. */
#include "testutil.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

long long tu_checks;
long long tu_failures;
static double tu_max_ulp = 0;
static char tu_max_where[256];

#define TU_MAX_PRINTED (getenv("TU_ALL") ? 1000000 : 30)

static void vreport(const char *file, int line, const char *fmt, va_list ap) {
    if (tu_failures > TU_MAX_PRINTED) return;
    if (tu_failures == TU_MAX_PRINTED) {
        fprintf(stderr, "... (further failures not printed)\n");
        return;
    }
    fprintf(stderr, "%s:%d: FAIL: ", file, line);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

int tu_check(int ok, const char *file, int line, const char *fmt, ...) {
    tu_checks++;
    if (!ok) {
        va_list ap;
        va_start(ap, fmt);
        vreport(file, line, fmt, ap);
        va_end(ap);
        tu_failures++;
    }
    return ok;
}

int tu_check_ulp(float got, double exact, double bound, const char *file, int line,
                 const char *fmt, ...) {
    double e = activ_ulp_error(got, exact);
    int ok = e <= bound;
    tu_checks++;
    if (e > tu_max_ulp || (!ok && tu_max_ulp <= bound)) {
        va_list ap;
        va_start(ap, fmt);
        int k = vsnprintf(tu_max_where, sizeof tu_max_where, fmt, ap);
        va_end(ap);
        if (k >= 0 && (size_t)k < sizeof tu_max_where)
            snprintf(tu_max_where + k, sizeof tu_max_where - (size_t)k, " got %a want %a",
                     (double)got, exact);
        tu_max_ulp = e;
    }
    if (!ok) {
        char buf[200];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(buf, sizeof buf, fmt, ap);
        va_end(ap);
        tu_check(0, file, line, "%s: got %.9g (%a) want %.17g: %.3g ULP > %g", buf,
                 (double)got, (double)got, exact, e, bound);
        tu_checks--; /* counted above */
    }
    return ok;
}

int tu_identical(float got, float want) { return tu_bits(got) == tu_bits(want); }
int tu_same(float got, float want) {
    return (isnan(got) && isnan(want)) || tu_bits(got) == tu_bits(want);
}

int tu_finish(const char *name) {
    printf("%s: %lld checks, %lld failures", name, tu_checks, tu_failures);
    if (tu_max_where[0]) printf(", largest ULP error %.3g (%s)", tu_max_ulp, tu_max_where);
    printf("\n");
    fflush(stdout);
    if (tu_checks == 0) {
        fprintf(stderr, "%s: no checks ran\n", name);
        return 1;
    }
    return tu_failures ? 1 : 0;
}

int tu_skip(const char *name, const char *why) {
    printf("%s: skipped: %s\n", name, why);
    return 77;
}

uint32_t tu_bits(float f) {
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    return u;
}
float tu_float(uint32_t bits) {
    float f;
    memcpy(&f, &bits, sizeof f);
    return f;
}
float tu_next(float f, int k) { return tu_float(tu_bits(f) + (uint32_t)k); }

void tu_rng_seed(tu_rng *r, uint64_t seed) { r->s = seed * 0x9E3779B97F4A7C15ull + 1; }
uint64_t tu_rng_u64(tu_rng *r) {
    uint64_t z = (r->s += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
double tu_rng_uniform(tu_rng *r) { return (double)(tu_rng_u64(r) >> 11) * 0x1p-53; }
float tu_rng_range(tu_rng *r, float lo, float hi) {
    float f = (float)(lo + (hi - (double)lo) * tu_rng_uniform(r));
    return f < hi ? f : lo;
}
float tu_rng_logu(tu_rng *r, int emin, int emax) {
    double e = emin + (emax - emin) * tu_rng_uniform(r);
    double m = ldexp(1.0, (int)floor(e)) * exp2(e - floor(e));
    float f = (float)m;
    if (isinf(f)) f = 3.4028235e38f;
    return (tu_rng_u64(r) & 1) ? -f : f;
}
float tu_rng_anyfloat(tu_rng *r) { return tu_float((uint32_t)tu_rng_u64(r)); }

float tu_rng_interesting(tu_rng *r, activ_kind kind) {
    uint64_t pick = tu_rng_u64(r) % 8;
    switch (pick) {
    case 0: /* the whole finite range, subnormals included */
    case 1:
        return tu_rng_logu(r, -149, 128);
    case 2: /* around 0 */
        return tu_rng_logu(r, -30, 2);
    case 3:
        return tu_rng_range(r, -10.0f, 10.0f);
    case 4: /* the exp tails: results near the subnormal range, saturation of tanh/sigmoid */
        return tu_rng_range(r, -110.0f, -80.0f);
    case 5:
        return tu_rng_range(r, 5.0f, 20.0f) * ((tu_rng_u64(r) & 1) ? -1.0f : 1.0f);
    case 6: /* a few ULP around the kink / 0 / the swish minimum */
        if (kind == ACTIV_SWISH) return tu_next(-1.2784645f, (int)(tu_rng_u64(r) % 2001) - 1000);
        if (kind == ACTIV_GELU || kind == ACTIV_GELU_TANH || kind == ACTIV_MISH) /* f'(x0) = 0 */
            return tu_next(kind == ACTIV_GELU ? -0.7517915f : kind == ACTIV_MISH ? -1.1924312f : -0.7524614f,
                           (int)(tu_rng_u64(r) % 2001) - 1000);
        return tu_float((uint32_t)(tu_rng_u64(r) % 64) | ((tu_rng_u64(r) & 1) ? 0x80000000u : 0));
    default:
        return tu_rng_logu(r, -20, 7);
    }
}

int tu_isas(const activ_kernels *out[ACTIV_ISA_COUNT]) {
    int n = 0;
#define TU_ISA(name, ISA, b)                           \
    {                                                 \
        const activ_kernels *k = activ_kernels_for(ISA); \
        if (k) out[n++] = k;                          \
    }
    ACTIV_FOREACH_ISA(TU_ISA)
#undef TU_ISA
    return n;
}

activ_kargs tu_kargs(float alpha, float beta, const float *slopes, size_t channels,
                     size_t inner) {
    activ_kargs a;
    memset(&a, 0, sizeof a);
    a.alpha = alpha;
    a.beta = beta;
    a.threshold = 20.0f; /* softplus's default (no other kind reads it) */
    a.slopes = slopes;
    a.channels = channels ? channels : 1;
    a.inner = inner ? inner : 1;
    a.offset = 0;
    return a;
}

/* tu_kargs with the kind's other parameters (gamma, threshold, min_val, max_val) at their
 * defaults, as the API paths get them from tu_params */
static activ_kargs tu_kargs_kind(activ_kind kind, float alpha, float beta, const float *slopes,
                                 size_t channels, size_t inner) {
    activ_kargs a = tu_kargs(alpha, beta, slopes, channels, inner);
    activ_params d = activ_default_params(kind);
    a.gamma = d.gamma;
    a.threshold = d.threshold;
    a.min_val = d.min_val;
    a.max_val = d.max_val;
    return a;
}

activ_params tu_params(activ_kind kind, float alpha, float beta, const float *slopes,
                       size_t channels, size_t inner) {
    activ_params p = activ_default_params(kind);
    p.alpha = alpha;
    p.beta = beta;
    p.slopes = slopes;
    p.channels = channels ? channels : 1;
    p.inner = inner ? inner : 1;
    return p;
}

float tu_default_alpha(activ_kind kind) {
    int uses = 0; /* the manifest lists alpha among the kind's params */
#define ACTIV_P(field, def) uses |= !strcmp(#field, "alpha");
#define TU_UA(name, K, fam, fo, dp, params, ...) \
    if (kind == K) { params }
    ACTIV_FOREACH_KIND(TU_UA)
#undef TU_UA
#undef ACTIV_P
    return uses ? activ_default_params(kind).alpha : 0.0f;
}

int tu_has_from_output(activ_kind kind) {
#define TU_HFO(name, K, fam, has, ...) \
    if (kind == K) return has;
    ACTIV_FOREACH_KIND(TU_HFO)
#undef TU_HFO
    return 0;
}

const char *tu_kind_str(activ_kind kind) {
#define TU_KN(name, K, ...) \
    if (kind == K) return #name;
    ACTIV_FOREACH_KIND(TU_KN)
#undef TU_KN
    return "?";
}

const char *tu_isa_str(activ_isa isa) {
#define TU_IN(name, I, b) \
    if (isa == I) return #name;
    ACTIV_FOREACH_ISA(TU_IN)
#undef TU_IN
    return "?";
}

float *tu_alloc(size_t n) {
    size_t bytes = ((n ? n : 1) * sizeof(float) + 63) / 64 * 64;
    float *p = aligned_alloc(64, bytes);
    if (!p) {
        fprintf(stderr, "out of memory (%zu floats)\n", n);
        abort();
    }
    return p;
}

int tu_paths(tu_path out[2 * ACTIV_ISA_COUNT]) {
    const activ_kernels *ks[ACTIV_ISA_COUNT];
    int nk = tu_isas(ks), n = 0;
    for (int i = 0; i < nk; i++) {
        for (int api = 0; api < 2; api++) {
            tu_path *p = &out[n++];
            p->isa = ks[i]->isa;
            p->k = ks[i];
            p->api = api;
            snprintf(p->name, sizeof p->name, "%s/%s", tu_isa_str(ks[i]->isa),
                     api ? "api" : "kernel");
        }
    }
    return n;
}

static const float *shared_slope(activ_kind kind, const float *slopes, const float *alpha,
                                 size_t *channels) {
    if (kind == ACTIV_PRELU && !slopes) {
        *channels = 1;
        return alpha;
    }
    return slopes;
}

static int set_isa(const tu_path *p) {
    activ_status s = activ_set_isa(p->isa);
    if (s != ACTIV_OK) {
        fprintf(stderr, "activ_set_isa(%s) failed: %s\n", tu_isa_str(p->isa),
                activ_status_str(s));
        return 0;
    }
    return 1;
}

activ_status tu_fwd(const tu_path *p, activ_kind kind, float alpha, float beta,
                    const float *slopes, size_t channels, size_t inner, const float *x,
                    float *y, size_t n) {
    slopes = shared_slope(kind, slopes, &alpha, &channels);
    if (p->api) {
        if (!set_isa(p)) return ACTIV_ERR_UNSUPPORTED;
        activ_params pr = tu_params(kind, alpha, beta, slopes, channels, inner);
        return activ_forward(kind, &pr, x, y, n);
    }
    activ_kargs a = tu_kargs_kind(kind, alpha, beta, slopes, channels, inner);
    p->k->fwd[kind](x, y, n, &a);
    return ACTIV_OK;
}

activ_status tu_bwd(const tu_path *p, activ_kind kind, float alpha, float beta,
                    const float *slopes, size_t channels, size_t inner, const float *x,
                    const float *dy, float *dx, size_t n, float *dparam) {
    slopes = shared_slope(kind, slopes, &alpha, &channels);
    if (p->api) {
        if (!set_isa(p)) return ACTIV_ERR_UNSUPPORTED;
        activ_params pr = tu_params(kind, alpha, beta, slopes, channels, inner);
        return activ_backward(kind, &pr, x, dy, dx, n, dparam);
    }
    activ_kargs a = tu_kargs_kind(kind, alpha, beta, slopes, channels, inner);
    size_t nacc = kind == ACTIV_PRELU ? a.channels : 1;
    double *acc = NULL;
    if (dparam && (kind == ACTIV_PRELU || kind == ACTIV_SWISH)) {
        acc = calloc(nacc, sizeof *acc);
        if (!acc) return ACTIV_ERR_NOMEM;
    }
    p->k->bwd[kind](x, dy, dx, n, &a, acc);
    if (acc) {
        for (size_t c = 0; c < nacc; c++) dparam[c] = (float)acc[c];
        free(acc);
    }
    return ACTIV_OK;
}

activ_status tu_bwdy(const tu_path *p, activ_kind kind, float alpha, const float *y,
                     const float *dy, float *dx, size_t n) {
    if (p->api) {
        if (!set_isa(p)) return ACTIV_ERR_UNSUPPORTED;
        activ_params pr = tu_params(kind, alpha, 1.0f, NULL, 1, 1);
        return activ_backward_from_output(kind, &pr, y, dy, dx, n);
    }
    if (!p->k->bwdy[kind]) return ACTIV_ERR_UNSUPPORTED;
    activ_kargs a = tu_kargs_kind(kind, alpha, 1.0f, NULL, 1, 1);
    p->k->bwdy[kind](y, dy, dx, n, &a, NULL);
    return ACTIV_OK;
}

/* |got - exact| in ULPs of the 16-bit type dt */
double tu_ulp16_error(float got, double exact, activ_half dt)
{
    int p = dt == ACTIV_BF16 ? 8 : 11, emin = dt == ACTIV_BF16 ? -126 : -14;
    int emax = dt == ACTIV_BF16 ? 127 : 15;
    int gn = isnan(got), en = isnan(exact);
    if (gn || en) return gn && en ? 0.0 : INFINITY;
    if (isinf(exact)) return (double)got == exact ? 0.0 : INFINITY;
    double a = fabs(exact), top = ldexp(1.0, emax + 1), ulp;
    if (a < ldexp(1.0, emin)) {
        ulp = ldexp(1.0, emin - p + 1);
    } else {
        int E;
        frexp(a, &E);
        int e = E - 1 > emax ? emax : E - 1;
        ulp = ldexp(1.0, e - p + 1);
    }
    if (isinf(got)) {
        if ((got > 0) != (exact > 0)) return INFINITY;
        return a >= top ? 0.0 : (top - a) / ldexp(1.0, emax - p + 1);
    }
    return fabs((double)got - exact) / ulp;
}
