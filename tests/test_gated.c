/* test_gated.c - swiglu, geglu, reglu (src/gated.c, src/kernels/gated.inc) on EVERY code path
 * this CPU supports (activ_set_isa; ACTIV_ISA picks only the first): against a long double
 * oracle written here, y within 1 ULP, da and db within 2 ULP, over random a (wide range,
 * near the roots of f'), b and dy; the split (F.glu) layout against the two-array form;
 * every length 0..40 (tails of 0..2W+8 lanes, W <= 16) at input and output offsets 0..3
 * against the same elements of a long call, bit for bit, nothing written outside; outputs
 * exactly on inputs (in place); special values (NaN, +-inf, +-0) in a, b and dy; bitwise
 * the same for 1, 2 and 5 threads; argument errors. Prints the ULP maxima per path. */
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

/* f and f' at the special points, by the rules of include/activ.h; a must be one of spec_a */
static long double f_spec(int k, long double a)
{
    if (isnan(a)) return a;
    if (a == 0) return k == ACTIV_REGLU ? a : a * 0.5L; /* keeps -0 */
    if (k == ACTIV_REGLU) return a > 0 ? a : 0.0L;     /* relu(-inf) = +0 */
    /* gelu(-200) = -200 Phi(-200) ~ -e^-20000: below long double's range, but negative */
    if (k == ACTIV_GEGLU && a == -200) return -1e-4000L;
    return f_ref(k, a);
}
static long double df_spec(int k, long double a)
{
    if (isnan(a)) return a;
    if (k == ACTIV_REGLU) return a > 0 ? 1.0L : 0.0L;
    if (isinf(a)) return a > 0 ? 1.0L : -0.0L;
    if (a == 0) return 0.5L;
    /* gelu'(-200) = Phi(-200) - 200 phi(-200) < 0, as tiny */
    if (k == ACTIV_GEGLU && a == -200) return -1e-4000L;
    return df_ref(k, a);
}

/* got against the long double value e: NaN for NaN, the same bits for an infinity or a
 * zero (sign included), else within bound ULP */
static void check_spec(float got, long double e, double bound, const char *what, int k, float a, float b,
                       float dy)
{
    const char *nm = activ_glu_name((activ_glu_kind)k);
    float ef = (float)e;
    if (isnan(e)) CHECK(isnan(got), "%s %s(a=%g, b=%g, dy=%g): %g, want NaN", nm, what, a, b, dy, got);
    else if (isinf(ef) || ef == 0)
        CHECK(tu_identical(got, ef), "%s %s(a=%g, b=%g, dy=%g): %g, want %g", nm, what, a, b, dy, got, ef);
    else CHECK_ULP(got, (double)e, bound, "%s %s(a=%g, b=%g, dy=%g)", nm, what, a, b, dy);
}

/* every pair of special a and b (and dy), each placed at every lane position of a 37-element
 * call (body and tail alike) */
static void specials_case(int k)
{
    const float inf = INFINITY, nan = NAN;
    const float sa[] = {nan, inf, -inf, 0.0f, -0.0f, 1e30f, -1.0f, 2.5f, -200.0f};
    const float sb[] = {nan, inf, -inf, 0.0f, -0.0f, 1.0f, -1.0f, 3e38f};
    const float sg[] = {1.0f, -inf, 0.0f, -2.0f};
    enum { L = 37 };
    float a[L], b[L], g[L], y[L], da[L], db[L];
    for (size_t ia = 0; ia < sizeof sa / sizeof *sa; ia++)
        for (size_t ib = 0; ib < sizeof sb / sizeof *sb; ib++)
            for (size_t ig = 0; ig < sizeof sg / sizeof *sg; ig++) {
                /* -200 (f rounds to 0 in fp32) with an infinite b or dy: f(a)*inf is inf or NaN
                 * by whether the double f(a) underflowed - not a documented rule */
                if (sa[ia] == -200.0f && (isinf(sb[ib]) || isinf(sg[ig]))) continue;
                size_t pos = (ia * 7 + ib * 3 + ig) % L;
                for (int i = 0; i < L; i++) a[i] = 0.5f, b[i] = 1.0f, g[i] = 1.0f;
                a[pos] = sa[ia], b[pos] = sb[ib], g[pos] = sg[ig];
                activ_glu_forward((activ_glu_kind)k, a, b, y, L);
                activ_glu_backward((activ_glu_kind)k, a, b, g, da, db, L);
                long double f = f_spec(k, sa[ia]), df = df_spec(k, sa[ia]);
                check_spec(y[pos], f * sb[ib], 1, "y", k, sa[ia], sb[ib], sg[ig]);
                check_spec(da[pos], ((long double)sg[ig] * sb[ib]) * df, 2, "da", k, sa[ia], sb[ib], sg[ig]);
                check_spec(db[pos], (long double)sg[ig] * f, 2, "db", k, sa[ia], sb[ib], sg[ig]);
            }
}

