/* test_gradcheck.c - finite-difference gradient checks, in double, on every path:
 *   - dx: the library's backward against Richardson central differences of the library's
 *     own forward (and of the oracle's forward), at grid points away from the kinks;
 *   - prelu da for layouts (N, C, S) with inner = S and channels-last with inner = 1, several
 *     C and S: against a long double sum (tight: the library accumulates in double) and
 *     against differences of the library's forward in each slope;
 *   - swish db for several beta (negative and 0 included), the same two ways. */
#include <float.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "testutil.h"

/* the library's forward at one point, as a double (n = 1 on path p) */
static double lib_f(const tu_path *p, activ_kind k, float a, float b, float x) {
    float y;
    tu_fwd(p, k, a, b, NULL, 1, 1, &x, &y, 1);
    return y;
}

/* d/dx by Richardson extrapolation of central differences with steps h and h/2 */
static double rich_lib(const tu_path *p, activ_kind k, float a, float b, float x, float h) {
    double d1 = (lib_f(p, k, a, b, x + h) - lib_f(p, k, a, b, x - h)) / (2.0 * h);
    double d2 = (lib_f(p, k, a, b, x + h / 2) - lib_f(p, k, a, b, x - h / 2)) / h;
    return (4 * d2 - d1) / 3;
}
static double rich_ref(activ_kind k, float a, float b, float x, float h) {
    double d1 = (activ_ref_forward(k, x + h, a, b) - activ_ref_forward(k, x - h, a, b)) / (2.0 * h);
    double d2 = (activ_ref_forward(k, x + h / 2, a, b) - activ_ref_forward(k, x - h / 2, a, b)) / h;
    return (4 * d2 - d1) / 3;
}

static void dx_check(const tu_path *p) {
    static const struct {
        activ_kind k;
        float a, b;
    } cs[] = {{ACTIV_RELU, 0, 1},      {ACTIV_LEAKY_RELU, 0.01f, 1}, {ACTIV_PRELU, 0.25f, 1},
              {ACTIV_ELU, 1, 1},       {ACTIV_ELU, 0.5f, 1},         {ACTIV_SWISH, 0, 1},
              {ACTIV_SWISH, 0, 1.7f},  {ACTIV_SWISH, 0, -0.5f},      {ACTIV_SWISH, 0, 0},
              {ACTIV_SIGMOID, 0, 1},   {ACTIV_TANH, 0, 1},           {ACTIV_GELU, 0, 1},
              {ACTIV_GELU_TANH, 0, 1}, {ACTIV_SOFTPLUS, 0, 1},       {ACTIV_SOFTPLUS, 0, 2},
              {ACTIV_MISH, 0, 1},      {ACTIV_LOGSIGMOID, 0, 1}};
    enum { M = 401 };
    float x[M], dy[M], dx[M];
    const float h = 0x1p-6f;
    for (size_t c = 0; c < sizeof cs / sizeof cs[0]; c++) {
        for (int i = 0; i < M; i++) {
            x[i] = (float)(i - M / 2) * 0x1p-5f; /* [-6.25, 6.25], exact grid */
            if (fabsf(x[i]) < 2 * h) x[i] = 0.5f;  /* keep away from the kinks */
            dy[i] = 1.0f;
        }
        tu_bwd(p, cs[c].k, cs[c].a, cs[c].b, NULL, 1, 1, x, dy, dx, M, NULL);
        double wl = 0, wr = 0;
        for (int i = 0; i < M; i++) {
            double fl = rich_lib(p, cs[c].k, cs[c].a, cs[c].b, x[i], h);
            double fr = rich_ref(cs[c].k, cs[c].a, cs[c].b, x[i], h);
            /* the library's forward rounds to fp32: ~2^-24 |f| / h of noise */
            double fmag = fabs(activ_ref_forward(cs[c].k, x[i], cs[c].a, cs[c].b));
            double tol_l = 1e-5 * fmax(1, fabs(fl)) + 8 * 0x1p-24 * fmag / h;
            double el = fabs(dx[i] - fl), er = fabs(dx[i] - fr) / (fabs(fr) + 1e-4);
            if (el > wl) wl = el;
            if (er > wr) wr = er;
            CHECK(el <= tol_l, "%s %s(a=%g b=%g)'(%g): backward %.9g, differences of the "
                  "library's forward %.9g", p->name, tu_kind_str(cs[c].k), cs[c].a, cs[c].b,
                  (double)x[i], (double)dx[i], fl);
            CHECK(er <= 1e-6, /* 2 ULP of dx plus the differences' error */ "%s %s(a=%g b=%g)'(%g): backward %.9g, differences of the "
                  "oracle %.12g", p->name, tu_kind_str(cs[c].k), cs[c].a, cs[c].b,
                  (double)x[i], (double)dx[i], fr);
        }
        if (!p->api && p->isa == ACTIV_ISA_SCALAR)
            printf("  dx vs differences %-10s a=%-5g b=%-5g: |lib fd| %.2g, rel oracle fd %.2g\n",
                   tu_kind_str(cs[c].k), cs[c].a, cs[c].b, wl, wr);
    }
}

