/*
 * activ_nn.h - layers, models and training on top of activ.h (prefix activ_nn_).
 *
 * A Dense layer is y = f(x·W + b). The GEMMs go through CBLAS (OpenBLAS); the activation
 * math is libactiv's (activ_forward, activ_backward, activ_backward_from_output), never
 * written again here. Every function returns an activ_status; the library never prints
 * except into a FILE* the caller passes, and never exits.
 *
 * ---------------------------------------------------------------------------------------
 * Layout and shapes (row-major everywhere, B = batch size)
 *
 *   x   (B, in)      the layer input, one sample per row
 *   W   (in, out)    row-major: W[i*out + j] connects input i to output unit j
 *                    (this is TensorFlow's / Keras' kernel layout; PyTorch's nn.Linear
 *                    stores the transpose, weight (out, in))
 *   b   (out)
 *   z   (B, out)     z = x·W + b, the pre-activation
 *   y   (B, out)     y = f(z)
 *   α   (out)        prelu: one learned slope per output unit (channels = out, inner = 1)
 *   β   (1)          swish: one learned β per layer, f(z) = z·σ(βz)
 *
 * Forward: one sgemm (z = x·W), then ONE pass over each row of z that adds b and applies
 * f (bias and activation fused while the row is in cache).
 *
 * Backward, given dY = ∂L/∂y (B, out):
 *   dZ = dY ⊙ f′(z)        once, by libactiv (from the output y where the kind allows:
 *                          relu, leaky_relu, elu, sigmoid, tanh; from z for prelu, swish)
 *   dW = xᵀ·dZ   (in, out)  sgemm with transposed A, no copy
 *   db = Σ_rows dZ (out)
 *   dX = dZ·Wᵀ   (B, in)    sgemm with transposed B, no copy (skipped when dX is NULL)
 *   dα_j = Σ_rows dY ⊙ min(z, 0)   (prelu),   dβ = Σ dY ⊙ z²σ(βz)(1 − σ(βz))   (swish)
 * ---------------------------------------------------------------------------------------
 */
#ifndef ACTIV_NN_H
#define ACTIV_NN_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "activ.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A layer's activation: an activ_kind (0 .. ACTIV_KIND_COUNT-1), ACTIV_NN_LINEAR, or a gated
 * unit (ACTIV_NN_SWIGLU, ACTIV_NN_GEGLU, ACTIV_NN_REGLU). */
#define ACTIV_NN_LINEAR (-1) /* f(z) = z: the output layer before softmax / MSE */
/* Gated Dense: the GEMM is 2*out wide, W (in, 2*out), b (2*out), z = x·W + b (B, 2*out), and
 *   y = z[:, :out] ⊙ f(z[:, out:])      (B, out)   (PyTorch F.glu's halves: the first half
 * is linear, the second goes through f = silu / gelu (erf) / relu; activ_glu_split_forward).
 * Backward: dZ (B, 2*out) = [dY ⊙ f(z2) | dY ⊙ z1 ⊙ f'(z2)] (activ_glu_split_backward) into a
 * temporary the call allocates (ACTIV_ERR_NOMEM if it cannot), then the GEMMs as usual. */
#define ACTIV_NN_SWIGLU (-2)
#define ACTIV_NN_GEGLU (-3)
#define ACTIV_NN_REGLU (-4)
#define ACTIV_NN_MAX_LAYERS 64

/* The name of an activation as the CLI spells it ("relu", ..., "linear"), never NULL. */
ACTIV_API const char *activ_nn_act_name(int act);

/* ---------------------------------------------------------------------------------------
 * RNG: splitmix64-seeded xoshiro256**. Same seed, same numbers, on every machine.
 * ------------------------------------------------------------------------------------- */
typedef struct activ_nn_rng {
    uint64_t s[4];
    int has_spare;  /* Box-Muller keeps its second normal */
    double spare;
} activ_nn_rng;

ACTIV_API void activ_nn_rng_seed(activ_nn_rng *r, uint64_t seed);
ACTIV_API uint64_t activ_nn_rng_u64(activ_nn_rng *r);
/* uniform in [0, 1) with 53 random bits */
ACTIV_API double activ_nn_rng_uniform(activ_nn_rng *r);
/* standard normal N(0, 1) (Box-Muller) */
ACTIV_API double activ_nn_rng_normal(activ_nn_rng *r);
/* uniform integer in [0, n), n > 0, without modulo bias */
ACTIV_API uint64_t activ_nn_rng_below(activ_nn_rng *r, uint64_t n);
/* Fisher-Yates shuffle of idx[n] */
ACTIV_API void activ_nn_rng_shuffle(activ_nn_rng *r, int *idx, size_t n);

/* ---------------------------------------------------------------------------------------
 * Dense layer
 * ------------------------------------------------------------------------------------- */
