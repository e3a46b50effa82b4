/* test_cuda_eltwise - the GPU element-wise functions against the CPU oracle (src/ref) and the
 * host build of the same math (math.cuh): every kind, direction (forward, backward,
 * from-output) and dtype (fp32, bf16, fp16), on special values (NaN, +-inf, +-0, subnormals,
 * FLT_MAX) and random data, at odd sizes and misaligned pointers, with guard bytes around every
 * output (no write outside [0, n)); prelu da and swish db against a double sum and bitwise equal
 * over two runs; the argument checks. Exits 77 ("SKIP: no CUDA device") without a GPU. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <float.h>
#include <vector>
#include <cuda_runtime.h>
#include "activ_cuda.h"
#include "math.cuh"
#include "kernels/manifest.h"
extern "C" {
#include "ref/ref.h"
}

using namespace activ_cuda_math;

static int failures = 0;
#define CK(x)                                                                         \
    do {                                                                              \
        cudaError_t e_ = (x);                                                         \
        if (e_ != cudaSuccess) {                                                      \
            printf("FAIL %s:%d %s: %s\n", __FILE__, __LINE__, #x, cudaGetErrorString(e_)); \
            exit(1);                                                                  \
        }                                                                             \
    } while (0)
#define EXPECT(c, ...)                            \
    do {                                          \
        if (!(c)) {                               \
            if (failures < 40) printf(__VA_ARGS__); \
            failures++;                           \
        }                                         \
    } while (0)

static uint64_t rng = 0x243f6a8885a308d3ull;
static uint32_t rnd32(void) {
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}
static float rndf(float lo, float hi) { return lo + (hi - lo) * (float)(rnd32() >> 8) * 0x1p-24f; }

static float to_storage(activ_cuda_dtype dt, float f, void *dst, size_t i) {
    if (dt == ACTIV_CUDA_F32) { ((float *)dst)[i] = f; return f; }
    uint16_t h = dt == ACTIV_CUDA_BF16 ? d2bf(f) : d2h(f);
    ((uint16_t *)dst)[i] = h;
    return dt == ACTIV_CUDA_BF16 ? bf2f(h) : h2f(h);
}
static float from_storage(activ_cuda_dtype dt, const void *src, size_t i) {
    if (dt == ACTIV_CUDA_F32) return ((const float *)src)[i];
    uint16_t h = ((const uint16_t *)src)[i];
    return dt == ACTIV_CUDA_BF16 ? bf2f(h) : h2f(h);
}
/* the kernels' result, bit for bit: the host build of the same per-element math (fp32
 * storage: the pair-compensated fp32 functions; 16-bit: plain fp32, then one rounding) */
enum { FWD, BWD, BWDY };
/* the kernels' KParams: alpha (or the slope) and beta of the case, the kind's other defaults */
static KParams case_kp(activ_kind k, float a, float b) {
    activ_params ap = activ_default_params(k);
    KParams kp = {a, b, ap.gamma, ap.min_val, ap.max_val, ap.threshold};
    return kp;
}
static bool has_from_output(activ_kind kind) { return activ_manifest_has_from_output(kind) != 0; }
static uint32_t expected_bits(activ_cuda_dtype dt, int dir, activ_kind k, float x, float dy, float a,
                              float b) {
    float v;
    const KParams kp = case_kp(k, a, b);
    if (dt == ACTIV_CUDA_F32)
        v = dir == FWD ? fwd_f32p(k, x, kp) : dir == BWD ? bwd_f32p(k, x, dy, kp) : bwdy_f32p(k, x, dy, kp);
    else
        v = dir == FWD ? fwd_lpp(k, x, kp) : dir == BWD ? bwd_lpp(k, x, dy, kp) : bwdy_lpp(k, x, dy, kp);
    if (dt == ACTIV_CUDA_F32) return fbits(v);
    return dt == ACTIV_CUDA_BF16 ? f2bf_rn(v) : f2h_rn(v);
}
static uint32_t got_bits(activ_cuda_dtype dt, const void *src, size_t i) {
    if (dt == ACTIV_CUDA_F32) return fbits(((const float *)src)[i]);
    return ((const uint16_t *)src)[i];
}
static bool same_value(activ_cuda_dtype dt, uint32_t a, uint32_t b) {
    if (a == b) return true;
    float fa = dt == ACTIV_CUDA_F32 ? bitsf(a) : dt == ACTIV_CUDA_BF16 ? bf2f((uint16_t)a) : h2f((uint16_t)a);
    float fb = dt == ACTIV_CUDA_F32 ? bitsf(b) : dt == ACTIV_CUDA_BF16 ? bf2f((uint16_t)b) : h2f((uint16_t)b);
    return fa != fa && fb != fb; /* any NaN payload */
}