/* prelu da in both layouts */
static void prelu_da(const tu_path *p, tu_rng *r) {
    const size_t Cs[] = {1, 3, 16}, Ss[] = {1, 5, 64}, Ns[] = {1, 4};
    for (int layout = 0; layout < 2; layout++)
        for (size_t ci = 0; ci < 3; ci++)
            for (size_t si = 0; si < 3; si++)
                for (size_t ni = 0; ni < 2; ni++) {
                    size_t C = Cs[ci], S = Ss[si], Nn = Ns[ni], n = C * S * Nn;
                    size_t inner = layout == 0 ? S : 1; /* (N,C,S) or (N,S,C) */
                    float *x = tu_alloc(n), *dy = tu_alloc(n), *dx = tu_alloc(n);
                    float *y = tu_alloc(n), *slopes = tu_alloc(C), *da = tu_alloc(C);
                    long double *want = calloc(C, sizeof *want);
                    double *mag = calloc(C, sizeof *mag);
                    for (size_t c = 0; c < C; c++) slopes[c] = tu_rng_range(r, -0.5f, 0.5f);
                    for (size_t i = 0; i < n; i++) {
                        x[i] = tu_rng_range(r, -4, 4);
                        if (i % 11 == 3) x[i] = i % 2 ? 0.0f : -0.0f;
                        dy[i] = tu_rng_range(r, -1, 1);
                        size_t c = (i / inner) % C;
                        if (x[i] <= 0) {
                            want[c] += (long double)dy[i] * x[i];
                            mag[c] += fabs((double)dy[i] * x[i]);
                        }
                    }
                    activ_status s = tu_bwd(p, ACTIV_PRELU, 0, 1, slopes, C, inner, x, dy,
                                            dx, n, da);
                    CHECK_STATUS(s, ACTIV_OK, "%s prelu bwd C=%zu S=%zu: %s", p->name, C, S,
                                 activ_status_str(s));
                    for (size_t c = 0; c < C; c++) {
                        double w = (double)want[c];
                        /* rounded once to fp32 from a double accumulation */
                        double tol = activ_ulp_of(w) + 1e-13 * mag[c];
                        CHECK(fabs(da[c] - w) <= tol,
                              "%s prelu %s C=%zu S=%zu N=%zu: da[%zu] = %.9g, long double sum %.12g",
                              p->name, layout ? "channels-last" : "(N,C,S)", C, S, Nn, c,
                              (double)da[c], w);
                    }
                    /* dx from the channel's slope */
                    for (size_t i = 0; i < n; i++) {
                        float sl = slopes[(i / inner) % C];
                        float e = x[i] > 0 ? dy[i] : dy[i] * sl;
                        CHECK(dx[i] == e, "%s prelu C=%zu inner=%zu dx[%zu] = %g, expected %g",
                              p->name, C, inner, i, (double)dx[i], (double)e);
                    }
                    /* differences of the library's forward in each slope: L = sum dy*f */
                    for (size_t c = 0; c < C; c++) {
                        const float h = 0x1p-4f; /* f is linear in the slope */
                        long double L[2] = {0, 0};
                        for (int sgn = 0; sgn < 2; sgn++) {
                            float keep = slopes[c];
                            slopes[c] = keep + (sgn ? -h : h);
                            tu_fwd(p, ACTIV_PRELU, 0, 1, slopes, C, inner, x, y, n);
                            slopes[c] = keep;
                            for (size_t i = 0; i < n; i++) L[sgn] += (long double)dy[i] * y[i];
                        }
                        double fd = (double)((L[0] - L[1]) / (2 * h));
                        CHECK(fabs(fd - da[c]) <= 1e-5 * mag[c] + 1e-30,
                              "%s prelu da[%zu] = %.9g, differences of the forward %.9g",
                              p->name, c, (double)da[c], fd);
                    }
                    free(x);
                    free(dy);
                    free(dx);
                    free(y);
                    free(slopes);
                    free(da);
                    free(want);
                    free(mag);
                }
}

