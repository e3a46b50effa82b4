/* gpu_bench - times the activ GPU backend against a device-to-device copy measured in the same
 * run, and Dense against cuBLASLt's GEMM alone. Built as build/activ_gpu_bench; bench/gpu.sh
 * runs it. Output: one TSV line per measurement ("elt" / "dense" rows), read by gpu.sh.
 *   activ_gpu_bench [log2 n = 28] [dense size = 8192] [reps = 20]
 * GB/s counts bytes read + written (forward 2 arrays, backward 3, copy 2). Times are the median
 * of `reps` event-timed runs after 3 warm-ups; inputs are random (never zeros). */
#include <stdio.h>
#include <stdlib.h>
#include <stdint.h>
#include <algorithm>
#include <vector>
#include <cuda_runtime.h>
#include <cublasLt.h>
#include "activ_cuda.h"

#define CK(x) do { cudaError_t e_ = (x); if (e_ != cudaSuccess) { fprintf(stderr, "%s: %s\n", #x, cudaGetErrorString(e_)); exit(1); } } while (0)
#define AK(x) do { activ_status s_ = (x); if (s_ != ACTIV_OK) { fprintf(stderr, "%s: %s\n", #x, activ_status_str(s_)); exit(1); } } while (0)
#define BK(x) do { cublasStatus_t s_ = (x); if (s_ != CUBLAS_STATUS_SUCCESS) { fprintf(stderr, "%s: cublas status %d\n", #x, (int)s_); exit(1); } } while (0)

static int REPS = 20;

template <class F> static double time_ms(F f) {
    cudaEvent_t a, b;
    CK(cudaEventCreate(&a)); CK(cudaEventCreate(&b));
    for (int i = 0; i < 3; i++) f();
    CK(cudaDeviceSynchronize());
    std::vector<float> t;
    for (int i = 0; i < REPS; i++) {
        CK(cudaEventRecord(a));
        f();
        CK(cudaEventRecord(b));
        CK(cudaEventSynchronize(b));
        float ms; CK(cudaEventElapsedTime(&ms, a, b));
        t.push_back(ms);
    }
    CK(cudaGetLastError());
    std::sort(t.begin(), t.end());
    cudaEventDestroy(a); cudaEventDestroy(b);
    return t[t.size() / 2];
}

__global__ void fill_random(uint16_t *p, size_t n16, uint64_t seed, int bf16) {
    for (size_t i = blockIdx.x * (size_t)blockDim.x + threadIdx.x; i < n16; i += (size_t)gridDim.x * blockDim.x) {
        uint64_t z = (i + seed) * 0x9e3779b97f4a7c15ull; z ^= z >> 31; z *= 0xbf58476d1ce4e5b9ull; z ^= z >> 29;
        float f = ((float)(z >> 40) * 0x1p-24f - 0.5f) * 8.0f; /* uniform in [-4, 4) */
        uint32_t u; memcpy(&u, &f, 4);
        if (bf16 == 1) p[i] = (uint16_t)(u >> 16);
        else if (bf16 == 0) { if (i % 2 == 0 && i + 1 < n16) { p[i] = (uint16_t)u; p[i + 1] = (uint16_t)(u >> 16); } }
    }
}
static void randomize(void *p, size_t n, activ_cuda_dtype dt, uint64_t seed) {
    size_t n16 = n * activ_cuda_dtype_size(dt) / 2;
    fill_random<<<1024, 256>>>((uint16_t *)p, n16, seed, dt == ACTIV_CUDA_F32 ? 0 : 1);
    CK(cudaGetLastError());
    CK(cudaDeviceSynchronize());
}

/* GEMM alone (epi = DEFAULT), or with a cuBLASLt epilogue for reference (GELU_BIAS: timed
 * only; activ does not use it: cuBLASLt states no accuracy for it and it is the tanh form) */
