/* gpu_sweep - the exhaustive device accuracy sweep (bench/gpu.sh runs it; needs a GPU).
 *   activ_gpu_sweep [stride = 1]
 * For every kind (and the parameter sets of tests/cuda/test_cuda_math_host) and direction:
 *   fp32: every fp32 bit pattern (2^32 / stride), the kernels' per-element functions
 *     (fwd_f32p, bwd_f32p with dy = 1 and dy = -0.7, bwdy_f32p on y = fwd_f32p(x)) against the
 *     float64 oracle ON THE GPU: math.cuh's double functions fwd_p / deriv_p / deriv_from_output_p
 *     (exp/expm1 to 2^-42, IEEE double division; the old device path, which matched src/ref's
 *     correctly rounded values on the host and on an H200), so a measured error is exact to
 *     ~2^-17 ULP.
 *   16-bit: every bf16 and every fp16 input, fwd_lpp / bwd_lpp (dy = 1, -0.7 and a large and a
 *     subnormal dy of the type) / bwdy_lpp, rounded to the type, against the same oracle.
 * Prints one TSV row per (kind, params, direction, type): max ULP, inputs over the bound
 * (fp32 fwd 1, bwd 2; 16-bit 1), NaN/sign-of-zero mismatches. Exit status 1 if any bound is
 * broken. These are the very functions eltwise.cu's kernels inline. */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <math.h>
#include <string.h>
#include <cuda_runtime.h>
#include "math.cuh"
#include "kernels/manifest.h"
#include "math_cases.cuh"

using namespace activ_cuda_math;

#define CK(x) do { cudaError_t e_ = (x); if (e_ != cudaSuccess) { fprintf(stderr, "%s: %s\n", #x, cudaGetErrorString(e_)); exit(2); } } while (0)

struct Res {
    unsigned long long maxbits; /* max ULP error, as double bits (non-negative doubles order as integers) */
    unsigned long long over;    /* inputs over the bound */
    unsigned long long bad;     /* NaN-ness or sign-of-zero mismatches */
};

/* error of got against the double value v, in units of the target type's ulp at v:
 * mant significant bits, emin min normal exponent, top = first power of two past the largest
 * finite value (inf counts as top); overflow to inf where v rounds to inf counts 0 */
__device__ double ulp_err(double got, double v, int mant, int emin, double vmax, double top, bool *bad) {
    if (got != got || v != v) {
        *bad = (got != got) != (v != v);
        return 0.0;
    }
    if (got == 0 && v == 0 && signbit(got) != signbit(v)) *bad = true;
    if (isinf(got) && fabs(v) >= (vmax + top) / 2 && signbit(got) == signbit(v)) return 0.0;
    if (isinf(got)) got = copysign(top, got);
    if (isinf(v)) v = copysign(top, v);
    double a = fabs(v);
    int e = a > 0 ? ilogb(a) : emin;
    if (e < emin) e = emin;
    return fabs(got - v) / ldexp(1.0, e - (mant - 1));
}

/* per-thread tallies, flushed with three atomics per thread at the end (not per input: 2^32
 * atomics on one address would serialize for seconds per row) */
struct Tally {
    double max = 0.0;
    unsigned long long over = 0, bad = 0;
    __device__ void add(double e, bool b, double bound) {
        if (e > max) max = e;
        over += e > bound;
        bad += b;
    }
    __device__ void flush(Res *r) {
        if (max > 0) atomicMax(&r->maxbits, (unsigned long long)__double_as_longlong(max));
        if (over) atomicAdd(&r->over, over);
        if (bad) atomicAdd(&r->bad, bad);
    }
};

enum { FWD = 0, BWD = 1, BWDY = 2 };

__global__ void sweep32(int kind, int dir, KParams kp, float dy, uint32_t stride, Res *r) {
    const double vmax = 0x1.fffffep127, top = 0x1p128;
    Tally t;
    for (uint64_t u = ((uint64_t)blockIdx.x * blockDim.x + threadIdx.x) * stride; u < 0x100000000ull;
         u += (uint64_t)gridDim.x * blockDim.x * stride) {
        float x = __uint_as_float((uint32_t)u);
        double got, ref, bound;
        if (dir == FWD) {
            got = fwd_f32p(kind, x, kp);
            ref = fwd_p(kind, x, kp);
            bound = 1.0;
        } else if (dir == BWD) {
            got = bwd_f32p(kind, x, dy, kp);
            ref = (double)dy * deriv_p(kind, x, kp);
            bound = 2.0;
        } else {
            float y = fwd_f32p(kind, x, kp);
            got = bwdy_f32p(kind, y, dy, kp);
            ref = (double)dy * deriv_from_output_p(kind, y, kp);
            bound = 2.0;
        }
        bool bad = false;
        double e = ulp_err(got, ref, 24, -126, vmax, top, &bad);
        t.add(e, bad, bound);
    }
    t.flush(r);
}

