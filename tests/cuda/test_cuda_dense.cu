/* test_cuda_dense - Dense on cuBLASLt against a double-precision CPU reference, fp32 and bf16,
 * every kind, forward and backward (dz, db, dW, dx, prelu da / swish db), and the DRELU_BGRAD
 * path (activ_cuda_dense_backward_data_relu) through two relu layers. Prints the largest
 * relative error (norm of the difference over the norm of the reference) per quantity.
 * Exits 77 ("SKIP: no CUDA device") without a GPU. */
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <vector>
#include <cuda_runtime.h>
#include "activ_cuda.h"
#include "math.cuh"
extern "C" {
#include "ref/ref.h"
}
using namespace activ_cuda_math;

static int failures = 0;
#define CK(x) do { cudaError_t e_ = (x); if (e_ != cudaSuccess) { printf("FAIL %s: %s\n", #x, cudaGetErrorString(e_)); exit(1); } } while (0)

static uint64_t rng = 0x13198a2e03707344ull;
static float rndf(float lo, float hi) {
    rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17;
    return lo + (hi - lo) * (float)(rng >> 40) * 0x1p-24f;
}

struct T { /* a host tensor in fp32 values plus its device copy in dtype */
    std::vector<float> v;
    void *d = NULL;
};
static activ_cuda_dtype DT;
static size_t ES;
static float round_dt(float f) { return DT == ACTIV_CUDA_F32 ? f : bf2f(d2bf(f)); }
static void upload(T &t) {
    std::vector<uint16_t> h(t.v.size());
    for (size_t i = 0; i < t.v.size(); i++) { t.v[i] = round_dt(t.v[i]); h[i] = d2bf(t.v[i]); }
    CK(cudaMalloc(&t.d, t.v.size() * ES + 16));
    CK(cudaMemcpy(t.d, DT == ACTIV_CUDA_F32 ? (void *)t.v.data() : (void *)h.data(), t.v.size() * ES, cudaMemcpyHostToDevice));
}
static T rnd(size_t n, float lo, float hi) { T t; t.v.resize(n); for (auto &x : t.v) x = rndf(lo, hi); upload(t); return t; }
static T zeros(size_t n) { T t; t.v.assign(n, 0.0f); upload(t); return t; }
static std::vector<double> download(const T &t) {
    size_t n = t.v.size();
    std::vector<double> r(n);
    if (DT == ACTIV_CUDA_F32) { std::vector<float> h(n); CK(cudaMemcpy(h.data(), t.d, n * 4, cudaMemcpyDeviceToHost)); for (size_t i = 0; i < n; i++) r[i] = h[i]; }
    else { std::vector<uint16_t> h(n); CK(cudaMemcpy(h.data(), t.d, n * 2, cudaMemcpyDeviceToHost)); for (size_t i = 0; i < n; i++) r[i] = bf2f(h[i]); }
    return r;
}
static void compare(const char *what, activ_kind k, const std::vector<double> &got, const std::vector<double> &ref) {
    double num = 0, den = 0;
    bool nan = false;
    for (size_t i = 0; i < got.size(); i++) { double d = got[i] - ref[i]; num += d * d; den += ref[i] * ref[i]; if (got[i] != got[i]) nan = true; }
    double rel = den > 0 ? sqrt(num / den) : sqrt(num);
    double tol = DT == ACTIV_CUDA_F32 ? 1e-5 : 2e-2;
    bool ok = !nan && rel <= tol;
    printf("%s %-10s %-4s %-10s rel err %.3g%s\n", ok ? "ok  " : "FAIL", activ_kind_name(k), DT == ACTIV_CUDA_F32 ? "f32" : "bf16", what, rel, nan ? " (NaN)" : "");
    if (!ok) failures++;
}

/* reference: z = x W + b in double from the stored (rounded) values */
static std::vector<double> ref_z(const T &x, const T &w, const T &b, size_t B, size_t I, size_t O) {
    std::vector<double> z(B * O);
    for (size_t r = 0; r < B; r++)
        for (size_t o = 0; o < O; o++) {
            double s = b.v[o];
            for (size_t i = 0; i < I; i++) s += (double)x.v[r * I + i] * w.v[i * O + o];
            z[r * O + o] = s;
        }
    return z;
}

