/* dispatch.c - which code path runs: CPU detection (once), ACTIV_ISA, activ_set_isa.
 *
 * Detection runs once (pthread_once): cpuid says what the CPU has, xgetbv says whether the
 * OS saves the wider registers (YMM for AVX2, ZMM + opmask for AVX-512); both are needed.
 * ACTIV_ISA=scalar|sse2|avx2|avx512|neon forces a path at that first use. An unknown name,
 * or a path this build or CPU does not support, falls back silently to the best supported
 * path: a library must not print, and activ_get_isa() tells the caller what it got.
 * The choice lives in one atomic (the current kernel table), so activ_set_isa() is safe
 * from any thread and a call reads it once.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "internal.h"

#if defined(__x86_64__)
#include <cpuid.h>
#endif

static pthread_once_t activ_isa_once = PTHREAD_ONCE_INIT;
static int activ_isa_ok[ACTIV_ISA_COUNT]; /* written once under activ_isa_once */
/* the table of the path in use (its .isa is activ_get_isa()), NULL until detection ran: the
 * per-call read is one atomic load */
static const activ_kernels *_Atomic activ_ktab_cur = NULL;

/* the table of every path the manifest marks built (NULL for the others) */
static const activ_kernels *const activ_ktabs[ACTIV_ISA_COUNT] = {
#define ACTIV_X_(name, I, built) [I] = (built) ? &activ_ktab_##name : NULL,
    ACTIV_FOREACH_ISA(ACTIV_X_)
#undef ACTIV_X_
};

#if defined(__x86_64__)
static unsigned long long activ_xgetbv0(void)
{
    unsigned int lo, hi;
    __asm__ volatile(".byte 0x0f, 0x01, 0xd0" : "=a"(lo), "=d"(hi) : "c"(0));
    return ((unsigned long long)hi << 32) | lo;
}
#endif

static const activ_kernels *activ_kernels_for_ok(activ_isa isa);

static void activ_isa_detect(void)
{
    activ_isa_ok[ACTIV_ISA_SCALAR] = 1;
#if defined(__x86_64__)
    activ_isa_ok[ACTIV_ISA_SSE2] = 1;
    unsigned int a, b, c, d;
    unsigned int max = __get_cpuid_max(0, NULL);
    if (max >= 7 && __get_cpuid(1, &a, &b, &c, &d)) {
        int osxsave = (c >> 27) & 1, avx = (c >> 28) & 1, fma = (c >> 12) & 1;
        if (osxsave && avx) {
            unsigned long long xcr0 = activ_xgetbv0();
            __cpuid_count(7, 0, a, b, c, d);
            int avx2 = (b >> 5) & 1;
            int f512 = (b >> 16) & 1, dq = (b >> 17) & 1, vl = (b >> 31) & 1;
            if ((xcr0 & 0x6) == 0x6 && avx2 && fma) activ_isa_ok[ACTIV_ISA_AVX2] = 1;
            if ((xcr0 & 0xe6) == 0xe6 && activ_isa_ok[ACTIV_ISA_AVX2] && f512 && dq && vl)
                activ_isa_ok[ACTIV_ISA_AVX512] = 1;
        }
    }
#endif
    for (int i = 0; i < ACTIV_ISA_COUNT; i++)
        if (!activ_ktabs[i]) activ_isa_ok[i] = 0; /* the CPU has it, this build does not */
    int best = ACTIV_ISA_SCALAR;
    for (int i = 0; i < ACTIV_ISA_COUNT; i++)
        if (activ_isa_ok[i]) best = i;
    const char *env = getenv("ACTIV_ISA");
    if (env) {
        for (int i = 0; i < ACTIV_ISA_COUNT; i++)
            if (strcmp(env, activ_isa_name((activ_isa)i)) == 0 && activ_isa_ok[i]) best = i;
    }
    atomic_store(&activ_ktab_cur, activ_kernels_for_ok((activ_isa)best));
}

static void activ_isa_init(void) { pthread_once(&activ_isa_once, activ_isa_detect); }

const char *activ_isa_name(activ_isa isa)
{
    switch (isa) {
#define ACTIV_X_(name, I, built) \
    case I: return #name;
        ACTIV_FOREACH_ISA(ACTIV_X_)
#undef ACTIV_X_
    default: return NULL;
    }
}

int activ_isa_supported(activ_isa isa)
{
    if ((int)isa < 0 || (int)isa >= ACTIV_ISA_COUNT) return 0;
    activ_isa_init();
    return activ_isa_ok[isa];
}

activ_isa activ_get_isa(void)
{
    return activ_kernels_current()->isa;
}

activ_status activ_set_isa(activ_isa isa)
{
    if (!activ_isa_supported(isa)) return ACTIV_ERR_UNSUPPORTED;
    atomic_store(&activ_ktab_cur, activ_kernels_for_ok(isa));
    return ACTIV_OK;
}

/* the table of a path known to be supported (scalar if it is not compiled in) */
static const activ_kernels *activ_kernels_for_ok(activ_isa isa)
{
    const activ_kernels *k = (unsigned)isa < ACTIV_ISA_COUNT ? activ_ktabs[isa] : NULL;
    return k ? k : &activ_ktab_scalar;
}

const activ_kernels *activ_kernels_for(activ_isa isa)
{
    if (!activ_isa_supported(isa)) return NULL;
    return activ_kernels_for_ok(isa);
}

const activ_kernels *activ_kernels_current(void)
{
    const activ_kernels *k = atomic_load_explicit(&activ_ktab_cur, memory_order_acquire);
    if (__builtin_expect(k != NULL, 1)) return k;
    activ_isa_init();
    return atomic_load(&activ_ktab_cur);
}