typedef struct activ_nn_dense {
    int in, out;    /* x is (B, in), y is (B, out) */
    int act;        /* activ_kind, ACTIV_NN_LINEAR or ACTIV_NN_SWIGLU/GEGLU/REGLU (gated) */
    float alpha;    /* leaky_relu slope (0.01) / elu alpha (1); set before build */
    /* parameters: pointers into activ_nn_model.params (NULL when the kind has none) */
    float *w;       /* (in, out) row-major; gated: (in, 2*out) */
    float *b;       /* (out); gated: (2*out) */
    float *slopes;  /* (out)  prelu α, initialised to 0.25 (PyTorch's default) */
    float *beta;    /* (1)    swish β, initialised to 1 */
    /* gradients: the same offsets into activ_nn_model.grads */
    float *dw, *db, *dslopes, *dbeta;
    size_t nparams; /* in*out + out (+ out for prelu, + 1 for swish); gated: 2*(in*out + out) */
    /* activations for the reserved batch: pointers into activ_nn_model.acts */
    float *z;       /* (max_batch, out) pre-activation; only for prelu and swish, else NULL;
                       gated: (max_batch, 2*out), always */
    float *y;       /* (max_batch, out) output */
} activ_nn_dense;

/* Forward: y = f(x·W + b) for B rows. z must be non-NULL (and distinct from y) when the
 * kind is prelu or swish (its backward needs z) or the layer is gated; otherwise it is
 * ignored and the GEMM writes straight into y.  x is (B, in), z and y are (B, out) (gated:
 * z is (B, 2*out)). The bias and the activation are applied row by row in one pass
 * (activ_bias_forward: the arguments are checked once per call, not per row).
 * Returns ACTIV_OK, ACTIV_ERR_NULL, ACTIV_ERR_SHAPE (B < 0) or a libactiv error. */
ACTIV_API activ_status activ_nn_dense_forward(const activ_nn_dense *L, const float *x, float *z,
                                              float *y, int B);

/* Backward. x (B, in) is the forward input, z (B, out) the pre-activation (prelu, swish
 * only), y (B, out) the forward output. dy (B, out) is ∂L/∂y and is OVERWRITTEN with dZ.
 * Writes (overwrites, no accumulation) L->dw (in, out), L->db (out), L->dslopes (out)
 * and L->dbeta (1), and dx (B, in) unless dx is NULL.  dx must not alias dy.
 * Returns ACTIV_OK, ACTIV_ERR_NULL, ACTIV_ERR_SHAPE or a libactiv error. */
ACTIV_API activ_status activ_nn_dense_backward(const activ_nn_dense *L, const float *x,
                                               const float *z, const float *y, float *dy,
                                               float *dx, int B);

/* ---------------------------------------------------------------------------------------
 * Sequential model. All parameters in one allocation (params), all gradients in another
 * with the same layout (grads), all activations in a third (acts).
 * Build order: activ_nn_model_init, activ_nn_model_add (once per layer),
 * activ_nn_model_build (allocates and initialises the parameters), then
 * activ_nn_model_reserve (activation buffers for a batch size) before forward/backward.
 * ------------------------------------------------------------------------------------- */
typedef struct activ_nn_model {
    int input_dim;
    int nlayers;
    activ_nn_dense layers[ACTIV_NN_MAX_LAYERS];
    float *params;   /* (nparams): layer 0 W, b, [α], [β], layer 1 W, ... */
    float *grads;    /* (nparams), same layout */
    size_t nparams;
    float *acts;     /* every layer's z and y for max_batch rows, plus two gradient buffers */
    float *dbuf[2];  /* (max_batch, max width) ping-pong buffers for dY / dX */
    int max_batch;
    int built;
} activ_nn_model;

/* Starts an empty model whose input rows have input_dim features.
 * Returns ACTIV_OK, ACTIV_ERR_NULL or ACTIV_ERR_SHAPE (input_dim < 1). */
ACTIV_API activ_status activ_nn_model_init(activ_nn_model *m, int input_dim);
/* Appends Dense(units, act) with the kind's default alpha (activ_default_params).
 * Returns ACTIV_OK, ACTIV_ERR_SHAPE (units < 1, too many layers, or already built),
 * ACTIV_ERR_KIND (act out of range). */
ACTIV_API activ_status activ_nn_model_add(activ_nn_model *m, int units, int act);
/* Allocates params and grads (one block each) and initialises them from seed:
 *   relu, leaky_relu, prelu, elu   He:     W ~ N(0, 2/in)
 *   sigmoid, tanh, swish, linear   Glorot: W ~ U(-sqrt(6/(in+out)), +sqrt(6/(in+out)))
 *   b = 0, prelu α = 0.25, swish β = 1.
 * Returns ACTIV_OK, ACTIV_ERR_SHAPE (no layers), ACTIV_ERR_SIZE (the count overflows),
 * ACTIV_ERR_NOMEM. */
ACTIV_API activ_status activ_nn_model_build(activ_nn_model *m, uint64_t seed);
/* Re-draws the parameters from seed (as build does). */
ACTIV_API activ_status activ_nn_model_init_params(activ_nn_model *m, uint64_t seed);
/* Makes room for batches of up to max_batch rows (one allocation; grows only).
 * Returns ACTIV_OK, ACTIV_ERR_SHAPE, ACTIV_ERR_SIZE (the size overflows), ACTIV_ERR_NOMEM. */
ACTIV_API activ_status activ_nn_model_reserve(activ_nn_model *m, int max_batch);
ACTIV_API void activ_nn_model_free(activ_nn_model *m);

