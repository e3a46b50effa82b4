/* test_gated.c - swiglu, geglu, reglu (src/gated.c) against a long double oracle written here:
 * y within 1 ULP, da and db within 2 ULP, over random a (wide range, near the roots of f'),
 * b and dy; the split (F.glu) layout against the two-array form; special values; argument
 * errors; bitwise the same for 1, 2 and 5 threads. Prints the ULP maxima. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static long double sigl(long double a)
{
    return a >= 0 ? 1.0L / (1.0L + expl(-a)) : expl(a) / (1.0L + expl(a));
}
static long double Phil(long double a) { return 0.5L * erfcl(-a / sqrtl(2.0L)); }

static long double f_ref(int k, long double a)
{
    if (isinf(a)) return a > 0 ? a : -0.0L;
    if (k == ACTIV_SWIGLU) return a * sigl(a);
    if (k == ACTIV_GEGLU) return a * Phil(a);
    return a > 0 ? a : (a == 0 ? a : 0.0L);
}
static long double df_ref(int k, long double a)
{
    if (isinf(a)) return a > 0 ? 1.0L : 0.0L;
    if (k == ACTIV_SWIGLU) {
        long double s = sigl(a);
        return s + a * s * (1.0L - s);
    }
    if (k == ACTIV_GEGLU) return Phil(a) + a * expl(-0.5L * a * a) / sqrtl(2.0L * 3.14159265358979323846264338327950288L);
    return a > 0 ? 1.0L : 0.0L;
}

int main(void)
{
    enum { N = 200000 };
    tu_rng r;
    tu_rng_seed(&r, 11);
    float *a = tu_alloc(N), *b = tu_alloc(N), *dy = tu_alloc(N), *y = tu_alloc(N);
    float *da = tu_alloc(N), *db = tu_alloc(N);
    for (int i = 0; i < N; i++) {
        int m = i % 5;
        a[i] = m == 0 ? tu_rng_logu(&r, -149, 128)
             : m == 1 ? tu_rng_range(&r, -12, 12)
             : m == 2 ? tu_rng_range(&r, -1.2784645f - 0.06f, -1.2784645f + 0.06f)
             : m == 3 ? tu_rng_range(&r, -0.7518f - 0.06f, -0.7518f + 0.06f)
                      : tu_rng_range(&r, -40, 40);
        b[i] = i % 3 == 0 ? tu_rng_logu(&r, -60, 60) : tu_rng_range(&r, -3, 3);
        dy[i] = i % 4 == 0 ? tu_rng_logu(&r, -40, 40) : tu_rng_range(&r, -2, 2);
    }
    for (int k = 0; k < ACTIV_GLU_COUNT; k++) {
        const char *nm = activ_glu_name((activ_glu_kind)k);
        double mf = 0, ma = 0, mb = 0;
        CHECK_STATUS(activ_glu_forward((activ_glu_kind)k, a, b, y, N), ACTIV_OK, "%s fwd", nm);
        CHECK_STATUS(activ_glu_backward((activ_glu_kind)k, a, b, dy, da, db, N), ACTIV_OK, "%s bwd", nm);
        for (int i = 0; i < N; i++) {
            long double f = f_ref(k, a[i]), df = df_ref(k, a[i]);
            double ey = (double)(f * (long double)b[i]);
            double ea = (double)((long double)dy[i] * (long double)b[i] * df);
            double eb = (double)((long double)dy[i] * f);
            double e;
            if ((e = activ_ulp_error(y[i], ey)) > mf) mf = e;
            if ((e = activ_ulp_error(da[i], ea)) > ma) ma = e;
            if ((e = activ_ulp_error(db[i], eb)) > mb) mb = e;
            CHECK_ULP(y[i], ey, 1, "%s fwd a=%a b=%a", nm, (double)a[i], (double)b[i]);
            CHECK_ULP(da[i], ea, 2, "%s da a=%a b=%a dy=%a", nm, (double)a[i], (double)b[i], (double)dy[i]);
            CHECK_ULP(db[i], eb, 2, "%s db a=%a dy=%a", nm, (double)a[i], (double)dy[i]);
        }
        printf("test_gated: %-6s max ULP: y %.3f, da %.3f, db %.3f (%d inputs)\n", nm, mf, ma, mb, N);

        /* split layout: x = [b | a] per row equals the two-array form bit for bit */
        enum { R = 37, H = 101 };
        float x[R * 2 * H], ys[R * H], y2[R * H], g[R * H], dx[R * 2 * H], da2[R * H], db2[R * H];
        for (int i = 0; i < R * H; i++) {
            int row = i / H, c = i % H;
            x[row * 2 * H + c] = b[i];
            x[row * 2 * H + H + c] = a[i];
            g[i] = dy[i];
        }
        activ_glu_split_forward((activ_glu_kind)k, x, ys, R, H);
        activ_glu_forward((activ_glu_kind)k, a, b, y2, R * H);
        CHECK(memcmp(ys, y2, sizeof ys) == 0, "%s split forward = two-array forward", nm);
        activ_glu_split_backward((activ_glu_kind)k, x, g, dx, R, H);
        activ_glu_backward((activ_glu_kind)k, a, b, g, da2, db2, R * H);
        int same = 1;
        for (int i = 0; i < R * H; i++) {
            int row = i / H, c = i % H;
            same &= tu_identical(dx[row * 2 * H + c], db2[i]) && tu_identical(dx[row * 2 * H + H + c], da2[i]);
        }
        CHECK(same, "%s split backward = two-array backward (first half gets db)", nm);

        /* threads */
        enum { NT = 150000 };
        float *t1 = tu_alloc(NT), *t2 = tu_alloc(NT);
        activ_set_num_threads(1);
        activ_glu_backward((activ_glu_kind)k, a, b, dy, t1, db, NT);
        for (int c = 2; c <= 5; c += 3) {
            activ_set_num_threads(c);
            activ_glu_backward((activ_glu_kind)k, a, b, dy, t2, db, NT);
            CHECK(memcmp(t1, t2, NT * sizeof *t1) == 0, "%s: %d threads differ from 1", nm, c);
        }
        activ_set_num_threads(0);
        free(t1), free(t2);
    }
    /* F.glu convention: glu([1, 2]) = 1 * sigmoid(2); here swiglu([1, 2]) = 1 * silu(2) */
    {
        float x2[2] = {1, 2}, o;
        activ_glu_split_forward(ACTIV_SWIGLU, x2, &o, 1, 1);
        CHECK_ULP(o, 2.0 / (1.0 + exp(-2.0)), 1, "first half linear, second half gated");
    }
    /* specials */
    {
        float inf = INFINITY, o, p, q;
        float am = -1, bi = inf;
        activ_glu_forward(ACTIV_REGLU, &am, &bi, &o, 1);
        CHECK(isnan(o), "reglu(-1, inf) = 0 * inf = NaN (as relu(a) * b)");
        float ai = -inf, one = 1;
        activ_glu_forward(ACTIV_SWIGLU, &ai, &one, &o, 1);
        CHECK(o == 0 && signbit(o), "swiglu(-inf, 1) = -0");
        activ_glu_forward(ACTIV_GEGLU, &ai, &one, &o, 1);
        CHECK(o == 0 && signbit(o), "geglu(-inf, 1) = -0");
        float nan = NAN;
        activ_glu_forward(ACTIV_GEGLU, &nan, &one, &o, 1);
        CHECK(isnan(o), "NaN a -> NaN");
        float z = 0, g1 = 1;
        activ_glu_backward(ACTIV_REGLU, &z, &one, &g1, &p, &q, 1);
        CHECK(p == 0 && q == 0, "reglu'(0) = 0 (PyTorch)");
    }
    /* errors */
    {
        float v[8] = {0};
        CHECK_STATUS(activ_glu_forward(ACTIV_SWIGLU, NULL, v, v, 4), ACTIV_ERR_NULL, "a NULL");
        CHECK_STATUS(activ_glu_forward((activ_glu_kind)7, v, v, v, 4), ACTIV_ERR_KIND, "bad kind");
        CHECK_STATUS(activ_glu_forward(ACTIV_SWIGLU, v, v + 4, v + 1, 4), ACTIV_ERR_OVERLAP, "y overlaps a");
        CHECK_STATUS(activ_glu_forward(ACTIV_SWIGLU, v, v + 4, v, 4), ACTIV_OK, "y = a in place");
        CHECK_STATUS(activ_glu_backward(ACTIV_SWIGLU, v, v, v, v + 4, v + 4, 4), ACTIV_ERR_OVERLAP, "da = db");
        CHECK_STATUS(activ_glu_split_forward(ACTIV_GEGLU, v, v + 2, 2, 2), ACTIV_ERR_OVERLAP, "split y inside x");
        CHECK_STATUS(activ_glu_split_forward(ACTIV_GEGLU, v, v, 0, 2), ACTIV_OK, "split empty");
        activ_glu_kind gk;
        CHECK_STATUS(activ_glu_from_name("geglu", &gk), ACTIV_OK, "name");
        CHECK(gk == ACTIV_GEGLU, "geglu parsed");
        CHECK_STATUS(activ_glu_from_name("glu", &gk), ACTIV_ERR_KIND, "unknown name");
    }
    free(a), free(b), free(dy), free(y), free(da), free(db);
    return tu_finish("test_gated");
}
