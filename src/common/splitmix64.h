/* splitmix64.h - the one pseudo-random generator of activ's own code (internal): the CLI's
 * sample data (bench inputs, table's N(0,1) samples, ULP probes) draws from it, and
 * libactiv_nn seeds its xoshiro256** streams (activ_nn_rng, src/nn/rng.c) with it.
 * Header-only; state is one uint64_t, any value. */
#ifndef ACTIV_COMMON_SPLITMIX64_H
#define ACTIV_COMMON_SPLITMIX64_H

#include <stdint.h>

/* Next 64 random bits (Steele, Lea and Flood's SplitMix64 finaliser over a Weyl sequence). */
static inline uint64_t activ_splitmix64(uint64_t *state)
{
    uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

/* Uniform in the open interval (0, 1): 53 random bits, never 0 (so log() of it is finite). */
static inline double activ_splitmix64_open01(uint64_t *state)
{
    return ((double)(activ_splitmix64(state) >> 11) + 0.5) * 0x1.0p-53;
}

#endif