static const uint32_t specials[] = {0x00000000u, 0x80000000u, 0x7f800000u, 0xff800000u, 0x7fc00000u,
                                    0xffc00000u, 0x00000001u, 0x80000001u, 0x007fffffu, 0x807fffffu,
                                    0x00800000u, 0x7f7fffffu, 0xff7fffffu, 0x3f800000u, 0xbf800000u,
                                    0xc2b00000u, 0x42b00000u, 0xc3000000u, 0x33800000u, 0xbfa3a000u};

static void fill_inputs(activ_cuda_dtype dt, void *h, std::vector<float> &v, size_t n) {
    for (size_t i = 0; i < n; i++) {
        float f;
        uint32_t r = rnd32() % 8;
        if (i < sizeof specials / 4) f = bitsf(specials[i]);
        else if (r == 0) f = bitsf(rnd32() << 1 | (rnd32() & 1)); /* any pattern */
        else if (r == 1) f = rndf(-100, 100);
        else if (r == 2) f = rndf(-1e-3f, 1e-3f);
        else f = rndf(-8, 8);
        v[i] = to_storage(dt, f, h, i);
    }
}

struct Case {
    activ_kind kind;
    float a, b;
    size_t channels, inner;
};

/* device buffer with 64 guard bytes on each side, at a given element offset */
struct DBuf {
    unsigned char *base;
    size_t bytes;
    void *p;
};
static DBuf dalloc(size_t bytes, size_t off_bytes) {
    DBuf d;
    d.bytes = bytes + off_bytes + 128;
    CK(cudaMalloc((void **)&d.base, d.bytes));
    CK(cudaMemset(d.base, 0xA5, d.bytes));
    d.p = d.base + 64 + off_bytes;
    return d;
}
static bool guards_ok(const DBuf &d, size_t off_bytes, size_t bytes) {
    std::vector<unsigned char> h(d.bytes);
    CK(cudaMemcpy(h.data(), d.base, d.bytes, cudaMemcpyDeviceToHost));
    for (size_t i = 0; i < d.bytes; i++) {
        bool inside = i >= 64 + off_bytes && i < 64 + off_bytes + bytes;
        if (!inside && h[i] != 0xA5) return false;
    }
    return true;
}

static const char *dirname_[] = {"fwd", "bwd", "bwd_from_output"};
static const char *dtname[] = {"f32", "bf16", "f16"};

