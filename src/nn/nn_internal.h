/* nn_internal.h - helpers shared by the files of libactiv_nn (not installed). */
#ifndef ACTIV_NN_INTERNAL_H
#define ACTIV_NN_INTERNAL_H

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

#include "activ_nn.h"

/* The layers' hot loops (conv products, BatchNorm sums and maps) get an AVX2 + FMA clone
 * besides the baseline one, picked at load time by the CPU (GCC target_clones, x86-64). FMA
 * contraction changes the last bits between the two, never between thread counts. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__linux__) && \
    !defined(__SANITIZE_THREAD__) /* TSan crashes in ifunc resolvers, which run before it starts */
#define NN_HOT __attribute__((target_clones("arch=x86-64-v3", "default")))
#else
#define NN_HOT
#endif

/* The activ_glu_kind of a gated layer's act (ACTIV_NN_SWIGLU ...), or -1. */
static inline int nn_glu(int act)
{
    return act <= ACTIV_NN_SWIGLU && act >= ACTIV_NN_REGLU ? ACTIV_NN_SWIGLU - act : -1;
}

/* Width of the layer's GEMM (z, W's columns, b): 2*out for a gated layer, else out. */
static inline int nn_width(const activ_nn_dense *L)
{
    return nn_glu(L->act) >= 0 ? 2 * L->out : L->out;
}

/* 1 if the layer's backward needs z (no from-output form for its kind and parameters). */
static inline int nn_needs_z(int act, float alpha)
{
    if (nn_glu(act) >= 0)
        return 1; /* the gated backward reads z */
    if (act < 0 || act >= ACTIV_KIND_COUNT)
        return 0;
    /* libactiv's own rule (kind and parameters): an empty from-output call validates them */
    activ_params p = activ_default_params((activ_kind)act);
    p.alpha = alpha;
    return activ_backward_from_output((activ_kind)act, &p, NULL, NULL, NULL, 0) != ACTIV_OK;
}

/* The libactiv parameters of a layer (prelu: one slope per output unit, channels-last). */
static inline activ_params nn_layer_params(const activ_nn_dense *L)
{
    activ_params p = activ_default_params(L->act >= 0 ? (activ_kind)L->act : ACTIV_RELU);
    p.alpha = L->alpha;
    if (L->act == ACTIV_PRELU) {
        p.slopes = L->slopes;
        p.channels = (size_t)L->out;
        p.inner = 1;
    }
    if (L->act == ACTIV_SWISH && L->beta)
        p.beta = *L->beta;
    return p;
}

/* snprintf into err (if err != NULL and errlen > 0). */
static inline void nn_seterr(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static inline void nn_seterr(char *err, size_t errlen, const char *fmt, ...)
{
    if (!err || !errlen)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(err, errlen, fmt, ap);
    va_end(ap);
}

/* Fused activation over n = B·C·inner values laid out (B, C, inner) (src/nn/act.c).
 * Forward: y = f(g) (g may equal y). Backward: dy ⊙= f′, from z when nn_needs_z, else
 * from y; prelu writes dslopes (C), swish dbeta (1). slopes/beta may be NULL for other kinds. */
/* 1 unless the kind has a from-output backward (relu, sigmoid, tanh, leaky_relu with α > 0,
 * elu with α >= 0): kinds added later keep z by default. */
int nn_act_needs_z(int act, float alpha);
activ_status nn_act_forward(int act, float alpha, const float *slopes, const float *beta, int C,
                            size_t inner, const float *g, float *y, size_t n);
activ_status nn_act_backward(int act, float alpha, const float *slopes, const float *beta, int C,
                             size_t inner, const float *z, const float *y, float *dy, size_t n,
                             float *dslopes, float *dbeta);
/* The same with the kind's parameters built once (a caller that applies one activation to
 * many rows, such as BatchNorm's per-row path, builds it per call, not per row). */
typedef struct nn_act {
    int act;
    activ_params p;
} nn_act;
nn_act nn_act_make(int act, float alpha, const float *slopes, const float *beta, int C, size_t inner);
activ_status nn_act_run_forward(const nn_act *a, const float *g, float *y, size_t n);
activ_status nn_act_run_backward(const nn_act *a, const float *z, const float *y, float *dy, size_t n, float *dslopes,
                                 float *dbeta);

/* C (m, n) = op(A)·op(B) + beta·C, row-major (ta, tb: 1 = transposed), spread over
 * libactiv's pool in blocks fixed by the shape, OpenBLAS single-threaded inside each block
 * (src/nn/gemm.c; the first call sets OpenBLAS to one thread for the process). */
void nn_sgemm(int ta, int tb, int m, int n, int k, const float *a, int lda, const float *b, int ldb, float beta,
              float *c, int ldc);
/* Σ a[i]·b[i] in eight float lanes (vectorises; the lanes are added at the end). */
float nn_dot(const float *a, const float *b, size_t n);
void nn_dot4(const float *a, const float *b, size_t ldb, size_t n, float out[4]); /* 4 rows of b, the same bits as nn_dot */
/* The same product as one single-threaded OpenBLAS call, for a task already on the pool. */
void nn_sgemm_task(int ta, int tb, int m, int n, int k, const float *a, int lda, const float *b, int ldb,
                   float beta, float *c, int ldc);

/* ---- the epoch loops' shared parts (src/nn/epoch.c) ---- */

/* What an epoch allocates once: the shuffled order of d's rows, a batch (xb, yb), and per
 * layer: ever[unit] (active at least once), nact (active cells), asum (sum of outputs), gn
 * (sum of ||dW|| over the steps), each `layers` doubles. */
typedef struct nn_epoch_bufs {
    int *idx;
    float *xb;
    uint8_t *yb, *ever;
    double *nact, *asum, *gn;
} nn_epoch_bufs;
/* Allocates b for d in batches of `batch` with `units` activity flags and `layers` layers,
 * and shuffles the order with rng. ACTIV_OK, ACTIV_ERR_SIZE or ACTIV_ERR_NOMEM (b released). */
activ_status nn_epoch_alloc(nn_epoch_bufs *b, activ_nn_rng *rng, const activ_nn_dataset *d, int batch,
                            size_t units, int layers);
void nn_epoch_free(nn_epoch_bufs *b);
/* Layer l's numbers: its units (channels) start at ever[u], each with `inner` positions,
 * over `seen` samples and `steps` optimizer steps. */
activ_nn_layer_stats nn_layer_stats(const nn_epoch_bufs *b, int l, size_t u, int units, size_t inner, long seen,
                                    long steps);
/* Rows idx[start .. start + B) of d into xb (B x dim) and their labels into yb (B). */
void nn_gather_batch(const activ_nn_dataset *d, const int *idx, int start, int B, float *xb, uint8_t *yb);
/* A forward pass of an MLP or a network: logits of B rows of x. */
typedef activ_status (*nn_forward_fn)(void *net, const float *x, int B, float **logits);
/* Mean softmax cross-entropy and accuracy of forward over d in batches of `batch` rows (no
 * shuffling); loss and accuracy may be NULL. The caller checks the shapes. */
activ_status nn_evaluate(nn_forward_fn forward, void *net, int classes, const activ_nn_dataset *d, int batch,
                         double *loss, double *accuracy);

#endif