__global__ void sweep16(int kind, int dir, KParams kp, int bf, Res *r) {
    uint32_t h = blockIdx.x * blockDim.x + threadIdx.x;
    if (h >= 65536) return;
    const int mant = bf ? 8 : 11, emin = bf ? -126 : -14;
    const double vmax = bf ? (double)bf2f(0x7f7f) : 65504.0, top = bf ? 0x1p128 : 65536.0;
    float x = bf ? bf2f((uint16_t)h) : h2f((uint16_t)h);
    float dys[4] = {1.0f, bf ? bf2f(f2bf_rn(-0.7f)) : h2f(f2h_rn(-0.7f)),
                    bf ? bf2f(f2bf_rn(3.0e38f)) : 60000.0f, bf ? bf2f(5) : h2f(3)};
    int nd = dir == FWD ? 1 : 4;
    Tally t;
    for (int j = 0; j < nd; j++) {
        float dy = dys[j], v;
        double ref;
        if (dir == FWD) {
            v = fwd_lpp(kind, x, kp);
            ref = fwd_p(kind, x, kp);
        } else if (dir == BWD) {
            v = bwd_lpp(kind, x, dy, kp);
            ref = (double)dy * deriv_p(kind, x, kp);
        } else {
            float y = fwd_lpp(kind, x, kp);
            y = bf ? bf2f(f2bf_rn(y)) : h2f(f2h_rn(y)); /* a stored 16-bit output */
            v = bwdy_lpp(kind, y, dy, kp);
            ref = (double)dy * deriv_from_output_p(kind, y, kp);
        }
        double got = bf ? bf2f(f2bf_rn(v)) : h2f(f2h_rn(v));
        bool bad = false;
        double e = ulp_err(got, ref, mant, emin, vmax, top, &bad);
        t.add(e, bad, 1.0);
    }
    t.flush(r);
}

static bool has_from_output(int kind) { return activ_manifest_has_from_output(kind) != 0; }

int main(int argc, char **argv) {
    uint32_t stride = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 1;
    if (stride == 0) stride = 1;
    int ndev = 0;
    if (cudaGetDeviceCount(&ndev) != cudaSuccess || ndev == 0) { printf("SKIP: no CUDA device\n"); return 77; }
    typedef activ_math_case P;
    const P *params = activ_math_cases;
    const size_t nparams = sizeof activ_math_cases / sizeof activ_math_cases[0];
    Res *r;
    CK(cudaMallocManaged(&r, sizeof(Res)));
    cudaDeviceProp prop;
    CK(cudaGetDeviceProperties(&prop, 0));
    unsigned grid = (unsigned)prop.multiProcessorCount * 16;
    const char *dn[] = {"fwd", "bwd", "bwd_from_output"};
    int broken = 0;
    printf("# sweep\tfp32 stride %u (%llu inputs per row), 16-bit exhaustive\n", stride,
           (unsigned long long)((0x100000000ull + stride - 1) / stride));
    printf("# sweep\tkind\ta\tb\tdir\ttype\tdy\tmax_ulp\tover_bound\tnan_or_zero_sign\n");
    for (size_t pi = 0; pi < nparams; pi++)
        for (int dir = FWD; dir <= BWDY; dir++) {
            const P &p = params[pi];
            activ_params ap = activ_default_params((activ_kind)p.kind);
            const KParams kp = {p.a, p.b, ap.gamma, ap.min_val, ap.max_val, ap.threshold};
            if (dir == BWDY && !has_from_output(p.kind)) continue;
            const float dys[] = {1.0f, -0.7f};
            for (int j = 0; j < (dir == FWD ? 1 : 2); j++) {
                *r = Res{0, 0, 0};
                sweep32<<<grid, 256>>>(p.kind, dir, kp, dys[j], stride, r);
                CK(cudaGetLastError());
                CK(cudaDeviceSynchronize());
                double m;
                memcpy(&m, &r->maxbits, 8);
                broken += r->over > 0 || r->bad > 0;
                printf("sweep\t%s\t%g\t%g\t%s\tf32\t%g\t%.4f\t%llu\t%llu\n", activ_kind_name((activ_kind)p.kind), p.a,
                       p.b, dn[dir], dir == FWD ? 0.0f : dys[j], m, r->over, r->bad);
            }
            for (int bf = 1; bf >= 0; bf--) {
                *r = Res{0, 0, 0};
                sweep16<<<256, 256>>>(p.kind, dir, kp, bf, r);
                CK(cudaGetLastError());
                CK(cudaDeviceSynchronize());
                double m;
                memcpy(&m, &r->maxbits, 8);
                broken += r->over > 0 || r->bad > 0;
                printf("sweep\t%s\t%g\t%g\t%s\t%s\tall4\t%.4f\t%llu\t%llu\n", activ_kind_name((activ_kind)p.kind), p.a,
                       p.b, dn[dir], bf ? "bf16" : "f16", m, r->over, r->bad);
            }
            fflush(stdout);
        }
    printf("# sweep\t%s\n", broken ? "BOUNDS BROKEN" : "all within bounds");
    cudaFree(r);
    return broken ? 1 : 0;
}