static void run_case(const Case &c, int dir, activ_cuda_dtype dt, size_t n, size_t offx, size_t offo,
                     bool inplace) {
    size_t es = activ_cuda_dtype_size(dt);
    std::vector<unsigned char> hx(n * es), hdy(n * es), hout(n * es);
    std::vector<float> vx(n), vdy(n);
    fill_inputs(dt, hx.data(), vx, n);
    for (size_t i = 0; i < n; i++) {
        float g = (i % 13 == 0) ? bitsf(specials[i / 13 % 20]) : rndf(-2, 2);
        vdy[i] = to_storage(dt, g, hdy.data(), i);
    }
    if (dir == BWDY) /* from-output: feed valid outputs y = f(x) */
        for (size_t i = 0; i < n; i++)
            vx[i] = to_storage(dt, (float)fwd_p(c.kind, vx[i], case_kp(c.kind, c.a, c.b)), hx.data(), i);
    std::vector<float> hslopes(c.channels);
    for (size_t k = 0; k < c.channels; k++) hslopes[k] = k == 0 ? c.a : rndf(-0.5f, 0.9f);
    float *dslopes = NULL;
    CK(cudaMalloc((void **)&dslopes, c.channels * 4));
    CK(cudaMemcpy(dslopes, hslopes.data(), c.channels * 4, cudaMemcpyHostToDevice));
    activ_params p = activ_default_params(c.kind);
    p.alpha = c.a; p.beta = c.b; p.slopes = dslopes; p.channels = c.channels; p.inner = c.inner;

    DBuf bx = dalloc(n * es, offx * es), bdy = dalloc(n * es, offx * es), bo = dalloc(n * es, offo * es);
    CK(cudaMemcpy(bx.p, hx.data(), n * es, cudaMemcpyHostToDevice));
    CK(cudaMemcpy(bdy.p, hdy.data(), n * es, cudaMemcpyHostToDevice));
    void *out = inplace ? (dir == FWD ? bx.p : bdy.p) : bo.p;
    activ_status st;
    if (dir == FWD) st = activ_cuda_forward(c.kind, &p, dt, bx.p, out, n, NULL);
    else if (dir == BWD) st = activ_cuda_backward(c.kind, &p, dt, bx.p, bdy.p, out, n, NULL, NULL);
    else st = activ_cuda_backward_from_output(c.kind, &p, dt, bx.p, bdy.p, out, n, NULL);
    CK(cudaDeviceSynchronize());
    EXPECT(st == ACTIV_OK, "FAIL %s %s %s status %d\n", activ_kind_name(c.kind), dirname_[dir], dtname[dt], st);
    CK(cudaMemcpy(hout.data(), out, n * es, cudaMemcpyDeviceToHost));
    if (!inplace) EXPECT(guards_ok(bo, offo * es, n * es), "FAIL %s %s %s: write outside [0,n)\n",
                         activ_kind_name(c.kind), dirname_[dir], dtname[dt]);
    double maxulp = 0;
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        float a = c.kind == ACTIV_PRELU ? hslopes[(i / c.inner) % c.channels] : c.a;
        double exact;
        if (dir == FWD) exact = activ_ref_forward(c.kind, vx[i], a, c.b);
        else if (dir == BWD) exact = activ_ref_backward(c.kind, vx[i], vdy[i], a, c.b);
        else exact = activ_ref_backward_from_output(c.kind, vx[i], vdy[i], a);
        uint32_t gb = got_bits(dt, hout.data(), i), eb = expected_bits(dt, dir, c.kind, vx[i], vdy[i], a, c.b);
        if (!same_value(dt, gb, eb)) {
            if (bad < 3 && failures < 40)
                printf("FAIL %s %s %s i=%zu x=%a dy=%a got %08x want %08x\n", activ_kind_name(c.kind),
                       dirname_[dir], dtname[dt], i, vx[i], vdy[i], gb, eb);
            bad++;
        }
        if (dt == ACTIV_CUDA_F32) {
            double u = activ_ulp_error(from_storage(dt, hout.data(), i), exact);
            if (u > maxulp) maxulp = u;
        }
    }
    failures += bad;
    if (dt == ACTIV_CUDA_F32)
        EXPECT(maxulp <= (dir == FWD ? 1.0 : 2.0), "FAIL %s %s f32 max ulp %g\n", activ_kind_name(c.kind),
               dirname_[dir], maxulp);
    cudaFree(bx.base); cudaFree(bdy.base); cudaFree(bo.base); cudaFree(dslopes);
}

