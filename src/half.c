/* half.c - every element-wise kind on 16-bit storage (binary16, bfloat16) on the CPU.
 * The contract and the 1-ULP argument are in include/activ.h ("16-bit storage on the CPU").
 *
 * A call is cut into chunks exactly as the fp32 calls are (the size depends on n only). On
 * the AVX2 (with F16C) and AVX-512 paths a chunk is one call of the path's fused kernel
 * (src/kernels/half_fused.inc: conversions inside the loads and stores, one pass, the same
 * bits as below; prelu too, with its channel layouts and da). Otherwise a chunk runs in blocks
 * of ACTIV_H_BLOCK elements: convert the block's inputs to fp32 (on the
 * stack), run the fp32 kernel of the path in use from the kernel table (the same kernels as
 * activ_forward, looked up by kind, with the block's global offset for prelu's channels),
 * round the results to 16 bits. prelu da / swish db go into one double slot per chunk, added
 * in chunk order: the bits are the same for any thread count.
 *
 * Conversions (src/kernels/half*.c) are picked from the path in use: AVX-512 -> vcvtph2ps /
 * vcvtps2ph and, where cpuid reports AVX-512 BF16, vcvtneps2bf16; AVX2 -> F16C (when cpuid
 * reports it) and AVX2 integer rounding for bfloat16; SSE2 and scalar -> portable C. The CPU
 * features are read once (pthread_once).
 */
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"
#include "kernels/half.h"
#include "validate.h"

#if defined(__x86_64__)
#include <cpuid.h>
#endif

/* ---- conversion dispatch ------------------------------------------------------------- */

static pthread_once_t h_once = PTHREAD_ONCE_INIT;
static int h_f16c, h_avx512bf16;

static void h_detect(void)
{
#if defined(__x86_64__)
    unsigned a, b, c, d;
    if (__get_cpuid(1, &a, &b, &c, &d)) h_f16c = (c >> 29) & 1;
    if (__get_cpuid_max(0, NULL) >= 7) {
        __cpuid_count(7, 1, a, b, c, d);
        h_avx512bf16 = (a >> 5) & 1;
    }
#endif
}

/* the fused kernels of the path in use (half_fused.inc), or NULL: the block path */
static const activ_kernels16 *h_fused(activ_isa isa)
{
    pthread_once(&h_once, h_detect);
#if defined(__x86_64__)
    if (isa == ACTIV_ISA_AVX512) return &activ_k16tab_avx512;
    if (isa == ACTIV_ISA_AVX2 && h_f16c) return &activ_k16tab_avx2;
#else
    (void)isa;
#endif
    return NULL;
}

const activ_kernels16 *activ_half_fused_current(void)
{
    return h_fused(activ_kernels_current()->isa);
}

/* the conversion set for dt on the path in use */
static const activ_cvt16 *h_cvt(activ_half dt, activ_isa isa)
{
    pthread_once(&h_once, h_detect);
#if defined(__x86_64__)
    if (isa == ACTIV_ISA_AVX512) {
        if (dt == ACTIV_F16) return &activ_cvt_f16_avx512;
        return h_avx512bf16 ? &activ_cvt_bf16_avx512bf16 : &activ_cvt_bf16_avx512;
    }
    if (isa == ACTIV_ISA_AVX2) {
        if (dt == ACTIV_F16) return h_f16c ? &activ_cvt_f16_f16c : &activ_cvt_f16_scalar;
        return &activ_cvt_bf16_avx2;
    }
#else
    (void)isa;
#endif
    return dt == ACTIV_F16 ? &activ_cvt_f16_scalar : &activ_cvt_bf16_scalar;
}

const activ_cvt16 *activ_half_cvt(activ_half dt)
{
    return h_cvt(dt, activ_kernels_current()->isa);
}

uint16_t activ_half_from_f32(activ_half dt, float f)
{
    return dt == ACTIV_BF16 ? activ_f32_to_bf16_scalar(f) : activ_f32_to_f16_scalar(f);
}

float activ_half_to_f32(activ_half dt, uint16_t h)
{
    return dt == ACTIV_BF16 ? activ_bf16_to_f32_scalar(h) : activ_f16_to_f32_scalar(h);
}

/* ---- checks: the same as the fp32 calls', with 2-byte elements (src/validate.h) -------- */

enum { H_FWD = ACTIV_DIR_FWD, H_BWD = ACTIV_DIR_BWD, H_BWDY = ACTIV_DIR_BWDY };

/* ---- the run ------------------------------------------------------------------------- */

#define ACTIV_H_BLOCK 2048
#define ACTIV_H_CHUNK 16384
#define ACTIV_H_SERIAL 32768
#define ACTIV_H_MAX_CHUNKS 64
#define ACTIV_H_MAX_SLOT_DOUBLES ((size_t)1 << 20)

typedef struct h_job {
    int dir;
    activ_fwd_fn fwd;
    activ_bwd_fn bwd;
    activ_fwd16_fn fwd16; /* the fused kernels, where the path has them (else NULL) */
    activ_bwd16_fn bwd16;
    const activ_cvt16 *cv;
    const uint16_t *x, *dy;
    uint16_t *out;
    activ_kargs ka;
    size_t n, chunk;
    double *slots;
    size_t slot_len;
} h_job;