static double gemm_ms(cublasLtHandle_t lt, void *ws, size_t wsb, size_t N, const void *a, const void *b, void *d,
                      cublasLtEpilogue_t epi = CUBLASLT_EPILOGUE_DEFAULT, const void *bias = NULL) {
    cublasLtMatmulDesc_t op; cublasLtMatrixLayout_t l; cublasLtMatmulPreference_t pref;
    BK(cublasLtMatmulDescCreate(&op, CUBLAS_COMPUTE_32F, CUDA_R_32F));
    if (epi != CUBLASLT_EPILOGUE_DEFAULT) {
        BK(cublasLtMatmulDescSetAttribute(op, CUBLASLT_MATMUL_DESC_EPILOGUE, &epi, sizeof epi));
        BK(cublasLtMatmulDescSetAttribute(op, CUBLASLT_MATMUL_DESC_BIAS_POINTER, &bias, sizeof bias));
    }
    BK(cublasLtMatrixLayoutCreate(&l, CUDA_R_16BF, N, N, N));
    BK(cublasLtMatmulPreferenceCreate(&pref));
    BK(cublasLtMatmulPreferenceSetAttribute(pref, CUBLASLT_MATMUL_PREF_MAX_WORKSPACE_BYTES, &wsb, sizeof wsb));
    cublasLtMatmulHeuristicResult_t res; int found = 0;
    BK(cublasLtMatmulAlgoGetHeuristic(lt, op, l, l, l, l, pref, 1, &res, &found));
    if (!found) { fprintf(stderr, "no cuBLASLt algorithm\n"); exit(1); }
    const float one = 1, zero = 0;
    double ms = time_ms([&] { BK(cublasLtMatmul(lt, op, &one, a, l, b, l, &zero, d, l, d, l, &res.algo, ws, wsb, 0)); });
    cublasLtMatmulPreferenceDestroy(pref); cublasLtMatrixLayoutDestroy(l); cublasLtMatmulDescDestroy(op);
    return ms;
}

