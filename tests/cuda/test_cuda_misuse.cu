/* test_cuda_misuse - the host-side argument checks of activ_cuda.h's element-wise entry points.
 * Needs no GPU: every call here must fail in its checks, before any CUDA call, so the
 * pointers are host addresses in a canary-filled arena that must come back untouched.
 * NULLs, n = 0 with bad parameters, n = SIZE_MAX, channels products that wrap, unknown kinds
 * and dtypes, non-finite parameters, misalignment, and partial overlaps of the output with
 * x, dy and the prelu slopes, and of da / db with everything. */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "activ_cuda.h"

static int checks = 0, failures = 0;
static float arena[2048], saved[2048];

static void fill(void)
{
    for (int i = 0; i < 2048; i++)
        arena[i] = (float)(i % 53) * 0.5f - 11.0f;
    memcpy(saved, arena, sizeof arena);
}

static void expect(activ_status got, activ_status want, const char *what)
{
    checks++;
    bool intact = memcmp(arena, saved, sizeof arena) == 0;
    if (got != want || !intact) {
        failures++;
        if (failures <= 30)
            printf("FAIL: %s: status %d (%s), want %d%s\n", what, (int)got, activ_status_str(got), (int)want,
                   intact ? "" : "; the arena was written");
    }
}

int main()
{
    const activ_cuda_dtype F = ACTIV_CUDA_F32;
    float *x = arena, *dy = arena + 100, *out = arena + 200, *sl = arena + 1000, *da = arena + 1100;
    char what[160];
    for (int k = 0; k < ACTIV_KIND_COUNT; k++) {
        activ_kind kind = (activ_kind)k;
        const char *kn = activ_kind_name(kind);
        activ_params p = activ_default_params(kind);
        p.slopes = sl;
        p.channels = 4;
        p.inner = 2;
        /* from output only where the kind has that form: the host library's empty call says */
        activ_params fop = activ_default_params(kind);
        bool bwdy_ok = activ_backward_from_output(kind, &fop, NULL, NULL, NULL, 0) != ACTIV_ERR_UNSUPPORTED;
        fill();
        snprintf(what, sizeof what, "%s: x NULL", kn);
        expect(activ_cuda_forward(kind, &p, F, NULL, out, 64, NULL), ACTIV_ERR_NULL, what);
        snprintf(what, sizeof what, "%s: dy NULL", kn);
        expect(activ_cuda_backward(kind, &p, F, x, NULL, out, 64, NULL, NULL), ACTIV_ERR_NULL, what);
        snprintf(what, sizeof what, "%s: n = SIZE_MAX", kn);
        expect(activ_cuda_forward(kind, &p, F, x, out, SIZE_MAX, NULL), ACTIV_ERR_SIZE, what);
        snprintf(what, sizeof what, "%s: unknown dtype", kn);
        expect(activ_cuda_forward(kind, &p, (activ_cuda_dtype)9, x, out, 64, NULL), ACTIV_ERR_PARAM, what);
        snprintf(what, sizeof what, "%s: misaligned x", kn);
        expect(activ_cuda_forward(kind, &p, F, (const char *)x + 1, out, 64, NULL), ACTIV_ERR_PARAM, what);
        for (int s = -3; s <= 3; s += 6) {
            snprintf(what, sizeof what, "%s: output = x %+d", kn, s);
            expect(activ_cuda_forward(kind, &p, F, arena + 400, arena + 400 + s, 64, NULL), ACTIV_ERR_OVERLAP, what);
            snprintf(what, sizeof what, "%s: dx = dy %+d", kn, s);
            expect(activ_cuda_backward(kind, &p, F, x, arena + 600, arena + 600 + s, 64, NULL, NULL),
                   ACTIV_ERR_OVERLAP, what);
            if (bwdy_ok) {
                snprintf(what, sizeof what, "%s: from output, dx = y %+d", kn, s);
                expect(activ_cuda_backward_from_output(kind, &p, F, arena + 400, dy, arena + 400 + s, 64, NULL),
                       ACTIV_ERR_OVERLAP, what);
            }
        }
        float bad[] = {NAN, INFINITY, -INFINITY};
        for (int b = 0; b < 3; b++)
            for (size_t n = 0; n <= 64; n += 64) {
                activ_params q = p;
                if (kind == ACTIV_LEAKY_RELU || kind == ACTIV_ELU)
                    q.alpha = bad[b];
                else if (kind == ACTIV_SWISH)
                    q.beta = bad[b];
                else
                    continue;
                snprintf(what, sizeof what, "%s: parameter %g, n %zu", kn, (double)bad[b], n);
                expect(activ_cuda_forward(kind, &q, F, x, out, n, NULL), ACTIV_ERR_PARAM, what);
                expect(activ_cuda_backward(kind, &q, F, x, dy, out, n, da, NULL), ACTIV_ERR_PARAM, what);
            }
        if (!bwdy_ok) {
            snprintf(what, sizeof what, "%s: from output", kn);
            expect(activ_cuda_backward_from_output(kind, &p, F, x, dy, out, 64, NULL), ACTIV_ERR_UNSUPPORTED, what);
        }
        if (kind == ACTIV_PRELU) {
            for (size_t n = 0; n <= 64; n += 64) {
                activ_params q = p;
                q.channels = 0;
                snprintf(what, sizeof what, "prelu: channels 0, n %zu", n);
                expect(activ_cuda_backward(kind, &q, F, x, dy, out, n, da, NULL), ACTIV_ERR_SHAPE, what);
                q = p, q.channels = SIZE_MAX / 2, q.inner = 4;
                snprintf(what, sizeof what, "prelu: channels * inner wraps, n %zu", n);
                expect(activ_cuda_backward(kind, &q, F, x, dy, out, n, da, NULL), ACTIV_ERR_SIZE, what);
                q = p, q.channels = SIZE_MAX / 4, q.inner = 1;
                snprintf(what, sizeof what, "prelu: channels * 4 wraps (da memset), n %zu", n);
                /* the shared rules (src/validate.c) put the size of slopes/da before the
                 * shape, for any n */
                expect(activ_cuda_backward(kind, &q, F, x, dy, out, n, da, NULL), ACTIV_ERR_SIZE, what);
                q = p, q.slopes = NULL;
                snprintf(what, sizeof what, "prelu: slopes NULL, n %zu", n);
                expect(activ_cuda_backward(kind, &q, F, x, dy, out, n, da, NULL), ACTIV_ERR_NULL, what);
            }
            const int at[] = {0, 30, 63};
            for (int i = 0; i < 3; i++) {
                activ_params q = p;
                q.slopes = out + at[i];
                snprintf(what, sizeof what, "prelu: slopes inside the output at %d", at[i]);
                expect(activ_cuda_forward(kind, &q, F, x, out, 64, NULL), ACTIV_ERR_OVERLAP, what);
            }
        }
        if (kind == ACTIV_PRELU || kind == ACTIV_SWISH) {
            float *targets[] = {x + 3, dy + 3, out + 3, sl + 1};
            for (int t = 0; t < (kind == ACTIV_PRELU ? 4 : 3); t++) {
                snprintf(what, sizeof what, "%s: da/db overlaps input %d", kn, t);
                expect(activ_cuda_backward(kind, &p, F, x, dy, out, 64, targets[t], NULL), ACTIV_ERR_OVERLAP, what);
            }
        }
    }
    for (int b = -1; b <= ACTIV_KIND_COUNT; b += ACTIV_KIND_COUNT + 1)
        for (size_t n = 0; n <= 64; n += 64) {
            snprintf(what, sizeof what, "kind %d, n %zu", b, n);
            expect(activ_cuda_forward((activ_kind)b, NULL, F, x, out, n, NULL), ACTIV_ERR_KIND, what);
            expect(activ_cuda_backward((activ_kind)b, NULL, F, x, dy, out, n, da, NULL), ACTIV_ERR_KIND, what);
            expect(activ_cuda_backward_from_output((activ_kind)b, NULL, F, x, dy, out, n, NULL), ACTIV_ERR_KIND, what);
        }
    printf("test_cuda_misuse: %d checks, %d failures\n", checks, failures);
    return failures ? 1 : 0;
}