static void h_chunk(void *ctx, size_t c)
{
    const h_job *j = ctx;
    float xb[ACTIV_H_BLOCK], gb[ACTIV_H_BLOCK], ob[ACTIV_H_BLOCK];
    size_t i0 = c * j->chunk, i1 = i0 + j->chunk < j->n ? i0 + j->chunk : j->n;
    double *acc = j->slots ? j->slots + c * j->slot_len : NULL;
    activ_kargs ka = j->ka;
    if (j->fwd16 || j->bwd16) { /* one pass over the chunk */
        ka.offset = i0;
        if (j->dir == H_FWD) j->fwd16(j->x + i0, j->out + i0, i1 - i0, &ka);
        else j->bwd16(j->x + i0, j->dy + i0, j->out + i0, i1 - i0, &ka, acc);
        return;
    }
    for (size_t i = i0; i < i1; i += ACTIV_H_BLOCK) {
        size_t len = i1 - i < ACTIV_H_BLOCK ? i1 - i : ACTIV_H_BLOCK;
        ka.offset = i;
        j->cv->to32(j->x + i, xb, len);
        if (j->dir == H_FWD) {
            j->fwd(xb, ob, len, &ka);
        } else {
            j->cv->to32(j->dy + i, gb, len);
            j->bwd(xb, gb, ob, len, &ka, acc);
        }
        j->cv->from32(ob, j->out + i, len);
    }
}

static activ_status h_call(activ_half dt, activ_kind kind, int dir, const activ_params *pin,
                           const uint16_t *x, const uint16_t *dy, uint16_t *out, size_t n,
                           float *dparam)
{
    activ_params def;
    const activ_params *p = pin;
    if (!p) {
        def = activ_default_params((unsigned)kind < ACTIV_KIND_COUNT ? kind : ACTIV_RELU);
        p = &def;
    }
    if ((unsigned)dt > ACTIV_BF16) return ACTIV_ERR_PARAM;
    activ_status st = activ_validate(kind, dir, p, x, dy, out, n, sizeof(uint16_t), dparam, 1);
    if (st != ACTIV_OK) return st;
    size_t nd = dir == H_BWD && dparam ? activ_dparam_len(kind, p) : 0;
    if (!nd) dparam = NULL;
    if (n == 0) {
        for (size_t c = 0; c < nd; c++) dparam[c] = 0.0f;
        return ACTIV_OK;
    }
    const activ_kernels *k = activ_kernels_current();

    h_job j;
    memset(&j, 0, sizeof j);
    j.dir = dir;
    j.cv = h_cvt(dt, k->isa);
    j.x = x;
    j.dy = dy;
    j.out = out;
    j.n = n;
    j.ka = activ_kargs_from_params(kind, p, n);
    j.ka.total = 0; /* blocks live on the stack: no prefetch or streaming stores there */
    if (dir == H_FWD) j.fwd = k->fwd[kind];
    else j.bwd = dir == H_BWD ? k->bwd[kind] : k->bwdy[kind];
    const activ_kernels16 *k16 = h_fused(k->isa);
    if (k16) {
        if (dir == H_FWD) j.fwd16 = k16->fwd[dt][kind];
        else j.bwd16 = dir == H_BWD ? k16->bwd[dt][kind] : k16->bwdy[dt][kind];
    }

    size_t chunk = (n + ACTIV_H_MAX_CHUNKS - 1) / ACTIV_H_MAX_CHUNKS;
    if (chunk < ACTIV_H_CHUNK) chunk = ACTIV_H_CHUNK;
    if (dparam) {
        j.slot_len = nd;
        size_t maxchunks = ACTIV_H_MAX_SLOT_DOUBLES / nd;
        if (maxchunks < 1) maxchunks = 1;
        size_t c2 = n / maxchunks + (n % maxchunks != 0);
        if (chunk < c2) chunk = c2;
    }
    chunk = (chunk + 15) & ~(size_t)15;
    if (chunk > n || n <= ACTIV_H_SERIAL) chunk = n;
    j.chunk = chunk;
    size_t nchunks = n / chunk + (n % chunk != 0);
    if (dparam) {
        j.slots = calloc(nchunks * nd, sizeof(double));
        if (!j.slots) return ACTIV_ERR_NOMEM;
    }
    if (nchunks == 1) h_chunk(&j, 0);
    else activ_parallel_for(nchunks, h_chunk, &j);
    if (dparam) {
        for (size_t c = 0; c < nd; c++) {
            double s = 0;
            for (size_t q = 0; q < nchunks; q++) s += j.slots[q * nd + c];
            dparam[c] = (float)s;
        }
        free(j.slots);
    }
    return ACTIV_OK;
}

activ_status activ_forward16(activ_half dt, activ_kind kind, const activ_params *p,
                             const uint16_t *x, uint16_t *y, size_t n)
{
    return h_call(dt, kind, H_FWD, p, x, NULL, y, n, NULL);
}

activ_status activ_backward16(activ_half dt, activ_kind kind, const activ_params *p,
                              const uint16_t *x, const uint16_t *dy, uint16_t *dx, size_t n,
                              float *dparam)
{
    return h_call(dt, kind, H_BWD, p, x, dy, dx, n, dparam);
}

activ_status activ_backward_from_output16(activ_half dt, activ_kind kind, const activ_params *p,
                                          const uint16_t *y, const uint16_t *dy, uint16_t *dx,
                                          size_t n)
{
    return h_call(dt, kind, H_BWDY, p, y, dy, dx, n, NULL);
}