static void swish_db(const tu_path *p, tu_rng *r) {
    const float betas[] = {1, 1.7f, -0.5f, 0, 0.25f, -3, 10};
    const size_t sizes[] = {1, 7, 1000, 4099};
    for (size_t bi = 0; bi < sizeof betas / sizeof betas[0]; bi++)
        for (size_t si = 0; si < 4; si++) {
            float b = betas[bi];
            size_t n = sizes[si];
            float *x = tu_alloc(n), *dy = tu_alloc(n), *dx = tu_alloc(n), *y = tu_alloc(n);
            long double want = 0;
            double mag = 0;
            for (size_t i = 0; i < n; i++) {
                x[i] = tu_rng_range(r, -8, 8);
                dy[i] = tu_rng_range(r, -1, 1);
                double t = (double)dy[i] * activ_ref_swish_dbeta(x[i], b);
                want += t;
                mag += fabs(t);
            }
            float db = 777;
            CHECK_STATUS(tu_bwd(p, ACTIV_SWISH, 0, b, NULL, 1, 1, x, dy, dx, n, &db), ACTIV_OK,
                         "%s swish bwd", p->name);
            double w = (double)want;
            /* each term within a few double ULP, summed in double, rounded once to fp32;
             * the fp32-lane kernels (-DACTIV_F32LANE=ON) within 2^-27 relative (their
             * u = e^-|bx| carries < 2^-28.2, see src/kernels/f32lane.inc) */
#if defined(ACTIV_F32LANE) && ACTIV_F32LANE
            const double term_tol = 0x1p-27;
#else
            const double term_tol = 1e-12;
#endif
            CHECK(fabs(db - w) <= activ_ulp_of(w) + term_tol * mag,
                  "%s swish b=%g n=%zu: db = %.9g, long double sum %.12g", p->name, (double)b, n,
                  (double)db, w);
            /* differences of the library's forward in beta */
            const float h = 0x1p-7f;
            long double L[4] = {0, 0, 0, 0};
            const float steps[4] = {h, -h, h / 2, -h / 2};
            for (int s = 0; s < 4; s++) {
                tu_fwd(p, ACTIV_SWISH, 0, b + steps[s], NULL, 1, 1, x, y, n);
                for (size_t i = 0; i < n; i++) L[s] += (long double)dy[i] * y[i];
            }
            double d1 = (double)((L[0] - L[1]) / (2 * h)), d2 = (double)((L[2] - L[3]) / h);
            double fd = (4 * d2 - d1) / 3;
            /* fp32 forward noise: 2^-24 * 8 per term / h, random-walk summed */
            double tol = 1e-4 * mag + 8 * 0x1p-24 * 8 / h * sqrt((double)n);
            CHECK(fabs(fd - db) <= tol, "%s swish b=%g n=%zu: db = %.9g, differences of the "
                  "forward %.9g", p->name, (double)b, n, (double)db, fd);
            free(x);
            free(dy);
            free(dx);
            free(y);
        }
}

int main(void) {
    tu_rng r;
    tu_rng_seed(&r, 99);
    tu_path paths[2 * ACTIV_ISA_COUNT];
    int np = tu_paths(paths);
    CHECK(np >= 2, "paths: %d", np);
    for (int i = 0; i < np; i++) {
        dx_check(&paths[i]);
        prelu_da(&paths[i], &r);
        swish_db(&paths[i], &r);
    }
    return tu_finish("test_gradcheck");
}