/* prelu da / swish db: value against a host double sum, and two runs bitwise equal */
static void run_reduction(const Case &c, activ_cuda_dtype dt, size_t n, size_t off) {
    size_t es = activ_cuda_dtype_size(dt);
    std::vector<unsigned char> hx(n * es), hdy(n * es);
    std::vector<float> vx(n), vdy(n);
    for (size_t i = 0; i < n; i++) {
        vx[i] = to_storage(dt, rndf(-6, 6), hx.data(), i);
        vdy[i] = to_storage(dt, rndf(-1, 1), hdy.data(), i);
    }
    size_t np = c.kind == ACTIV_PRELU ? c.channels : 1;
    std::vector<float> hslopes(c.channels);
    for (size_t k = 0; k < c.channels; k++) hslopes[k] = rndf(0, 0.5f);
    float *dslopes, *dp;
    CK(cudaMalloc((void **)&dslopes, c.channels * 4));
    CK(cudaMemcpy(dslopes, hslopes.data(), c.channels * 4, cudaMemcpyHostToDevice));
    CK(cudaMalloc((void **)&dp, np * 4));
    activ_params p = activ_default_params(c.kind);
    p.alpha = c.a; p.beta = c.b; p.slopes = dslopes; p.channels = c.channels; p.inner = c.inner;
    DBuf bx = dalloc(n * es, off * es), bdy = dalloc(n * es, off * es), bo = dalloc(n * es, off * es);
    CK(cudaMemcpy(bx.p, hx.data(), n * es, cudaMemcpyHostToDevice));
    CK(cudaMemcpy(bdy.p, hdy.data(), n * es, cudaMemcpyHostToDevice));
    std::vector<float> r1(np), r2(np);
    std::vector<unsigned char> hout(n * es);
    for (int run = 0; run < 2; run++) {
        activ_status st = activ_cuda_backward(c.kind, &p, dt, bx.p, bdy.p, bo.p, n, dp, NULL);
        CK(cudaDeviceSynchronize());
        EXPECT(st == ACTIV_OK, "FAIL reduction status %d\n", st);
        CK(cudaMemcpy(run ? r2.data() : r1.data(), dp, np * 4, cudaMemcpyDeviceToHost));
    }
    CK(cudaMemcpy(hout.data(), bo.p, n * es, cudaMemcpyDeviceToHost));
    EXPECT(guards_ok(bo, off * es, n * es), "FAIL reduction: write outside [0,n)\n");
    EXPECT(memcmp(r1.data(), r2.data(), np * 4) == 0, "FAIL %s d-param not deterministic\n", activ_kind_name(c.kind));
    std::vector<double> sum(np, 0.0), mag(np, 0.0);
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        size_t ch = c.kind == ACTIV_PRELU ? (i / c.inner) % c.channels : 0;
        float a = c.kind == ACTIV_PRELU ? hslopes[ch] : c.a;
        double t = c.kind == ACTIV_PRELU ? prelu_dslope_term(vx[i], vdy[i]) : swish_dbeta_term(vx[i], vdy[i], c.b);
        double ref = c.kind == ACTIV_PRELU ? (double)vdy[i] * (vx[i] > 0 ? 0.0 : vx[i])
                                           : (double)vdy[i] * activ_ref_swish_dbeta(vx[i], c.b);
        (void)t;
        sum[ch] += ref;
        mag[ch] += fabs(ref);
        if (!same_value(dt, got_bits(dt, hout.data(), i), expected_bits(dt, BWD, c.kind, vx[i], vdy[i], a, c.b)))
            bad++;
    }
    EXPECT(bad == 0, "FAIL %s backward-with-reduction dx: %d wrong\n", activ_kind_name(c.kind), bad);
    for (size_t k = 0; k < np; k++) {
        double err = fabs((double)r1[k] - sum[k]);
        /* terms: prelu exact, swish within 2^-20 (math_f32.cuh); the double sum adds < 1e-12 */
        double tol = (c.kind == ACTIV_SWISH ? 0x1p-20 : 1e-12) * mag[k] + fabs(sum[k]) * 0x1p-23;
        EXPECT(err <= tol, "FAIL %s d-param[%zu] = %a want %a (n=%zu C=%zu inner=%zu)\n",
               activ_kind_name(c.kind), k, r1[k], sum[k], n, c.channels, c.inner);
    }
    cudaFree(bx.base); cudaFree(bdy.base); cudaFree(bo.base); cudaFree(dslopes); cudaFree(dp);
}