/* Width of the last layer (the model's output). */
ACTIV_API int activ_nn_model_output_dim(const activ_nn_model *m);

/* Forward through every layer. x is (B, input_dim), B <= max_batch. On success *out
 * (if out != NULL) points at the last layer's y, (B, output_dim), valid until the next call.
 * Returns ACTIV_OK, ACTIV_ERR_NULL, ACTIV_ERR_SHAPE (not built, B > max_batch) or a libactiv
 * error. */
ACTIV_API activ_status activ_nn_model_forward(activ_nn_model *m, const float *x, int B,
                                              float **out);
/* Backward after a forward on the same x and B. dout (B, output_dim) = ∂L/∂output; it is
 * copied, not modified. Overwrites every gradient in m->grads.
 * Returns as activ_nn_model_forward. */
ACTIV_API activ_status activ_nn_model_backward(activ_nn_model *m, const float *x,
                                               const float *dout, int B);

/* Keras-style table: layer, output shape, parameter count, then total / trainable /
 * non-trainable. Writes to f only. Returns ACTIV_OK, ACTIV_ERR_NULL, ACTIV_ERR_IO. */
ACTIV_API activ_status activ_nn_model_summary(const activ_nn_model *m, FILE *f);

/* ---------------------------------------------------------------------------------------
 * safetensors: 8-byte little-endian header length N, N bytes of JSON (padded with spaces
 * to a multiple of 8), then the raw little-endian fp32 data. Tensors per layer i:
 *   "dense_i.weight" [in, out]   "dense_i.bias" [out]
 *   "dense_i.prelu_alpha" [out]  "dense_i.swish_beta" [1]
 * plus "__metadata__": {"format": "pt", "layout": "weight is (in, out), y = f(x @ W + b)"}.
 * ------------------------------------------------------------------------------------- */

/* Writes the parameters to path whole or not at all. Returns ACTIV_OK, ACTIV_ERR_NULL,
 * ACTIV_ERR_SHAPE (not built), ACTIV_ERR_IO. */
ACTIV_API activ_status activ_nn_model_save(const activ_nn_model *m, const char *path);
/* Loads parameters into a built model of the same architecture. The file must hold exactly
 * the model's tensors, dtype "F32", with the model's shapes and in-bounds, correctly sized
 * data_offsets. On failure the model is unchanged, the status is ACTIV_ERR_IO (cannot
 * open/read) or ACTIV_ERR_FORMAT (corrupt, truncated, wrong shape, missing tensor ...) and
 * a one-line reason goes to err (if err != NULL). */
ACTIV_API activ_status activ_nn_model_load(activ_nn_model *m, const char *path, char *err,
                                           size_t errlen);

/* ---------------------------------------------------------------------------------------
 * Losses (one pass per row: the value, the gradient and the accuracy together)
 * ------------------------------------------------------------------------------------- */

/* Softmax cross-entropy, mean over the batch, with log-sum-exp:
 *   L = (1/B) Σ_r [ log Σ_j e^(z_rj − m_r) − (z_r,t_r − m_r) ],  m_r = max_j z_rj
 *   dz_rj = (softmax(z_r)_j − [j = t_r]) / B
 * logits (B, C), labels (B) in [0, C). dlogits (B, C) may be NULL or equal logits.
 * *loss gets the mean (may be NULL); *correct (may be NULL) gets the number of rows whose
 * argmax equals the label. Returns ACTIV_OK, ACTIV_ERR_NULL, ACTIV_ERR_SHAPE (a label out
 * of range, B or C < 1). */
ACTIV_API activ_status activ_nn_softmax_xent(const float *logits, const uint8_t *labels, int B,
                                             int C, float *dlogits, double *loss, int *correct);
/* Mean squared error over n elements: L = (1/n) Σ (y − t)², dy = 2 (y − t) / n.
 * dy may be NULL or equal y. Returns ACTIV_OK, ACTIV_ERR_NULL. */
ACTIV_API activ_status activ_nn_mse(const float *y, const float *t, size_t n, float *dy,
                                    double *loss);

/* ---------------------------------------------------------------------------------------
 * Optimizers over the flat parameter block
 *   SGD with momentum μ:  v = μ v + g;  p -= lr · v
 *   Adam:  m = β1 m + (1 − β1) g;  v = β2 v + (1 − β2) g²;  t += 1
 *          p -= lr · (m / (1 − β1^t)) / (sqrt(v / (1 − β2^t)) + ε)
 * ------------------------------------------------------------------------------------- */
typedef enum activ_nn_optim_kind { ACTIV_NN_SGD = 0, ACTIV_NN_ADAM = 1 } activ_nn_optim_kind;

typedef struct activ_nn_optim {
    activ_nn_optim_kind kind;
    float lr;        /* learning rate */
    float momentum;  /* SGD μ (0.9 by default) */
    float beta1, beta2, eps; /* Adam: 0.9, 0.999, 1e-8 (PyTorch's defaults) */
    long t;          /* steps taken */
    size_t n;        /* parameters */
    float *m, *v;    /* (n) moments (SGD uses m as its velocity); one allocation */
} activ_nn_optim;