static void test_kind(activ_cuda_blas *h, activ_kind kind, size_t B, size_t I, size_t O) {
    activ_params p = activ_default_params(kind);
    T slopes;
    if (kind == ACTIV_PRELU) {
        slopes.v.resize(O);
        for (auto &s : slopes.v) s = rndf(0.05f, 0.4f);
        CK(cudaMalloc(&slopes.d, O * 4));
        CK(cudaMemcpy(slopes.d, slopes.v.data(), O * 4, cudaMemcpyHostToDevice));
        p.slopes = (const float *)slopes.d; p.channels = O; p.inner = 1;
    }
    T x = rnd(B * I, -1, 1), w = rnd(I * O, -0.3f, 0.3f), b = rnd(O, -0.5f, 0.5f), y = zeros(B * O);
    T dy = rnd(B * O, -1, 1), dz = zeros(B * O), dx = zeros(B * I), dw = zeros(I * O), db = zeros(O);
    void *saved;
    size_t sb = activ_cuda_dense_saved_bytes(kind, DT, B, O);
    CK(cudaMalloc(&saved, sb));
    float *dparam;
    CK(cudaMalloc((void **)&dparam, O * 4));
    activ_status st = activ_cuda_dense_forward(h, kind, &p, DT, B, I, O, x.d, w.d, b.d, y.d, saved, NULL);
    if (!st) st = activ_cuda_dense_backward(h, kind, &p, DT, B, I, O, x.d, w.d, y.d, saved, dy.d, dz.d, dx.d, dw.d, db.d, dparam, NULL);
    CK(cudaDeviceSynchronize());
    if (st) { printf("FAIL %s status %d (%s)\n", activ_kind_name(kind), st, activ_status_str(st)); failures++; return; }
    std::vector<double> z = ref_z(x, w, b, B, I, O), yr(B * O), dzr(B * O), dbr(O, 0), dwr(I * O, 0), dxr(B * I, 0);
    std::vector<double> dpr(O, 0);
    for (size_t i = 0; i < B * O; i++) {
        float a = kind == ACTIV_PRELU ? slopes.v[i % O] : p.alpha;
        /* the GEMM stores z in dtype before the separate kernel (relu is fused in fp32) */
        float zs = kind == ACTIV_RELU ? (float)z[i] : round_dt((float)z[i]);
        yr[i] = activ_ref_forward(kind, zs, a, p.beta);
        dzr[i] = (double)dy.v[i] * activ_ref_derivative(kind, zs, a, p.beta);
        if (kind == ACTIV_PRELU) dpr[i % O] += (double)dy.v[i] * (zs > 0 ? 0.0 : zs);
        if (kind == ACTIV_SWISH) dpr[0] += (double)dy.v[i] * activ_ref_swish_dbeta(zs, p.beta);
    }
    for (size_t r = 0; r < B; r++)
        for (size_t o = 0; o < O; o++) {
            double g = dzr[r * O + o];
            dbr[o] += g;
            for (size_t i = 0; i < I; i++) { dwr[i * O + o] += (double)x.v[r * I + i] * g; dxr[r * I + i] += g * w.v[i * O + o]; }
        }
    compare("y", kind, download(y), yr);
    compare("dz", kind, download(dz), dzr);
    compare("db", kind, download(db), dbr);
    compare("dW", kind, download(dw), dwr);
    compare("dx", kind, download(dx), dxr);
    if (kind == ACTIV_PRELU || kind == ACTIV_SWISH) {
        size_t np = kind == ACTIV_PRELU ? O : 1;
        std::vector<float> hp(np);
        CK(cudaMemcpy(hp.data(), dparam, np * 4, cudaMemcpyDeviceToHost));
        std::vector<double> g(hp.begin(), hp.end()), r(dpr.begin(), dpr.begin() + np);
        compare("dparam", kind, g, r);
    }
    cudaFree(x.d); cudaFree(w.d); cudaFree(b.d); cudaFree(y.d); cudaFree(dy.d); cudaFree(dz.d);
    cudaFree(dx.d); cudaFree(dw.d); cudaFree(db.d); cudaFree(saved); cudaFree(dparam);
    if (slopes.d) cudaFree(slopes.d);
}