/* lengths 0..40 at input offsets and output offsets 0..3: every element as in a long call
 * (same bits; NaN for NaN), nothing written outside [0, n); then outputs exactly on inputs */
static void sizes_case(int k, const float *a, const float *b, const float *dy)
{
    enum { M = 48, PAD = 4 };
    const char *nm = activ_glu_name((activ_glu_kind)k);
    float y0[M], da0[M], db0[M];
    activ_glu_forward((activ_glu_kind)k, a, b, y0, M);
    activ_glu_backward((activ_glu_kind)k, a, b, dy, da0, db0, M);
    float ia[M + PAD], ib[M + PAD], ig[M + PAD], oy[M + 2 * PAD], oa[M + 2 * PAD], ob[M + 2 * PAD];
    int bad = 0, outside = 0;
    for (int off = 0; off < PAD; off++)
        for (int ooff = 0; ooff < PAD; ooff++)
            for (int n = 0; n <= 40; n++) {
                memcpy(ia + off, a, sizeof(float) * (size_t)n);
                memcpy(ib + off, b, sizeof(float) * (size_t)n);
                memcpy(ig + off, dy, sizeof(float) * (size_t)n);
                for (int i = 0; i < M + 2 * PAD; i++) oy[i] = oa[i] = ob[i] = 12345.0f;
                activ_glu_forward((activ_glu_kind)k, ia + off, ib + off, oy + ooff, (size_t)n);
                activ_glu_backward((activ_glu_kind)k, ia + off, ib + off, ig + off, oa + ooff, ob + ooff, (size_t)n);
                for (int i = 0; i < M + 2 * PAD; i++) {
                    int in = i >= ooff && i < ooff + n;
                    if (in)
                        bad += !tu_same(oy[i], y0[i - ooff]) || !tu_same(oa[i], da0[i - ooff]) ||
                               !tu_same(ob[i], db0[i - ooff]);
                    else outside += oy[i] != 12345.0f || oa[i] != 12345.0f || ob[i] != 12345.0f;
                }
            }
    CHECK(bad == 0, "%s: %d elements of short/offset calls differ from the long call", nm, bad);
    CHECK(outside == 0, "%s: %d elements written outside [0, n)", nm, outside);
    /* in place: y = a, y = b; da = a and db = b; da = dy and db = dy */
    float t1[M], t2[M], t3[M];
    memcpy(t1, a, sizeof t1);
    activ_glu_forward((activ_glu_kind)k, t1, b, t1, M);
    memcpy(t2, b, sizeof t2);
    activ_glu_forward((activ_glu_kind)k, a, t2, t2, M);
    int same = 1;
    for (int i = 0; i < M; i++) same &= tu_same(t1[i], y0[i]) && tu_same(t2[i], y0[i]);
    CHECK(same, "%s: forward in place (y = a, y = b)", nm);
    memcpy(t1, a, sizeof t1), memcpy(t2, b, sizeof t2);
    activ_glu_backward((activ_glu_kind)k, t1, t2, dy, t1, t2, M);
    same = 1;
    for (int i = 0; i < M; i++) same &= tu_same(t1[i], da0[i]) && tu_same(t2[i], db0[i]);
    CHECK(same, "%s: backward in place (da = a, db = b)", nm);
    memcpy(t1, dy, sizeof t1), memcpy(t3, dy, sizeof t3);
    activ_glu_backward((activ_glu_kind)k, a, b, t1, t1, t3, M);
    same = 1;
    for (int i = 0; i < M; i++) same &= tu_same(t1[i], da0[i]) && tu_same(t3[i], db0[i]);
    CHECK(same, "%s: backward with da = dy (db elsewhere)", nm);
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
    const activ_kernels *ks[ACTIV_ISA_COUNT];
    const int nisa = tu_isas(ks);
    const activ_isa saved = activ_get_isa();
    /* a few special values among the inputs of the size and offset checks */
    float sa[48], sb[48], sg[48];
    memcpy(sa, a, sizeof sa), memcpy(sb, b, sizeof sb), memcpy(sg, dy, sizeof sg);
    sa[3] = NAN, sa[17] = INFINITY, sa[18] = -INFINITY, sa[33] = -0.0f, sb[34] = INFINITY, sg[35] = NAN;
    for (int ii = 0; ii < nisa; ii++)
    for (int k = 0; k < ACTIV_GLU_COUNT; k++) {
        CHECK_STATUS(activ_set_isa(ks[ii]->isa), ACTIV_OK, "set isa");
        const char *isa = tu_isa_str(ks[ii]->isa);
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
        printf("test_gated: %-6s %-6s max ULP: y %.3f, da %.3f, db %.3f (%d inputs)\n", isa, nm, mf, ma, mb, N);
        specials_case(k);
        sizes_case(k, sa, sb, sg);

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
    activ_set_isa(saved);
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