/* Sets the defaults above and allocates zeroed state for n parameters.
 * Returns ACTIV_OK, ACTIV_ERR_NULL, ACTIV_ERR_PARAM (lr not finite or <= 0, unknown kind),
 * ACTIV_ERR_SIZE (2 * n floats overflow), ACTIV_ERR_NOMEM. */
ACTIV_API activ_status activ_nn_optim_init(activ_nn_optim *o, activ_nn_optim_kind kind, size_t n,
                                           float lr);
/* One update of params (n) from grads (n). Returns ACTIV_OK or ACTIV_ERR_NULL. */
ACTIV_API activ_status activ_nn_optim_step(activ_nn_optim *o, float *params, const float *grads);
ACTIV_API void activ_nn_optim_free(activ_nn_optim *o);

/* ---------------------------------------------------------------------------------------
 * IDX files (MNIST format), gzip'ed (zlib) or plain
 * ------------------------------------------------------------------------------------- */
typedef struct activ_nn_idx {
    int ndim;          /* 1 for labels, 3 for images */
    uint32_t dims[4];  /* big-endian in the file */
    size_t n;          /* product of dims: bytes of data */
    uint8_t *data;     /* (n) unsigned bytes (type code 0x08, the only one accepted) */
} activ_nn_idx;

/* The most data bytes the IDX reader holds (4 GiB; Fashion-MNIST's training images are
 * 47 MB). A plain file's size must equal what its header declares before anything is
 * allocated; gzip'ed data is inflated into a buffer that grows as the data arrives (never
 * beyond the declaration or this cap), so a header alone never sizes an allocation. */
#define ACTIV_NN_IDX_MAX_BYTES ((uint64_t)1 << 32)

/* Reads a whole IDX file of unsigned bytes, plain or gzip'ed (one or more gzip members).
 * Errors: ACTIV_ERR_IO (missing / unreadable / a directory), ACTIV_ERR_FORMAT (bad magic,
 * not ubyte, too many dims, more than ACTIV_NN_IDX_MAX_BYTES, truncated data, trailing bytes
 * in the file or after the gzip data, corrupt gzip), ACTIV_ERR_NOMEM. The reason (with the
 * path) goes to err. */
ACTIV_API activ_status activ_nn_idx_read(const char *path, activ_nn_idx *out, char *err,
                                         size_t errlen);
ACTIV_API void activ_nn_idx_free(activ_nn_idx *a);

/* A labelled data set: x (n, dim) in [0, 1] (bytes / 255), labels (n). */
typedef struct activ_nn_dataset {
    int n, dim, classes;
    float *x;
    uint8_t *labels;
} activ_nn_dataset;

/* Loads an images file (n, rows, cols) and a labels file (n) into d. Errors as
 * activ_nn_idx_read, plus ACTIV_ERR_FORMAT when the counts differ, there are 0 images, or
 * the images are not 3-D or the labels not 1-D. classes = max label + 1. */
ACTIV_API activ_status activ_nn_dataset_load(const char *images, const char *labels,
                                             activ_nn_dataset *d, char *err, size_t errlen);
/* Loads DIR/train-images-idx3-ubyte(.gz), train-labels-idx1-ubyte, t10k-images-idx3-ubyte,
 * t10k-labels-idx1-ubyte (each as .gz if present, else plain). */
ACTIV_API activ_status activ_nn_mnist_load(const char *dir, activ_nn_dataset *train,
                                           activ_nn_dataset *test, char *err, size_t errlen);
ACTIV_API void activ_nn_dataset_free(activ_nn_dataset *d);

/* ---------------------------------------------------------------------------------------
 * Training: one epoch of shuffled mini-batches with softmax cross-entropy, and evaluation
 * ------------------------------------------------------------------------------------- */

/* Diagnostics of one layer over one epoch. "Active" means z > 0 (for sigmoid: y > 1/2). */
typedef struct activ_nn_layer_stats {
    double dead_fraction;  /* units never active on any training sample of the epoch */
    double sparsity;       /* fraction of (sample, unit) pairs not active */
    double mean_act;       /* mean of y over samples and units (zero-centering) */
    double grad_norm;      /* mean over the epoch's steps of ||dW||_2 (Frobenius) */
} activ_nn_layer_stats;

typedef struct activ_nn_epoch_stats {
    double loss;            /* mean training loss over the epoch */
    double train_accuracy;  /* accumulated from the training forward passes */
    double seconds;         /* wall time of the training pass */
    double samples_per_s;
    int nlayers;
    activ_nn_layer_stats layer[ACTIV_NN_MAX_LAYERS];
} activ_nn_epoch_stats;

/* Called after each batch with the samples done so far and the total. */
typedef void (*activ_nn_progress_fn)(void *ctx, size_t done, size_t total, double loss);

/* One epoch over d: shuffle with rng, batches of `batch` rows (the last may be smaller),
 * forward, softmax cross-entropy, backward, optimizer step. Reserves the model for batch.
 * st (may be NULL) receives the epoch's numbers; diagnostics cost one extra pass over each
 * layer's output and are computed only when st != NULL. progress may be NULL.
 * Returns ACTIV_OK or the first error. */
