/* clock.h - the one wall clock of activ's own code (internal): libactiv_nn's epoch timing,
 * the CLI's benchmarks, progress bars and the tour all read this. Header-only. */
#ifndef ACTIV_COMMON_CLOCK_H
#define ACTIV_COMMON_CLOCK_H

#include <time.h>

/* Seconds on CLOCK_MONOTONIC (never jumps with the date; only differences mean anything). */
static inline double activ_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

#endif