static void check_arguments(void) {
    float *d;
    CK(cudaMalloc((void **)&d, 4096));
    activ_params p = activ_default_params(ACTIV_LEAKY_RELU);
    EXPECT(activ_cuda_forward(ACTIV_RELU, NULL, ACTIV_CUDA_F32, NULL, d, 10, NULL) == ACTIV_ERR_NULL, "FAIL null x\n");
    EXPECT(activ_cuda_forward(ACTIV_RELU, NULL, ACTIV_CUDA_F32, NULL, NULL, 0, NULL) == ACTIV_OK, "FAIL n=0\n");
    EXPECT(activ_cuda_forward((activ_kind)99, NULL, ACTIV_CUDA_F32, d, d, 10, NULL) == ACTIV_ERR_KIND, "FAIL kind\n");
    p.alpha = NAN;
    EXPECT(activ_cuda_forward(ACTIV_LEAKY_RELU, &p, ACTIV_CUDA_F32, d, d, 10, NULL) == ACTIV_ERR_PARAM, "FAIL nan alpha\n");
    EXPECT(activ_cuda_forward(ACTIV_RELU, NULL, ACTIV_CUDA_F32, d, d + 1, 10, NULL) == ACTIV_ERR_OVERLAP, "FAIL overlap\n");
    EXPECT(activ_cuda_forward(ACTIV_RELU, NULL, ACTIV_CUDA_F32, (char *)d + 1, d + 100, 10, NULL) == ACTIV_ERR_PARAM, "FAIL misaligned element\n");
    EXPECT(activ_cuda_backward_from_output(ACTIV_SWISH, NULL, ACTIV_CUDA_F32, d, d, d, 10, NULL) == ACTIV_ERR_UNSUPPORTED, "FAIL from-output swish\n");
    activ_params q = activ_default_params(ACTIV_PRELU);
    q.slopes = d; q.channels = 3; q.inner = 4;
    EXPECT(activ_cuda_forward(ACTIV_PRELU, &q, ACTIV_CUDA_F32, d, d, 13, NULL) == ACTIV_ERR_SHAPE, "FAIL prelu shape\n");
    /* n = 0 zeroes da */
    CK(cudaMemset(d, 0xff, 64));
    EXPECT(activ_cuda_backward(ACTIV_PRELU, &q, ACTIV_CUDA_F32, NULL, NULL, NULL, 0, d, NULL) == ACTIV_OK, "FAIL n=0 da\n");
    float h[3];
    CK(cudaMemcpy(h, d, 12, cudaMemcpyDeviceToHost));
    EXPECT(h[0] == 0 && h[1] == 0 && h[2] == 0, "FAIL n=0 da not zeroed\n");
    cudaFree(d);
}