ACTIV_API activ_status activ_nn_train_epoch(activ_nn_model *m, activ_nn_optim *o,
                                            const activ_nn_dataset *d, int batch,
                                            activ_nn_rng *rng, activ_nn_epoch_stats *st,
                                            activ_nn_progress_fn progress, void *ctx);
/* Mean loss and accuracy of the model on d, in batches of `batch` rows (no shuffling).
 * loss / accuracy may be NULL. */
ACTIV_API activ_status activ_nn_evaluate(activ_nn_model *m, const activ_nn_dataset *d, int batch,
                                         double *loss, double *accuracy);

/* Threads for libactiv_nn: libactiv's pool (activ_set_num_threads) runs every layer, its
 * GEMMs included: each GEMM is cut into blocks fixed by its shape, and each block is one
 * single-threaded OpenBLAS call. So libactiv_nn sets OpenBLAS to one thread (here, and on
 * its first GEMM), and its results do not depend on the thread count. n >= 1. */
ACTIV_API activ_status activ_nn_set_num_threads(int n);

/* =======================================================================================
 * Convolutional networks: Conv2D, MaxPool2D / AvgPool2D, BatchNorm, Dropout, Flatten, and
 * a layered network (activ_nn_net) built from a short spec string.
 *
 * Layout: NCHW. A batch of images is (B, C, H, W), row-major, one sample after another;
 * flat features are (B, F), which is the same memory as (B, F, 1, 1). Flatten is free.
 * ======================================================================================= */

/* ---------------------------------------------------------------------------------------
 * Conv2D: y = f(conv(x, W) + b), square kernel k, stride s, zero padding p.
 *   oh = (ih + 2p − k) / s + 1,  ow = (iw + 2p − k) / s + 1
 *   z[n, o, i, j] = b[o] + Σ_{c, u, v} W[o, c, u, v] · x[n, c, i·s + u − p, j·s + v − p]
 * As a GEMM: im2col builds col (c·k·k, B·oh·ow) once per batch; Z′ (oc, B·oh·ow) = W · col;
 * a pass per output row then adds b and writes NCHW order, and f runs over the output. All
 * of it runs on libactiv's pool (activ_nn_set_num_threads).
 * Backward, given dY (B, oc, oh, ow):
 *   dZ = dY ⊙ f′ (libactiv, once)   dW = dZ′ · colᵀ (oc, c·k·k)   db[o] = Σ dZ[·, o, ·, ·]
 *   dcol = Wᵀ · dZ′,  dX = col2im(dcol) (summed where windows overlap)
 * ------------------------------------------------------------------------------------- */
typedef enum activ_nn_conv_algo {
    ACTIV_NN_CONV_AUTO = 0,       /* PER_SAMPLE when c·k·k < 32, else BATCHED (bench/conv_algo.sh:
                                     batched wins on 32x13x13 -> 64 (K = 288), per-sample on the
                                     1-channel first layer (K = 9)) */
    ACTIV_NN_CONV_BATCHED = 1,    /* im2col and sgemm over the whole batch's columns, in tasks
                                     of a few samples; dW one sgemm over all */
    ACTIV_NN_CONV_PER_SAMPLE = 2  /* one task per sample: im2col, then plain loop products
                                     (no BLAS: meant for a small c·k·k) */
} activ_nn_conv_algo;

typedef struct activ_nn_conv2d {
    int c, ih, iw;        /* input (B, c, ih, iw) */
    int oc, k, stride, pad;
    int oh, ow;           /* output (B, oc, oh, ow); set by activ_nn_conv2d_shape */
    int act;              /* activ_kind or ACTIV_NN_LINEAR (fused as in Dense) */
    float alpha;          /* leaky_relu slope / elu alpha */
    int has_bias;
    activ_nn_conv_algo algo;
    float *w;             /* (oc, c, k, k)  PyTorch's Conv2d weight layout */
    float *b;             /* (oc) or NULL without bias */
    float *slopes;        /* (oc) prelu, one slope per output channel */
    float *beta;          /* (1)  swish β */
    float *dw, *db, *dslopes, *dbeta;
    float *col;           /* (c·k·k, max_batch·oh·ow) workspace kept from forward to backward */
    float *zt;            /* (oc, max_batch·oh·ow) GEMM output / dZ′ workspace */
} activ_nn_conv2d;

/* Fills oh and ow from c, ih, iw, k, stride, pad. Returns ACTIV_OK, ACTIV_ERR_NULL or
 * ACTIV_ERR_SHAPE (k, stride < 1, pad < 0, or the kernel does not fit the padded input). */
ACTIV_API activ_status activ_nn_conv2d_shape(activ_nn_conv2d *L);
/* Forward. x (B, c, h, w); z (B, oc, oh, ow) is needed (non-NULL, distinct from y) for prelu,
 * swish and other kinds without a from-output backward, else ignored; y (B, oc, oh, ow).
 * L->col and L->zt must hold B·oh·ow columns. Returns ACTIV_OK, ACTIV_ERR_NULL,
 * ACTIV_ERR_SHAPE or a libactiv error. */
ACTIV_API activ_status activ_nn_conv2d_forward(const activ_nn_conv2d *L, const float *x, float *z,
                                               float *y, int B);
