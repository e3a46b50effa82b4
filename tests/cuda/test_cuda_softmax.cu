/* test_cuda_softmax - the GPU softmax / log_softmax (forward, backward from the output)
 * against the CPU library (activ_softmax_forward & co., within 1 ULP of the exact values
 * themselves) on several shapes and every axis: forward within 1 ULP of the CPU result plus
 * the CPU's own 0.54, so the test allows 1.5; backward within 2 ULP (softmax) of the CPU;
 * special rows; two runs bitwise equal; argument errors. Exits 77 without a GPU. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <cuda_runtime.h>
#include "activ.h"
#include "activ_cuda.h"
extern "C" {
#include "ref/ref.h"
}

#define EXPECT_SHOW 30
#define SOFTMAX_SEED 0x243f6a8885a308d3ull
#include "softmax_check.h"

int main(void)
{
    if (!activ_cuda_available()) {
        printf("SKIP: no CUDA device\n");
        return 77;
    }
    struct { size_t shape[3]; int ndim; double spread; } cases[] = {
        {{7}, 1, 5}, {{33, 1000}, 2, 40}, {{4, 300, 5}, 3, 60}, {{2, 70000}, 2, 10},
    };
    double worst[4] = {0, 0, 0, 0};
    const double bound[4] = {1.5, 1.5, 2.5, 2.5};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        size_t n = 1;
        for (int d = 0; d < cases[c].ndim; d++) n *= cases[c].shape[d];
        float *x = (float *)malloc(n * 4), *g = (float *)malloc(n * 4), *ref = (float *)malloc(n * 4);
        float *got = (float *)malloc(n * 4), *got2 = (float *)malloc(n * 4);
        for (size_t i = 0; i < n; i++) x[i] = (float)((uni() - 0.5) * 2 * cases[c].spread), g[i] = (float)(uni() * 2 - 1);
        float *dx, *dg, *dy;
        cudaMalloc(&dx, n * 4), cudaMalloc(&dg, n * 4), cudaMalloc(&dy, n * 4);
        cudaMemcpy(dg, g, n * 4, cudaMemcpyHostToDevice);
        for (int axis = -cases[c].ndim; axis < cases[c].ndim; axis++)
            for (int op = 0; op < 4; op++) {
                const size_t *sh = cases[c].shape;
                int nd = cases[c].ndim;
                float *in = x;
                float *tmp = NULL;
                if (op >= 2) { /* backward from the CPU forward output */
                    tmp = (float *)malloc(n * 4);
                    if (op == 2) activ_softmax_forward(x, tmp, sh, nd, axis);
                    else activ_log_softmax_forward(x, tmp, sh, nd, axis);
                    in = tmp;
                }
                cudaMemcpy(dx, in, n * 4, cudaMemcpyHostToDevice);
                activ_status s;
                for (int run = 0; run < 2; run++) {
                    switch (op) {
                    case 0: s = activ_cuda_softmax_forward(dx, dy, sh, nd, axis, 0); activ_softmax_forward(in, ref, sh, nd, axis); break;
                    case 1: s = activ_cuda_log_softmax_forward(dx, dy, sh, nd, axis, 0); activ_log_softmax_forward(in, ref, sh, nd, axis); break;
                    case 2: s = activ_cuda_softmax_backward(dx, dg, dy, sh, nd, axis, 0); activ_softmax_backward(in, g, ref, sh, nd, axis); break;
                    default: s = activ_cuda_log_softmax_backward(dx, dg, dy, sh, nd, axis, 0); activ_log_softmax_backward(in, g, ref, sh, nd, axis); break;
                    }
                    EXPECT(s == ACTIV_OK, "case %zu op %d axis %d: status %d\n", c, op, axis, s);
                    cudaMemcpy(run ? got2 : got, dy, n * 4, cudaMemcpyDeviceToHost);
                }
                EXPECT(memcmp(got, got2, n * 4) == 0, "case %zu op %d axis %d: two runs differ\n", c, op, axis);
                for (size_t i = 0; i < n; i++) {
                    double e = activ_ulp_error(got[i], ref[i]);
                    if (e > worst[op]) worst[op] = e;
                    EXPECT(e <= bound[op], "case %zu op %d axis %d i %zu: gpu %a cpu %a\n", c, op, axis, i, (double)got[i], (double)ref[i]);
                }
                free(tmp);
            }
        cudaFree(dx), cudaFree(dg), cudaFree(dy);
        free(x), free(g), free(ref), free(got), free(got2);
    }
    /* special rows */
    {
        float h[6] = {1, NAN, 2, INFINITY, 0, 1}, o[6];
        float *d, *e;
        cudaMalloc(&d, 24), cudaMalloc(&e, 24);
        cudaMemcpy(d, h, 24, cudaMemcpyHostToDevice);
        size_t sh[2] = {2, 3};
        activ_cuda_softmax_forward(d, e, sh, 2, -1, 0);
        cudaMemcpy(o, e, 24, cudaMemcpyDeviceToHost);
        int allnan = 1;
        for (int i = 0; i < 6; i++) allnan &= isnan(o[i]);
        EXPECT(allnan, "NaN row and +inf row give NaN rows\n");
        EXPECT(activ_cuda_softmax_forward(d, e, sh, 2, 2, 0) == ACTIV_ERR_SHAPE, "axis 2 of 2-d\n");
        EXPECT(activ_cuda_softmax_forward(d, d + 1, sh, 2, 1, 0) == ACTIV_ERR_OVERLAP, "overlap\n");
        cudaFree(d), cudaFree(e);
    }
    const char *nm[4] = {"softmax fwd", "log_softmax fwd", "softmax bwd", "log_softmax bwd"};
    for (int op = 0; op < 4; op++) printf("test_cuda_softmax: %s max %.3f ULP from the CPU\n", nm[op], worst[op]);
    printf("test_cuda_softmax: %d checks, %d failures\n", checks, failures);
    return failures ? 1 : 0;
}
