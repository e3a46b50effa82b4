/* test_cuda_softmax_host - the GPU softmax backward's exact accumulator (src/cuda/xsum.cuh),
 * compiled for the host: sums that cancel to the last bit come out exactly, and the GPU's
 * backward formula evaluated with it on the host agrees with the CPU library
 * (activ_softmax_backward, exact expansion sums) to within 1 ULP on rows built to cancel.
 * Runs without a GPU. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include "activ.h"
#include "xsum.cuh"
extern "C" {
#include "ref/ref.h"
}

#define EXPECT_SHOW 20
#define SOFTMAX_SEED 0x9e3779b97f4a7c15ull
#include "softmax_check.h"

int main(void)
{
    /* exact cancellation: big + tiny - big = tiny, in any order */
    long long L[ACTIV_XL];
    memset(L, 0, sizeof L);
    xsum_add(L, 0x1p200);
    xsum_add(L, 0x1.8p-290);
    xsum_add(L, -0x1p200);
    EXPECT(xsum_value(L) == 0x1.8p-290, "2^200 + 1.5*2^-290 - 2^200 = %a\n", xsum_value(L));
    memset(L, 0, sizeof L);
    xsum_add(L, -3.0), xsum_add(L, 1.0);
    EXPECT(xsum_value(L) == -2.0, "-3 + 1 = %a\n", xsum_value(L));
    /* products of floats summed in shuffled orders give identical limbs */
    for (int t = 0; t < 200; t++) {
        double v[64];
        for (int i = 0; i < 64; i++) v[i] = (double)(float)((uni() - 0.5) * ldexp(1, (int)(uni() * 60) - 30)) * (double)(float)uni();
        long long A[ACTIV_XL] = {0}, B[ACTIV_XL] = {0};
        for (int i = 0; i < 64; i++) xsum_add(A, v[i]);
        for (int i = 63; i >= 0; i--) xsum_add(B, v[i]);
        EXPECT(memcmp(A, B, sizeof A) == 0, "order changed the limbs (trial %d)\n", t);
    }
    /* the GPU backward formula on the host vs the CPU library */
    double worst = 0;
    for (int t = 0; t < 300; t++) {
        enum { N = 97 };
        float y[N], dy[N], dx[N];
        double c = (double)(float)(uni() * 4 - 2);
        for (int i = 0; i < N; i++) {
            y[i] = (float)(uni() * 0.02);
            dy[i] = t % 2 ? (float)c : (float)(uni() * 2 - 1); /* constant dy: heavy cancellation */
        }
        size_t sh[1] = {N};
        activ_softmax_backward(y, dy, dx, sh, 1, 0);
        long long S[ACTIV_XL] = {0};
        for (int i = 0; i < N; i++) xsum_add(S, (double)dy[i] * (double)y[i]);
        for (int i = 0; i < N; i++) {
            long long R[ACTIV_XL];
            for (int q = 0; q < ACTIV_XL; q++) R[q] = -S[q];
            xsum_add(R, dy[i]);
            float g = (float)((double)y[i] * xsum_value(R));
            double d = fabs((double)g - (double)dx[i]) / activ_ulp_of(dx[i]);
            if (d > worst) worst = d;
            EXPECT(d <= 1, "row %d elem %d: host GPU formula %a, CPU %a\n", t, i, (double)g, (double)dx[i]);
        }
    }
    printf("test_cuda_softmax_host: GPU formula vs CPU library: largest difference %.3f ULP\n", worst);
    printf("test_cuda_softmax_host: %d checks, %d failures\n", checks, failures);
    return failures ? 1 : 0;
}