/* Backward after a forward on the same x and B (L->col still holds its im2col). dy
 * (B, oc, oh, ow) is OVERWRITTEN with dZ. Writes L->dw, L->db, L->dslopes, L->dbeta
 * (overwrites) and dx (B, c, h, w) unless dx is NULL. dx must not alias dy.
 * Returns as forward. */
ACTIV_API activ_status activ_nn_conv2d_backward(const activ_nn_conv2d *L, const float *z,
                                                const float *y, float *dy, float *dx, int B);

/* ---------------------------------------------------------------------------------------
 * Pooling over k×k windows with stride s (no padding): oh = (h − k) / s + 1.
 *   max:  y = max over the window; the gradient goes to the first maximum (argmax kept)
 *   avg:  y = mean over the window; the gradient is spread as dy / k²
 * ------------------------------------------------------------------------------------- */
typedef struct activ_nn_pool2d {
    int is_max;           /* 1 MaxPool2D, 0 AvgPool2D */
    int c, h, w, k, stride;
    int oh, ow;           /* output (B, c, oh, ow) */
} activ_nn_pool2d;

/* Fills oh, ow. Returns ACTIV_OK, ACTIV_ERR_NULL or ACTIV_ERR_SHAPE. */
ACTIV_API activ_status activ_nn_pool2d_shape(activ_nn_pool2d *L);
/* x (B, c, h, w), y (B, c, oh, ow); argmax (B, c, oh, ow) receives each maximum's offset
 * inside its (h, w) plane (max pooling only; may be NULL for avg or inference). */
ACTIV_API activ_status activ_nn_pool2d_forward(const activ_nn_pool2d *L, const float *x, float *y,
                                               int32_t *argmax, int B);
/* dy (B, c, oh, ow) into dx (B, c, h, w) (overwritten). Max pooling needs the forward argmax. */
ACTIV_API activ_status activ_nn_pool2d_backward(const activ_nn_pool2d *L, const int32_t *argmax,
                                                const float *dy, float *dx, int B);

/* ---------------------------------------------------------------------------------------
 * BatchNorm over channels: x is (B, c, inner) with inner = h·w after a conv and inner = 1
 * after a Dense (features = channels). Statistics in double.
 *   training:   μ_c = mean over (B, inner),  σ²_c = biased variance over (B, inner)
 *               x̂ = (x − μ_c) / sqrt(σ²_c + ε),   y = f(γ_c x̂ + β_c)
 *               running_mean = (1 − m) running_mean + m μ_c
 *               running_var  = (1 − m) running_var  + m σ²_c · N/(N − 1)   (N = B·inner)
 *   evaluation: x̂ = (x − running_mean) / sqrt(running_var + ε)
 *   backward (training), with g = dZ ⊙ γ (dZ = dY ⊙ f′):
 *               dx = (1/sqrt(σ²+ε)) · (g − mean(g) − x̂ · mean(g ⊙ x̂))
 *               dγ = Σ dZ ⊙ x̂,   dβ = Σ dZ
 * m = 0.1, ε = 1e-5 (PyTorch's defaults). A fused swish uses a fixed β = 1; prelu cannot be fused. γ, β are trainable; the running statistics are
 * not (they live in activ_nn_net.buffers).
 * ------------------------------------------------------------------------------------- */
typedef struct activ_nn_batchnorm {
    int c, inner;
    float momentum, eps;
    int act;              /* fused activation after the affine step, or ACTIV_NN_LINEAR */
    float alpha;
    float *gamma, *beta, *dgamma, *dbeta;   /* (c) trainable */
    float *run_mean, *run_var;              /* (c) non-trainable */
    float *mean, *invstd;                   /* (c) the last training batch's, for backward */
} activ_nn_batchnorm;

/* x (B, c, inner); z (B, c, inner) is the affine output γx̂ + β, needed (non-NULL, distinct from
 * y) when the kind has no from-output backward; y (B, c, inner). training != 0 uses and
 * updates batch statistics (B·inner must be >= 2); 0 uses the running ones.
 * Returns ACTIV_OK, ACTIV_ERR_NULL, ACTIV_ERR_SHAPE, ACTIV_ERR_NOMEM (rows of 64 or more
 * take a scratch of about 2·B·c doubles per call, forward and backward) or a libactiv error. */
ACTIV_API activ_status activ_nn_batchnorm_forward(const activ_nn_batchnorm *L, const float *x,
                                                  float *z, float *y, int B, int training);
/* Backward of a training-mode forward. dy is OVERWRITTEN with dZ; writes dgamma, dbeta and
 * dx (B, c, inner), which must not alias dy. */
ACTIV_API activ_status activ_nn_batchnorm_backward(const activ_nn_batchnorm *L, const float *x,
                                                   const float *z, const float *y, float *dy,
                                                   float *dx, int B);

/* ---------------------------------------------------------------------------------------
 * Dropout (inverted): training: y = x · mask / (1 − p) with mask ~ Bernoulli(1 − p);
 * evaluation: y = x. A call takes one draw from rng as a key; output ⌊i/2⌋ + 1 of SplitMix64
 * started at state key gives element i 32 bits (even i the high half, odd i the low half),
 * and i is kept when they are >= p·2^32. So the mask is a function of the seed, the call's
 * place in the stream and i alone: the same
 * whatever the thread count, while chunks of it are drawn in parallel on libactiv's pool.
 * dx = dy · mask / (1 − p).
 * ------------------------------------------------------------------------------------- */