int main(int argc, char **argv) {
    int lg = argc > 1 ? atoi(argv[1]) : 28;
    size_t N = argc > 2 ? (size_t)atol(argv[2]) : 8192;
    REPS = argc > 3 ? atoi(argv[3]) : 20;
    size_t n = (size_t)1 << lg;
    if (!activ_cuda_available()) { printf("SKIP: no CUDA device\n"); return 77; }
    cudaDeviceProp prop; CK(cudaGetDeviceProperties(&prop, 0));
    printf("# device\t%s\tsm_%d%d\t%d SMs\n", prop.name, prop.major, prop.minor, prop.multiProcessorCount);
    const activ_cuda_dtype dts[] = {ACTIV_CUDA_F32, ACTIV_CUDA_BF16};
    const char *dtn[] = {"f32", "bf16", "f16"};
    for (activ_cuda_dtype dt : dts) {
        size_t es = activ_cuda_dtype_size(dt), bytes = n * es;
        void *x, *dy, *out; float *slopes, *dparam;
        CK(cudaMalloc(&x, bytes)); CK(cudaMalloc(&dy, bytes)); CK(cudaMalloc(&out, bytes));
        CK(cudaMalloc((void **)&slopes, 64 * 4)); CK(cudaMalloc((void **)&dparam, 64 * 4));
        std::vector<float> hs(64, 0.25f);
        CK(cudaMemcpy(slopes, hs.data(), 64 * 4, cudaMemcpyHostToDevice));
        randomize(x, n, dt, 1); randomize(dy, n, dt, 2);
        double cms = time_ms([&] { CK(cudaMemcpyAsync(out, x, bytes, cudaMemcpyDeviceToDevice, 0)); });
        double copy_gbs = 2.0 * bytes / cms / 1e6;
        printf("elt\tcopy\t-\t%s\t%.4f\t%.1f\t1.000\n", dtn[dt], cms, copy_gbs);
        for (int k = 0; k < ACTIV_KIND_COUNT; k++) {
            activ_kind kind = (activ_kind)k;
            activ_params p = activ_default_params(kind);
            p.slopes = slopes; p.channels = 64; p.inner = 1; /* prelu channels-last, 64 channels */
            double f = time_ms([&] { AK(activ_cuda_forward(kind, &p, dt, x, out, n, 0)); });
            double b = time_ms([&] { AK(activ_cuda_backward(kind, &p, dt, x, dy, out, n, NULL, 0)); });
            printf("elt\t%s\tfwd\t%s\t%.4f\t%.1f\t%.3f\n", activ_kind_name(kind), dtn[dt], f, 2.0 * bytes / f / 1e6, cms / f);
            printf("elt\t%s\tbwd\t%s\t%.4f\t%.1f\t%.3f\n", activ_kind_name(kind), dtn[dt], b, 3.0 * bytes / b / 1e6, 1.5 * cms / b);
            /* from the output (x stands in for y: the timing does not depend on the values) */
            if (activ_cuda_backward_from_output(kind, &p, dt, x, dy, out, 0, 0) == ACTIV_OK) {
                double by = time_ms([&] { AK(activ_cuda_backward_from_output(kind, &p, dt, x, dy, out, n, 0)); });
                printf("elt\t%s\tbwdy\t%s\t%.4f\t%.1f\t%.3f\n", activ_kind_name(kind), dtn[dt], by, 3.0 * bytes / by / 1e6, 1.5 * cms / by);
            }
            if (kind == ACTIV_PRELU || kind == ACTIV_SWISH) {
                const char *nm = kind == ACTIV_PRELU ? "bwd+da" : "bwd+db";
                double r = time_ms([&] { AK(activ_cuda_backward(kind, &p, dt, x, dy, out, n, dparam, 0)); });
                printf("elt\t%s\t%s\t%s\t%.4f\t%.1f\t%.3f\n", activ_kind_name(kind), nm, dtn[dt], r, 3.0 * bytes / r / 1e6, 1.5 * cms / r);
                if (kind == ACTIV_PRELU) { /* channels-first, long runs (case A): 64 x 2^k */
                    activ_params q = p;
                    q.channels = 64; q.inner = n / 64 / 16;
                    double ra = time_ms([&] { AK(activ_cuda_backward(kind, &q, dt, x, dy, out, n, dparam, 0)); });
                    printf("elt\t%s\tbwd+da(NCHW)\t%s\t%.4f\t%.1f\t%.3f\n", activ_kind_name(kind), dtn[dt], ra, 3.0 * bytes / ra / 1e6, 1.5 * cms / ra);
                }
            }
        }
        cudaFree(x); cudaFree(dy); cudaFree(out); cudaFree(slopes); cudaFree(dparam);
    }
    /* Dense N^3 bf16: GEMM alone, activ relu (RELU_BIAS), activ swish (BIAS + fused kernel) */
    if (N > 0) {
        size_t e = N * N * 2;
        void *a, *b, *d, *bias, *ws; size_t wsb = 32u << 20;
        CK(cudaMalloc(&a, e)); CK(cudaMalloc(&b, e)); CK(cudaMalloc(&d, e)); CK(cudaMalloc(&bias, N * 2)); CK(cudaMalloc(&ws, wsb));
        randomize(a, N * N, ACTIV_CUDA_BF16, 3); randomize(b, N * N, ACTIV_CUDA_BF16, 4); randomize(bias, N, ACTIV_CUDA_BF16, 5);
        cublasLtHandle_t lt; BK(cublasLtCreate(&lt));
        double flop = 2.0 * N * N * N;
        double g = gemm_ms(lt, ws, wsb, N, a, b, d);
        printf("dense\tgemm\tbf16\t%.4f\t%.1f\t1.000\n", g, flop / g / 1e9);
        double gg = gemm_ms(lt, ws, wsb, N, a, b, d, CUBLASLT_EPILOGUE_GELU_BIAS, bias);
        printf("dense\tcublasLt_GELU_BIAS(ref)\tbf16\t%.4f\t%.1f\t%.3f\n", gg, flop / gg / 1e9, g / gg);
        activ_cuda_blas *h; AK(activ_cuda_blas_create(&h));
        for (int ki = 0; ki < ACTIV_KIND_COUNT; ki++) {
            activ_kind k = (activ_kind)ki;
            if (k == ACTIV_PRELU) continue; /* needs device slopes; same pass as leaky_relu */
            double t = time_ms([&] { AK(activ_cuda_dense_forward(h, k, NULL, ACTIV_CUDA_BF16, N, N, N, a, b, bias, d, NULL, 0)); });
            printf("dense\t%s\tbf16\t%.4f\t%.1f\t%.3f\n", activ_kind_name(k), t, flop / t / 1e9, g / t);
        }
        activ_cuda_blas_destroy(h); cublasLtDestroy(lt);
        cudaFree(a); cudaFree(b); cudaFree(d); cudaFree(bias); cudaFree(ws);
    }
    return 0;
}
