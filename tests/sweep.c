/* sweep.c - the accuracy sweep (build/activ_sweep): runs every supported code path (the
 * kernel tables of src/kernels/manifest.h, called directly) on fp32 bit patterns and
 * compares each result with the double-precision oracle (src/ref), for every kind and
 * direction: fwd, bwd with dy = 1 and dy = 0.7, bwdy (from output, the pattern is y) with
 * dy = 1 and 0.7; default parameters plus a few others. The oracle runs once per block and
 * every path is checked against it.
 *
 *   activ_sweep [--stride K] [--kinds relu,elu,...] [--json FILE] [--threads T]
 *   activ_sweep --half      every binary16 and bfloat16 input instead (tests/sweep_half.c)
 *
 * --stride 1 visits all 2^32 patterns (`make sweep-full`). --stride K visits every K-th
 * pattern plus, always, the special values and dense windows around the tails (0 and the
 * subnormals, FLT_MIN, +-1, the exp range ends near -87, -88.7, -103.9, tanh and sigmoid
 * saturation, the swish minimum, FLT_MAX). Prints the max ULP error per kind, parameters,
 * direction and path, where it occurred and how many inputs were checked; exits 1 if any
 * bound (fwd 1 ULP, bwd and bwdy 2 ULP) is exceeded.
 */
#define _GNU_SOURCE
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"
#include "internal.h"
#include "validate.h"

#define BLOCK 8192

typedef struct {
    activ_kind kind;
    activ_params p; /* prelu: alpha is the one shared slope */
} scase;

/* Every kind of the manifest with its defaults, then these other parameters. */
typedef struct {
    activ_kind kind;
    const char *field; /* an ACTIV_FOREACH_FIELD name */
    float value;
} sextra;
static const sextra extra_cases[] = {
    {ACTIV_LEAKY_RELU, "alpha", 0.2f}, {ACTIV_ELU, "alpha", 0.5f}, {ACTIV_SWISH, "beta", 1.7f},
    {ACTIV_SWISH, "beta", -0.5f}, {ACTIV_HARDTANH, "max_val", 2.5f},
    {ACTIV_HARDSIGMOID, "alpha", 0.2f}, /* ONNX's default slope */
    {ACTIV_THRESHOLDED_RELU, "alpha", 0.5f}, {ACTIV_CELU, "alpha", 0.5f},
    {ACTIV_SOFTPLUS, "beta", 0.5f}, {ACTIV_SOFTPLUS, "threshold", 1.5f},
};
#define NCASE_ALL (ACTIV_KIND_COUNT + sizeof extra_cases / sizeof extra_cases[0])