/* n elements; mask (n) receives 0 or 1/(1−p). p in [0, 1). Returns ACTIV_OK, ACTIV_ERR_NULL,
 * ACTIV_ERR_PARAM (p out of range). */
ACTIV_API activ_status activ_nn_dropout_forward(float p, activ_nn_rng *rng, const float *x,
                                                float *mask, float *y, size_t n, int training);
ACTIV_API activ_status activ_nn_dropout_backward(const float *mask, const float *dy, float *dx,
                                                 size_t n);

/* ---------------------------------------------------------------------------------------
 * Layered network. Each layer maps (B, c, h, w) to (B, oc, oh, ow); flat shapes have
 * h = w = 1 and rank 1. Parameters, gradients, non-trainable buffers and activations are
 * one allocation each.
 * ------------------------------------------------------------------------------------- */
typedef enum activ_nn_layer_type {
    ACTIV_NN_DENSE = 0, ACTIV_NN_CONV2D, ACTIV_NN_MAXPOOL2D, ACTIV_NN_AVGPOOL2D,
    ACTIV_NN_BATCHNORM, ACTIV_NN_DROPOUT, ACTIV_NN_FLATTEN
} activ_nn_layer_type;

typedef struct activ_nn_layer {
    activ_nn_layer_type type;
    int c, h, w, rank;        /* input shape, rank 3 (c, h, w) or 1 (c) */
    int oc, oh, ow, orank;    /* output shape */
    activ_nn_dense dense;
    activ_nn_conv2d conv;
    activ_nn_pool2d pool;
    activ_nn_batchnorm bn;
    float drop_p;             /* dropout rate */
    float *z;                 /* (max_batch, out) pre-activation when the backward needs it */
    float *y;                 /* (max_batch, out) output (Flatten: the input's buffer) */
    float *mask;              /* dropout (max_batch, out) */
    int32_t *argmax;          /* max pooling (max_batch, out) */
    size_t nparams, nbuffers; /* trainable, non-trainable */
} activ_nn_layer;

typedef struct activ_nn_net {
    int c, h, w;              /* input (B, c, h, w) */
    int nlayers;
    activ_nn_layer layers[ACTIV_NN_MAX_LAYERS];
    float *params, *grads;    /* (nparams) trainable, same layout */
    size_t nparams;
    float *buffers;           /* (nbuffers) non-trainable: BatchNorm running mean and var */
    size_t nbuffers;
    float *acts;              /* every layer's z, y, mask, argmax, plus workspaces */
    float *dbuf[2];           /* (max_batch, widest) ping-pong gradient buffers */
    int max_batch;
    int built, training;      /* training: 1 after build; activ_nn_net_set_training */
    activ_nn_rng rng;         /* dropout masks; seeded by build from its seed */
} activ_nn_net;

/* Starts an empty network whose samples are (c, h, w). Returns ACTIV_OK, ACTIV_ERR_NULL,
 * ACTIV_ERR_SHAPE. */
ACTIV_API activ_status activ_nn_net_init(activ_nn_net *n, int c, int h, int w);
/* Appends layers; each takes the previous output shape as its input.
 * Conv2D: oc filters of k×k, stride, pad, bias (0/1), activation act.
 * Pool: k×k windows, stride (0 means k). BatchNorm: fused activation act.
 * Dense: units with act; needs a flat input (add Flatten). Dropout: rate p in [0, 1).
 * Each returns ACTIV_OK, ACTIV_ERR_NULL, ACTIV_ERR_SHAPE (does not fit, too many layers,
 * already built), ACTIV_ERR_KIND or ACTIV_ERR_PARAM. */
ACTIV_API activ_status activ_nn_net_add_conv2d(activ_nn_net *n, int oc, int k, int stride, int pad,
                                               int bias, int act);
ACTIV_API activ_status activ_nn_net_add_pool2d(activ_nn_net *n, int is_max, int k, int stride);
ACTIV_API activ_status activ_nn_net_add_batchnorm(activ_nn_net *n, int act);
ACTIV_API activ_status activ_nn_net_add_dense(activ_nn_net *n, int units, int act);
ACTIV_API activ_status activ_nn_net_add_dropout(activ_nn_net *n, float p);
ACTIV_API activ_status activ_nn_net_add_flatten(activ_nn_net *n);
/* Sets the activation of the last layer (conv, dense or batchnorm, still linear).
 * Returns ACTIV_OK, ACTIV_ERR_SHAPE (no such layer or it already has one), ACTIV_ERR_KIND. */
ACTIV_API activ_status activ_nn_net_set_last_act(activ_nn_net *n, int act);

