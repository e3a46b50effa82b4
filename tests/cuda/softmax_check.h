/* softmax_check.h - what the two CUDA softmax tests share: the EXPECT counter (prints the
 * first EXPECT_SHOW failures) and a seeded xorshift uniform in [0, 1). Define EXPECT_SHOW
 * and SOFTMAX_SEED before including. */
#ifndef ACTIV_TEST_SOFTMAX_CHECK_H
#define ACTIV_TEST_SOFTMAX_CHECK_H
#include <stdint.h>
#include <stdio.h>

static int failures = 0, checks = 0;
#define EXPECT(c, ...)                                  \
    do {                                                \
        checks++;                                       \
        if (!(c)) {                                     \
            if (failures < EXPECT_SHOW) printf(__VA_ARGS__); \
            failures++;                                 \
        }                                               \
    } while (0)

static uint64_t rng = SOFTMAX_SEED;
static double uni(void)
{
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (double)(rng >> 11) * 0x1p-53;
}
#endif