/* two relu layers: x (B, I) -> relu dense (I, M) -> relu dense (M, O); DRELU_BGRAD gives the
 * first layer's dz and db straight from the second layer's dz */
static void test_chain(activ_cuda_blas *h, size_t B, size_t I, size_t M, size_t O) {
    T x = rnd(B * I, -1, 1), w1 = rnd(I * M, -0.3f, 0.3f), b1 = rnd(M, -0.3f, 0.3f), h1 = zeros(B * M);
    T w2 = rnd(M * O, -0.3f, 0.3f), b2 = rnd(O, -0.3f, 0.3f), y = zeros(B * O), dy = rnd(B * O, -1, 1);
    T dz2 = zeros(B * O), dz1 = zeros(B * M), db1 = zeros(M);
    void *s1, *s2;
    CK(cudaMalloc(&s1, activ_cuda_dense_saved_bytes(ACTIV_RELU, DT, B, M)));
    CK(cudaMalloc(&s2, activ_cuda_dense_saved_bytes(ACTIV_RELU, DT, B, O)));
    activ_status st = activ_cuda_dense_forward(h, ACTIV_RELU, NULL, DT, B, I, M, x.d, w1.d, b1.d, h1.d, s1, NULL);
    if (!st) st = activ_cuda_dense_forward(h, ACTIV_RELU, NULL, DT, B, M, O, h1.d, w2.d, b2.d, y.d, s2, NULL);
    if (!st) st = activ_cuda_dense_backward(h, ACTIV_RELU, NULL, DT, B, M, O, h1.d, w2.d, y.d, s2, dy.d, dz2.d, NULL, NULL, NULL, NULL, NULL);
    if (!st) st = activ_cuda_dense_backward_data_relu(h, DT, B, M, O, w2.d, dz2.d, s1, dz1.d, db1.d, NULL);
    CK(cudaDeviceSynchronize());
    if (st) { printf("FAIL chain status %d (%s)\n", st, activ_status_str(st)); failures++; return; }
    /* reference from the GPU's own h1 and dz2 (checked elsewhere), so only this step is tested */
    std::vector<double> hh1 = download(h1), hdz2 = download(dz2), z1 = ref_z(x, w1, b1, B, I, M);
    std::vector<double> dz1r(B * M, 0), db1r(M, 0);
    for (size_t r = 0; r < B; r++)
        for (size_t m = 0; m < M; m++) {
            double g = 0;
            for (size_t o = 0; o < O; o++) g += hdz2[r * O + o] * w2.v[m * O + o];
            g = z1[r * M + m] > 0 ? g : 0.0;
            dz1r[r * M + m] = g;
            db1r[m] += g;
        }
    compare("chain y1", ACTIV_RELU, hh1, [&] { std::vector<double> v(B * M); for (size_t i = 0; i < B * M; i++) v[i] = z1[i] > 0 ? z1[i] : 0; return v; }());
    compare("chain dz1", ACTIV_RELU, download(dz1), dz1r);
    compare("chain db1", ACTIV_RELU, download(db1), db1r);
}

int main(void) {
    if (!activ_cuda_available()) {
        printf("SKIP: no CUDA device\n");
        return 77;
    }
    activ_cuda_blas *h;
    activ_status st = activ_cuda_blas_create(&h);
    if (st) { printf("FAIL blas_create: %s\n", activ_status_str(st)); return 1; }
    for (int d = 0; d < 2; d++) {
        DT = d ? ACTIV_CUDA_BF16 : ACTIV_CUDA_F32;
        ES = activ_cuda_dtype_size(DT);
        for (int k = 0; k < ACTIV_KIND_COUNT; k++) test_kind(h, (activ_kind)k, 64, 48, 136);
        test_chain(h, 64, 40, 136, 72);
    }
    activ_cuda_blas_destroy(h);
    if (failures) { printf("%d failures\n", failures); return 1; }
    printf("all ok\n");
    return 0;
}