int main(void) {
    if (!activ_cuda_available()) {
        printf("SKIP: no CUDA device\n");
        return 77;
    }
    cudaDeviceProp prop;
    CK(cudaGetDeviceProperties(&prop, 0));
    printf("device: %s (sm_%d%d)\n", prop.name, prop.major, prop.minor);
    check_arguments();
    const Case cases[] = {{ACTIV_RELU, 0, 1, 1, 1},        {ACTIV_LEAKY_RELU, 0.01f, 1, 1, 1},
                          {ACTIV_LEAKY_RELU, -0.3f, 1, 1, 1}, {ACTIV_PRELU, 0.25f, 1, 3, 7},
                          {ACTIV_ELU, 1.0f, 1, 1, 1},      {ACTIV_ELU, 0.0f, 1, 1, 1},
                          {ACTIV_SWISH, 0, 1.0f, 1, 1},    {ACTIV_SWISH, 0, -1.5f, 1, 1},
                          {ACTIV_SIGMOID, 0, 1, 1, 1},     {ACTIV_TANH, 0, 1, 1, 1},
                          /* from here on: not in the quick (compute-sanitizer) run except selu */
                          {ACTIV_RELU6, 0, 1, 1, 1},       {ACTIV_HARDSIGMOID, 1.0f / 6.0f, 0.5f, 1, 1},
                          {ACTIV_HARDSWISH, 0, 1, 1, 1},   {ACTIV_SOFTSIGN, 0, 1, 1, 1},
                          {ACTIV_RELU2, 0, 1, 1, 1},       {ACTIV_SELU, 1.6732632f, 1, 1, 1},
                          {ACTIV_CELU, 0.5f, 1, 1, 1},     {ACTIV_SOFTPLUS, 0, 1.0f, 1, 1},
                          {ACTIV_LOGSIGMOID, 0, 1, 1, 1},  {ACTIV_GELU, 0, 1, 1, 1}};
    const size_t sizes[] = {1, 3, 7, 8, 9, 31, 33, 4096 * 3 + 21 * 5, 100023};
    const size_t offs[][2] = {{0, 0}, {1, 1}, {3, 3}, {0, 1}, {2, 5}};
    /* ACTIV_TEST_QUICK=1 (compute-sanitizer runs): fewer sizes, offsets and elements */
    const bool quick = getenv("ACTIV_TEST_QUICK") != NULL;
    for (const Case &c : cases)
        for (int dir = FWD; dir <= BWDY; dir++) {
            if (quick && c.kind > ACTIV_TANH && c.kind != ACTIV_SELU) continue;
            if (dir == BWDY && !has_from_output(c.kind)) continue;
            if (dir == BWDY && c.kind == ACTIV_LEAKY_RELU && c.a <= 0) continue;
            for (int dt = 0; dt < 3; dt++)
                for (size_t n : sizes) {
                    if (c.kind == ACTIV_PRELU && n % 21) continue;
                    if (quick && n != 7 && n != 33 && n != 4096 * 3 + 21 * 5) continue;
                    for (auto &o : offs)
                        if (!quick || o[0] != o[1] || o[0] == 1) run_case(c, dir, (activ_cuda_dtype)dt, n, o[0], o[1], false);
                    run_case(c, dir, (activ_cuda_dtype)dt, n, 1, 1, true);
                }
        }
    /* reductions: swish db; prelu da for long runs (case A), short runs (case B), channels-last */
    const Case reds[] = {{ACTIV_SWISH, 0, 1.0f, 1, 1},    {ACTIV_SWISH, 0, 0.7f, 1, 1},
                         {ACTIV_PRELU, 0, 1, 2, 5000},    {ACTIV_PRELU, 0, 1, 3, 1000},
                         {ACTIV_PRELU, 0, 1, 7, 1},       {ACTIV_PRELU, 0, 1, 1, 1},
                         {ACTIV_PRELU, 0, 1, 300, 1},     {ACTIV_PRELU, 0, 1, 1, 30000}};
    for (const Case &c : reds)
        for (int dt = 0; dt < 3; dt++) {
            size_t unit = c.channels * c.inner;
            size_t n = unit * (c.kind == ACTIV_SWISH ? (quick ? 5003 : 300007) : ((quick ? 20000 : 600000) / unit + 3));
            run_reduction(c, (activ_cuda_dtype)dt, n, dt == 0 ? 1 : 3);
        }
    if (failures) {
        printf("%d failures\n", failures);
        return 1;
    }
    printf("all ok\n");
    return 0;
}