static float *field_of(activ_params *p, const char *name) {
#define SW_F(field) \
    if (!strcmp(name, #field)) return &p->field;
    ACTIV_FOREACH_FIELD(SW_F)
#undef SW_F
    abort();
}

/* "alpha=0.01 beta=1": every parameter the manifest lists for the kind */
static void params_str(const scase *c, char *buf, size_t len) {
    size_t o = 0;
    buf[0] = 0;
    activ_params p = c->p;
#define ACTIV_P(field, def) \
    o += (size_t)snprintf(buf + o, len - o, "%s%s=%g", o ? " " : "", \
                          c->kind == ACTIV_PRELU ? "slope" : #field, (double)p.field);
#define SW_X(name, K, fam, fo, dp, params, ...) \
    if (c->kind == K && o < len) { params }
    ACTIV_FOREACH_KIND(SW_X)
#undef SW_X
#undef ACTIV_P
}

enum { D_FWD, D_BWD1, D_BWD07, D_BWDY1, D_BWDY07, NDIR };
static const char *dir_name[NDIR] = {"fwd", "bwd dy=1", "bwd dy=0.7", "bwdy dy=1", "bwdy dy=0.7"};
static const double dir_bound[NDIR] = {1, 2, 2, 2, 2};

typedef struct {
    double max;
    uint32_t at;     /* the input pattern where max occurred */
    float got;
    double exact;
    uint64_t count;
} stat;

static scase cases[NCASE_ALL];
static int ncase;
static const activ_kernels *isas[ACTIV_ISA_COUNT];
static int nisa;
static stat stats[NCASE_ALL][NDIR][ACTIV_ISA_COUNT];
static pthread_mutex_t stats_mu = PTHREAD_MUTEX_INITIALIZER;

/* The work: the strided range (pattern = i * stride, i < nmain) then the extra patterns. */
static uint64_t stride = 1, nmain;
static uint32_t *extra;
static size_t nextra, nextra_cap;
static uint64_t nblocks;
static atomic_uint_fast64_t next_block, done_elems;
static atomic_int finished;

static int has_dir(const scase *c, int d) {
    if (d < D_BWDY1) return 1;
    /* the library's own rule (kind and parameters) */
    return activ_validate(c->kind, ACTIV_DIR_BWDY, &c->p, NULL, NULL, NULL, 0, sizeof(float),
                          NULL, 1) == ACTIV_OK;
}

static void add_extra(uint32_t b) {
    if (nextra == nextra_cap) {
        nextra_cap = nextra_cap ? 2 * nextra_cap : 1 << 16;
        extra = realloc(extra, nextra_cap * sizeof *extra);
        if (!extra) abort();
    }
    extra[nextra++] = b;
}
/* count patterns from bits(f) on, both signs */
static void add_window(float f, uint32_t before, uint32_t count) {
    uint32_t b = tu_bits(f) & 0x7fffffffu;
    uint32_t lo = b > before ? b - before : 0;
    for (uint32_t s = 0; s < 2; s++)
        for (uint32_t i = 0; i < count && lo + i < 0x7f800001u; i++)
            add_extra((lo + i) | (s << 31));
}

static void build_extra(void) {
    /* specials: NaNs (payloads, both signs), infinities, zeros, subnormal ends, FLT_MIN,
     * FLT_MAX */
    const uint32_t sp[] = {0x7fc00000u, 0xffc00000u, 0x7fc00001u, 0x7fffffffu, 0xffffffffu,
                           0x7f800001u, 0xff800001u, 0x7fa00000u, 0x7f800000u, 0xff800000u,
                           0x00000000u, 0x80000000u, 0x7f7fffffu, 0xff7fffffu};
    for (size_t i = 0; i < sizeof sp / sizeof sp[0]; i++) add_extra(sp[i]);
    add_window(0.0f, 0, 1 << 16);               /* 0 and the smallest subnormals */
    add_window(tu_float(0x007fffffu), 1 << 15, 1 << 16); /* largest subnormals, FLT_MIN */
    add_window(3.4028235e38f, 1 << 14, 1 << 14);  /* FLT_MAX */
    add_window(1.0f, 1 << 12, 1 << 13);
    add_window(0x1p-24f, 1 << 12, 1 << 13);       /* elu, tanh at tiny x */
    add_window(0x1p-12f, 1 << 12, 1 << 13);
    /* exp range ends: e^x leaves the normal range (-87.3), the subnormal range (-103.97);
     * x * e^-x overflow guards (88.7); tanh, sigmoid saturation */
    const float tails[] = {87.33654f, 88.72284f, 89.41599f, 103.27893f, 103.97208f, 104.0f,
                           9.010913f, 16.635532f, 17.32868f, 8.317766f, 15.942385f, 1.2784645f,
                           0.7520166f, 2.556929f, 0.5f, 2.0f, 0.25f, 20.0f, 44.36142f,
                           51.98604f, 60.0f, 61.16523f,
                           3.0f, 6.0f}; /* the kinks of hardsigmoid, hardswish, relu6 */
    for (size_t i = 0; i < sizeof tails / sizeof tails[0]; i++) add_window(tails[i], 1 << 12, 1 << 13);
    /* the whole band where sigmoid / swish results are subnormal, every 4th pattern */
    for (uint32_t b = tu_bits(87.0f); b <= tu_bits(105.0f); b += 4) add_extra(b | 0x80000000u);
    /* gelu, gelu_tanh, mish, logsigmoid: the zeros of gelu', gelu_tanh', mish' (+ sign too), the
     * negative tails where gelu (-12.5 .. -16) and gelu_tanh (-10 .. -12) reach the subnormals
     * (every 16th pattern), logsigmoid's subnormal band on the positive side (every 4th) */
    const float smooth[] = {0.7517915f, 0.7524614f, 1.1924312f, 14.5f, 11.0f, 38.6f};
    for (size_t i = 0; i < sizeof smooth / sizeof smooth[0]; i++) add_window(smooth[i], 1 << 12, 1 << 13);
    for (uint32_t b = tu_bits(10.0f); b <= tu_bits(16.0f); b += 16) add_extra(b | 0x80000000u);
    for (uint32_t b = tu_bits(87.0f); b <= tu_bits(105.0f); b += 4) add_extra(b);
}

static uint32_t pattern(uint64_t idx) {
    return idx < nmain ? (uint32_t)(idx * stride) : extra[idx - nmain];
}

static void check_block(stat st[NCASE_ALL][NDIR][ACTIV_ISA_COUNT], int ci, int d, int ii,
                        const float *x, const float *got, const double *ex, const double *ulp,
                        size_t n) {
    stat *s = &st[ci][d][ii];
    double cur = s->max;
    for (size_t i = 0; i < n; i++) {
        double e = fabs((double)got[i] - ex[i]) / ulp[i];
        if (!(e <= cur)) { /* larger, or NaN / inf somewhere: the exact rules */
            e = activ_ulp_error(got[i], ex[i]);
            if (e > cur) {
                cur = e;
                s->max = e;
                s->at = tu_bits(x[i]);
                s->got = got[i];
                s->exact = ex[i];
            }
        }
    }
    s->count += n;
}

static void *worker(void *arg) {
    (void)arg;
    static __thread stat st[NCASE_ALL][NDIR][ACTIV_ISA_COUNT];
    memset(st, 0, sizeof st);
    float *x = tu_alloc(BLOCK), *out = tu_alloc(BLOCK), *one = tu_alloc(BLOCK), *p7 = tu_alloc(BLOCK);
    double *ef = malloc(BLOCK * sizeof(double)), *uf = malloc(BLOCK * sizeof(double));
    double *d1 = malloc(BLOCK * sizeof(double)), *u1 = malloc(BLOCK * sizeof(double));
    double *d7 = malloc(BLOCK * sizeof(double)), *u7 = malloc(BLOCK * sizeof(double));
    if (!ef || !uf || !d1 || !u1 || !d7 || !u7) abort();
    for (size_t i = 0; i < BLOCK; i++) one[i] = 1.0f, p7[i] = 0.7f;
    uint64_t total = nmain + nextra;
    for (;;) {
        uint64_t b = atomic_fetch_add(&next_block, 1);
        if (b >= nblocks) break;
        uint64_t lo = b * BLOCK, hi = lo + BLOCK < total ? lo + BLOCK : total;
        size_t n = (size_t)(hi - lo);
        for (size_t i = 0; i < n; i++) x[i] = tu_float(pattern(lo + i));
        for (int ci = 0; ci < ncase; ci++) {
            const scase *c = &cases[ci];
            activ_kargs ka = activ_kargs_from_params(c->kind, &c->p, n);
            /* forward */
            for (size_t i = 0; i < n; i++) {
                ef[i] = activ_ref_forward_p(c->kind, x[i], &c->p);
                uf[i] = activ_ulp_of(ef[i]);
            }
            for (int ii = 0; ii < nisa; ii++) {
                isas[ii]->fwd[c->kind](x, out, n, &ka);
                check_block(st, ci, D_FWD, ii, x, out, ef, uf, n);
            }
            /* backward, and from-output, with dy = 1 and dy = 0.7 */
            for (int fo = 0; fo < 2; fo++) {
                if (fo && !has_dir(c, D_BWDY1)) continue;
                for (size_t i = 0; i < n; i++) {
                    double g = fo ? activ_ref_derivative_from_output_p(c->kind, x[i], &c->p)
                                  : activ_ref_derivative_p(c->kind, x[i], &c->p);
                    d1[i] = g;
                    u1[i] = activ_ulp_of(g);
                    d7[i] = (double)0.7f * g;
                    u7[i] = activ_ulp_of(d7[i]);
                }
                for (int ii = 0; ii < nisa; ii++) {
                    activ_bwd_fn f = fo ? isas[ii]->bwdy[c->kind] : isas[ii]->bwd[c->kind];
                    f(x, one, out, n, &ka, NULL);
                    check_block(st, ci, fo ? D_BWDY1 : D_BWD1, ii, x, out, d1, u1, n);
                    f(x, p7, out, n, &ka, NULL);
                    check_block(st, ci, fo ? D_BWDY07 : D_BWD07, ii, x, out, d7, u7, n);
                }
            }
        }
        atomic_fetch_add(&done_elems, n);
    }
    pthread_mutex_lock(&stats_mu);
    for (int ci = 0; ci < ncase; ci++)
        for (int d = 0; d < NDIR; d++)
            for (int ii = 0; ii < nisa; ii++) {
                stat *g = &stats[ci][d][ii], *l = &st[ci][d][ii];
                if (l->max > g->max || (l->count && !g->count)) {
                    uint64_t c0 = g->count;
                    *g = *l;
                    g->count += c0;
                } else {
                    g->count += l->count;
                }
            }
    pthread_mutex_unlock(&stats_mu);
    free(x); free(out); free(one); free(p7);
    free(ef); free(uf); free(d1); free(u1); free(d7); free(u7);
    atomic_fetch_add(&finished, 1);
    return NULL;
}

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static int usage(void) {
    fprintf(stderr, "usage: activ_sweep [--stride K] [--kinds relu,elu,...] [--json FILE] "
                    "[--threads T]\n");
    return 2;
}

int sweep_half_main(void);

int main(int argc, char **argv) {
    if (argc == 2 && !strcmp(argv[1], "--half")) return sweep_half_main();
    const char *json = NULL, *kinds = NULL;
    long threads = sysconf(_SC_NPROCESSORS_ONLN);
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--stride") && i + 1 < argc) {
            char *end;
            unsigned long long k = strtoull(argv[++i], &end, 10);
            if (*end || k < 1 || k > 0xffffffffull) return usage();
            stride = k;
        } else if (!strcmp(argv[i], "--json") && i + 1 < argc) {
            json = argv[++i];
        } else if (!strcmp(argv[i], "--kinds") && i + 1 < argc) {
            kinds = argv[++i];
        } else if (!strcmp(argv[i], "--threads") && i + 1 < argc) {
            threads = atol(argv[++i]);
            if (threads < 1 || threads > 256) return usage();
        } else {
            return usage();
        }
    }
    if (threads < 1) threads = 1;
    /* kinds */
    int want[ACTIV_KIND_COUNT];
    for (int k = 0; k < ACTIV_KIND_COUNT; k++) want[k] = kinds == NULL;
    if (kinds) {
        char *dup = strdup(kinds), *save = NULL;
        for (char *t = strtok_r(dup, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            activ_kind k;
            if (activ_kind_from_name(t, &k) != ACTIV_OK) {
                fprintf(stderr, "activ_sweep: unknown kind \"%s\" (", t);
                for (int j = 0; j < ACTIV_KIND_COUNT; j++)
                    fprintf(stderr, "%s%s", j ? ", " : "", tu_kind_str((activ_kind)j));
                fprintf(stderr, ")\n");
                free(dup);
                return 2;
            }
            want[k] = 1;
        }
        free(dup);
    }
    for (int k = 0; k < ACTIV_KIND_COUNT; k++) {
        if (!want[k]) continue;
        cases[ncase].kind = (activ_kind)k;
        cases[ncase].p = activ_default_params((activ_kind)k);
        ncase++;
    }
    for (size_t e = 0; e < sizeof extra_cases / sizeof extra_cases[0]; e++) {
        if (!want[extra_cases[e].kind]) continue;
        cases[ncase].kind = extra_cases[e].kind;
        cases[ncase].p = activ_default_params(extra_cases[e].kind);
        *field_of(&cases[ncase].p, extra_cases[e].field) = extra_cases[e].value;
        ncase++;
    }
    for (int c = 0; c < ncase; c++) /* prelu: one shared slope, the default alpha */
        if (cases[c].kind == ACTIV_PRELU) cases[c].p.slopes = &cases[c].p.alpha;
    nisa = tu_isas(isas);
    if (nisa == 0) {
        fprintf(stderr, "activ_sweep: no code path available\n");
        return 1;
    }
    nmain = (0x100000000ull + stride - 1) / stride;
    if (stride > 1) build_extra();
    nblocks = (nmain + nextra + BLOCK - 1) / BLOCK;
    uint64_t total = nmain + nextra;
    fprintf(stderr, "activ_sweep: %llu inputs (stride %llu + %zu special/window), %d kinds x "
                    "params, %d paths, %ld threads\n", (unsigned long long)total,
            (unsigned long long)stride, nextra, ncase, nisa, threads);
    double t0 = now();
    pthread_t *th = calloc((size_t)threads, sizeof *th);
    for (long t = 0; t < threads; t++) pthread_create(&th[t], NULL, worker, NULL);
    double last = t0;
    while (atomic_load(&finished) < threads) {
        usleep(200000);
        double t = now();
        if (t - last >= 5) {
            double f = (double)atomic_load(&done_elems) / (double)total;
            fprintf(stderr, "  %5.1f%%  %.0f s elapsed, ~%.0f s left\n", 100 * f, t - t0,
                    f > 0 ? (t - t0) * (1 - f) / f : 0);
            last = t;
        }
    }
    for (long t = 0; t < threads; t++) pthread_join(th[t], NULL);
    free(th);
    double secs = now() - t0;

    int bad = 0;
    FILE *js = NULL;
    if (json) {
        js = fopen(json, "w");
        if (!js) {
            perror(json);
            return 1;
        }
        fprintf(js, "{\n  \"stride\": %llu,\n  \"inputs\": %llu,\n  \"seconds\": %.1f,\n  \"results\": [",
                (unsigned long long)stride, (unsigned long long)total, secs);
    }
    printf("%-10s %-16s %-11s %-7s %9s %-16s %12s\n", "kind", "params", "direction", "path",
           "max ULP", "at x (bits)", "checked");
    int first = 1;
    for (int ci = 0; ci < ncase; ci++) {
        const scase *c = &cases[ci];
        char params[96];
        params_str(c, params, sizeof params);
        for (int d = 0; d < NDIR; d++) {
            if (!has_dir(c, d)) continue;
            for (int ii = 0; ii < nisa; ii++) {
                stat *s = &stats[ci][d][ii];
                int fail = !(s->max <= dir_bound[d]);
                bad |= fail;
                printf("%-10s %-16s %-11s %-7s %9.3f %-16a %12llu%s\n", tu_kind_str(c->kind),
                       params, dir_name[d], tu_isa_str(isas[ii]->isa), s->max,
                       (double)tu_float(s->at), (unsigned long long)s->count,
                       fail ? "  FAIL" : "");
                if (fail)
                    fprintf(stderr, "FAIL %s %s %s %s: x=%a (0x%08x) got %a exact %.17g: %.3g ULP\n",
                            tu_kind_str(c->kind), params, dir_name[d], tu_isa_str(isas[ii]->isa),
                            (double)tu_float(s->at), s->at, (double)s->got, s->exact, s->max);
                if (js) {
                    fprintf(js, "%s\n    {\"kind\": \"%s\", \"params\": \"%s\", \"direction\": \"%s\", "
                                "\"isa\": \"%s\", \"max_ulp\": %.6g, \"at_bits\": \"0x%08x\", "
                                "\"at_x\": \"%a\", \"checked\": %llu, \"bound\": %g, \"pass\": %s}",
                            first ? "" : ",", tu_kind_str(c->kind), params, dir_name[d],
                            tu_isa_str(isas[ii]->isa), isinf(s->max) ? 1e308 : s->max, s->at,
                            (double)tu_float(s->at), (unsigned long long)s->count, dir_bound[d],
                            fail ? "false" : "true");
                    first = 0;
                }
            }
        }
    }
    if (js) {
        fprintf(js, "\n  ],\n  \"pass\": %s\n}\n", bad ? "false" : "true");
        fclose(js);
    }
    printf("activ_sweep: %llu inputs per function and direction, %.1f s, %s\n",
           (unsigned long long)total, secs, bad ? "BOUND EXCEEDED" : "all within bounds");
    free(extra);
    return bad ? 1 : 0;
}
