/* bench_peers.h - oneDNN and XNNPACK, timed by 'activ bench' on the same buffers as activ.
 *
 * Compiled in only with the CMake option ACTIV_BENCH_PEERS=ON (Debian's libdnnl-dev,
 * libxnnpack-dev, libpthreadpool-dev). Without it bench_peers_available() is 0 and
 * bench_peers_prepare() finds nothing, so the default build needs none of them.
 */
#ifndef ACTIV_BENCH_PEERS_H
#define ACTIV_BENCH_PEERS_H

#include <stddef.h>
#include "activ.h"

enum { BENCH_FWD = 0, BENCH_BWD = 1, BENCH_BWDY = 2 };

/* One benchmark row's problem: the arrays are activ's, shared with the peers. */
typedef struct bench_problem {
    activ_kind kind;
    int dir;              /* BENCH_FWD: out = f(x); BENCH_BWD: out = dy * f'(x);
                             BENCH_BWDY: out = dy * g(y) */
    size_t n;
    float alpha, beta;    /* leaky/elu alpha, swish beta */
    const float *slopes;  /* prelu slopes[channels] */
    size_t channels, inner; /* prelu: channel of element i is (i / inner) % channels */
    const float *x, *dy, *y; /* y = f(x), the input of BENCH_BWDY */
    float *out;
    float *dparam;        /* prelu dslopes[channels], swish dbeta[1] */
} bench_problem;

/* A prepared peer primitive for one problem and thread count. */
typedef struct bench_peer_op {
    const char *name;     /* "oneDNN", "XNNPACK" */
    const char *what;     /* the peer's operation, e.g. "eltwise_logistic_use_dst_for_bwd" */
    void (*run)(struct bench_peer_op *op);
    void (*release)(struct bench_peer_op *op);
    void *impl;
    void (*quiesce)(struct bench_peer_op *op); /* NULL, or puts spinning workers to sleep */
    int failed;           /* set by run when the peer returned an error */
} bench_peer_op;

#define BENCH_MAX_PEERS 2

/* oneDNN's OpenMP workers spin for milliseconds after each call by default, which on a
 * 2-core machine steals the core the next timed series needs. Unless the user chose
 * (OMP_WAIT_POLICY or GOMP_SPINCOUNT set), this re-executes this program with argv and
 * GOMP_SPINCOUNT set to a short spin; libgomp reads it only at start-up. Returns when it
 * did not re-execute (no peers, already set, or exec failed). */
void bench_peers_reexec(char **argv);

/* 1 if this build has the peers. */
int bench_peers_available(void);
/* One line naming the peers and their versions (or why there are none). */
const char *bench_peers_describe(void);
/* Initialises the peers for up to max_threads threads. Returns 0 on success; on failure
 * writes a reason into err and the bench carries on without peers. */
int bench_peers_init(int max_threads, char *err, size_t errlen);
/* Sets the thread count the next prepared ops use (oneDNN: OpenMP threads; XNNPACK: a
 * pthreadpool of that size, none for 1). */
void bench_peers_set_threads(int nthreads);
/* Prepares every peer that implements the problem; returns how many were put in ops. */
int bench_peers_prepare(const bench_problem *p, bench_peer_op *ops, int maxops);
void bench_peers_shutdown(void);

#endif
