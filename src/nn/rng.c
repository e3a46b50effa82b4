/* rng.c - xoshiro256** (Blackman & Vigna), seeded by activ's one splitmix64
 * (src/common/splitmix64.h): fast, seedable, portable. */
#include <math.h>

#include "activ_nn.h"
#include "common/splitmix64.h"

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

void activ_nn_rng_seed(activ_nn_rng *r, uint64_t seed)
{
    uint64_t x = seed;
    for (int i = 0; i < 4; i++)
        r->s[i] = activ_splitmix64(&x);
    r->has_spare = 0;
    r->spare = 0;
}

uint64_t activ_nn_rng_u64(activ_nn_rng *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

double activ_nn_rng_uniform(activ_nn_rng *r)
{
    return (double)(activ_nn_rng_u64(r) >> 11) * 0x1.0p-53;
}

double activ_nn_rng_normal(activ_nn_rng *r)
{
    if (r->has_spare) {
        r->has_spare = 0;
        return r->spare;
    }
    double u1, u2;
    do
        u1 = activ_nn_rng_uniform(r);
    while (u1 <= 0);
    u2 = activ_nn_rng_uniform(r);
    double rad = sqrt(-2.0 * log(u1)), th = 6.283185307179586 * u2;
    r->spare = rad * sin(th);
    r->has_spare = 1;
    return rad * cos(th);
}

uint64_t activ_nn_rng_below(activ_nn_rng *r, uint64_t n)
{
    /* rejection sampling: drop the top partial range so every value is equally likely */
    uint64_t lim = UINT64_MAX - UINT64_MAX % n;
    uint64_t x;
    do
        x = activ_nn_rng_u64(r);
    while (x >= lim);
    return x % n;
}

void activ_nn_rng_shuffle(activ_nn_rng *r, int *idx, size_t n)
{
    for (size_t i = n; i > 1; i--) {
        size_t j = (size_t)activ_nn_rng_below(r, i);
        int t = idx[i - 1];
        idx[i - 1] = idx[j];
        idx[j] = t;
    }
}
