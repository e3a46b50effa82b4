/* testutil.h - shared helpers for the ctest programs and the sweep.
 *
 *   - a seedable RNG (splitmix64) with log-uniform fp32 draws over the whole range;
 *   - CHECK macros that count checks and failures, print the first failures with their
 *     file:line, and remember the largest ULP error seen (printed by tu_finish);
 *   - the supported code paths: tu_isas() lists activ_kernels_for() over ACTIV_FOREACH_ISA.
 *
 * Every test ends with `return tu_finish("name");`, which prints the count of checks and
 * failures and returns non-zero on any failure.
 */
#ifndef ACTIV_TESTUTIL_H
#define ACTIV_TESTUTIL_H

#include <stddef.h>
#include <stdint.h>

#include "activ.h"
#include "kernels/manifest.h"
#include "ref/ref.h"

/* ---- counting ----------------------------------------------------------------------- */
extern long long tu_checks;
extern long long tu_failures;

/* Records one check; on failure prints "file:line: message" (the first 30 failures only).
 * Returns ok so callers can stop early. */
int tu_check(int ok, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
#define CHECK(cond, ...) tu_check(!!(cond), __FILE__, __LINE__, __VA_ARGS__)

/* got must be within bound ULP of exact (activ_ulp_error); tracks the largest error. */
int tu_check_ulp(float got, double exact, double bound, const char *file, int line,
                 const char *fmt, ...) __attribute__((format(printf, 6, 7)));
#define CHECK_ULP(got, exact, bound, ...) \
    tu_check_ulp((got), (exact), (bound), __FILE__, __LINE__, __VA_ARGS__)

/* got and want are the same float: identical bits, or both NaN. */
int tu_same(float got, float want);
/* identical bits (sign of zero and NaN payload included) */
int tu_identical(float got, float want);
#define CHECK_SAME(got, want, ...) \
    tu_check(tu_same((got), (want)), __FILE__, __LINE__, __VA_ARGS__)
#define CHECK_STATUS(got, want, ...) \
    tu_check((got) == (want), __FILE__, __LINE__, __VA_ARGS__)

/* Prints "name: N checks, F failures, largest ULP error E (where)"; returns the exit code. */
int tu_finish(const char *name);
/* Prints a skip line and returns 77 (ctest's skip code in tests/CMakeLists.txt). */
int tu_skip(const char *name, const char *why);

/* ---- floats ------------------------------------------------------------------------- */
uint32_t tu_bits(float f);
float tu_float(uint32_t bits);
/* the k-th float after f in bit order (for a walk across 0 use nextafterf) */
float tu_next(float f, int k);

/* |got - exact| in ULPs of the 16-bit type dt (subnormal spacing below the normal range;
 * +-inf counts as the next power of two past the largest finite, as activ_ulp_error does) */
double tu_ulp16_error(float got, double exact, activ_half dt);

/* ---- RNG: splitmix64 ----------------------------------------------------------------- */
typedef struct tu_rng {
    uint64_t s;
} tu_rng;
void tu_rng_seed(tu_rng *r, uint64_t seed);
uint64_t tu_rng_u64(tu_rng *r);
double tu_rng_uniform(tu_rng *r); /* [0, 1) */
/* uniform on [lo, hi) */
float tu_rng_range(tu_rng *r, float lo, float hi);
/* random sign, magnitude log-uniform over [2^emin, 2^emax) (emin >= -149, emax <= 128) */
float tu_rng_logu(tu_rng *r, int emin, int emax);
/* a mixture for accuracy tests: log-uniform over all finite floats (subnormals included),
 * values near the kinks and tails of `kind`, and plain [-10, 10) */
float tu_rng_interesting(tu_rng *r, activ_kind kind);
/* any bit pattern */
float tu_rng_anyfloat(tu_rng *r);

/* ---- code paths ---------------------------------------------------------------------- */
/* The kernel tables of every path compiled in and supported here, best first is NOT
 * implied: manifest order (scalar, sse2, avx2, avx512, neon). Returns the count (>= 1 when
 * the library works; at most ACTIV_ISA_COUNT). */
int tu_isas(const activ_kernels *out[ACTIV_ISA_COUNT]);

/* Kernel args for kind with parameters (alpha, beta) and a single shared prelu slope
 * (= alpha) unless slopes is given. */
activ_kargs tu_kargs(float alpha, float beta, const float *slopes, size_t channels,
                     size_t inner);
/* The public API params for kind with alpha/beta; prelu uses slopes/channels/inner. */
activ_params tu_params(activ_kind kind, float alpha, float beta, const float *slopes,
                       size_t channels, size_t inner);

/* Default alpha for a kind (activ_default_params) where the kind reads alpha, else 0. */
float tu_default_alpha(activ_kind kind);
/* 1 if kind has a from-output form (for the given alpha). */
int tu_has_from_output(activ_kind kind);
const char *tu_kind_str(activ_kind kind);
const char *tu_isa_str(activ_isa isa);

/* ---- one code path: a kernel table called directly, or the public API after
 * activ_set_isa. Tests run every check on every path. ------------------------------ */
typedef struct tu_path {
    activ_isa isa;
    const activ_kernels *k;
    int api;          /* 1: activ_forward/... after activ_set_isa(isa); 0: k->fwd[...] */
    char name[32];    /* "avx2/kernel", "avx2/api" */
} tu_path;
/* Fills out[] with both paths of every supported ISA; returns the count. */
int tu_paths(tu_path out[2 * ACTIV_ISA_COUNT]);
/* Runs one call on a path. alpha is leaky/elu alpha, or the shared prelu slope when slopes
 * is NULL. Kernel paths return ACTIV_OK (they check nothing). dparam (may be NULL) gets da
 * (channels floats) or db (1 float), rounded from the double accumulator on kernel paths. */
activ_status tu_fwd(const tu_path *p, activ_kind kind, float alpha, float beta,
                    const float *slopes, size_t channels, size_t inner, const float *x,
                    float *y, size_t n);
activ_status tu_bwd(const tu_path *p, activ_kind kind, float alpha, float beta,
                    const float *slopes, size_t channels, size_t inner, const float *x,
                    const float *dy, float *dx, size_t n, float *dparam);
activ_status tu_bwdy(const tu_path *p, activ_kind kind, float alpha, const float *y,
                     const float *dy, float *dx, size_t n);

/* aligned_alloc'd floats (64-byte aligned), aborts on failure; free with free(). */
float *tu_alloc(size_t n);

#endif