/* Parses a layer spec into n (already activ_nn_net_init'ed, not built). Grammar
 * (docs/activ.1): layers separated by '-' or ',', each one of
 *   convNkK[sS][pP][nobias]   Conv2D, N filters of K×K, stride S (1), padding P (0)
 *   denseN                    Dense with N units (needs a flat input)
 *   bn                        BatchNorm (over channels, or features after a Dense)
 *   poolK[sS] maxpoolK[sS]    MaxPool2D, K×K windows, stride S (K)
 *   avgpoolK[sS]              AvgPool2D
 *   dropoutP                  Dropout with rate P in [0, 1)
 *   flatten                   (B, c, h, w) -> (B, c·h·w)
 *   NAME                      an activation (relu, leaky_relu, prelu, elu, swish, sigmoid,
 *                             tanh, any name activ_kind_from_name knows, or linear): fused
 *                             into the conv, dense or bn right before it
 * On error n may hold the layers before the bad token; err gets a message naming the token
 * and its column, and a second line with the spec (a window of it around the token when it is
 * long; under 400 bytes in all) and a caret under the token. A conv whose output per sample
 * would not fit an int is a shape error.
 * Returns ACTIV_OK, ACTIV_ERR_NULL, ACTIV_ERR_PARAM (syntax), ACTIV_ERR_SHAPE, ACTIV_ERR_KIND. */
ACTIV_API activ_status activ_nn_net_parse(activ_nn_net *n, const char *spec, char *err,
                                          size_t errlen);

/* Allocates and initialises params (He normal for relu-family kinds, Glorot uniform
 * otherwise, fan-in c·k·k / fan-out oc·k·k for conv; b = 0, γ = 1, β = 0, running mean 0,
 * var 1, prelu 0.25, swish β 1) and seeds the dropout rng. Returns ACTIV_OK,
 * ACTIV_ERR_SHAPE (no layers), ACTIV_ERR_NOMEM. */
ACTIV_API activ_status activ_nn_net_build(activ_nn_net *n, uint64_t seed);
/* Activation buffers and workspaces for batches up to max_batch (grows only). */
ACTIV_API activ_status activ_nn_net_reserve(activ_nn_net *n, int max_batch);
ACTIV_API void activ_nn_net_free(activ_nn_net *n);
/* Training (1: batch statistics, dropout on) or evaluation (0) mode. */
ACTIV_API void activ_nn_net_set_training(activ_nn_net *n, int training);
/* Number of outputs per sample of the last layer. */
ACTIV_API int activ_nn_net_output_dim(const activ_nn_net *n);
/* Input values per sample, c·h·w. */
ACTIV_API int activ_nn_net_input_dim(const activ_nn_net *n);

/* x (B, c, h, w), B <= max_batch; *out (may be NULL) gets the last layer's (B, output_dim). */
ACTIV_API activ_status activ_nn_net_forward(activ_nn_net *n, const float *x, int B, float **out);
/* Backward after a training-mode forward on the same x and B; dout (B, output_dim) is copied
 * unless it is n->dbuf[0]. Overwrites n->grads. */
ACTIV_API activ_status activ_nn_net_backward(activ_nn_net *n, const float *x, const float *dout,
                                             int B);

/* Keras-style table: layer (type), output shape, activation, parameter count; then total,
 * trainable and non-trainable counts (BatchNorm's running statistics are non-trainable). */
ACTIV_API activ_status activ_nn_net_summary(const activ_nn_net *n, FILE *f);

/* safetensors, as activ_nn_model_save / _load. Tensors per layer i (i = layer index):
 *   "conv_i.weight" [oc, c, k, k]  "conv_i.bias" [oc]  "conv_i.prelu_alpha" [oc]  "conv_i.swish_beta" [1]
 *   "bn_i.weight" [c] (γ)  "bn_i.bias" [c] (β)  "bn_i.running_mean" [c]  "bn_i.running_var" [c]
 *   "dense_i.weight" [in, out] ... as in activ_nn_model_save. */
ACTIV_API activ_status activ_nn_net_save(const activ_nn_net *n, const char *path);
ACTIV_API activ_status activ_nn_net_load(activ_nn_net *n, const char *path, char *err,
                                         size_t errlen);

/* Per-layer numbers of one epoch for the layers with an activation (others are zero).
 * Units are channels for conv / bn layers: a channel is dead when its activation was never
 * > 0 (sigmoid: > 1/2) at any position of any training sample of the epoch. */
typedef struct activ_nn_net_epoch_stats {
    double loss, train_accuracy, seconds, samples_per_s;
    int nlayers;
    activ_nn_layer_stats layer[ACTIV_NN_MAX_LAYERS];
} activ_nn_net_epoch_stats;

/* One epoch as activ_nn_train_epoch, in training mode. d->dim must equal c·h·w. */
ACTIV_API activ_status activ_nn_net_train_epoch(activ_nn_net *n, activ_nn_optim *o,
                                                const activ_nn_dataset *d, int batch,
                                                activ_nn_rng *rng, activ_nn_net_epoch_stats *st,
                                                activ_nn_progress_fn progress, void *ctx);
/* Mean loss and accuracy on d in evaluation mode (restores the previous mode). */
ACTIV_API activ_status activ_nn_net_evaluate(activ_nn_net *n, const activ_nn_dataset *d, int batch,
                                             double *loss, double *accuracy);

#ifdef __cplusplus
}
#endif

#endif /* ACTIV_NN_H */
