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

/* A layer's activation: an activ_kind (0 .. ACTIV_KIND_COUNT-1) or ACTIV_NN_LINEAR. */
#define ACTIV_NN_LINEAR (-1) /* f(z) = z: the output layer before softmax / MSE */
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
    int act;        /* activ_kind or ACTIV_NN_LINEAR */
    float alpha;    /* leaky_relu slope (0.01) / elu alpha (1); set before build */
    /* parameters: pointers into activ_nn_model.params (NULL when the kind has none) */
    float *w;       /* (in, out) row-major */
    float *b;       /* (out) */
    float *slopes;  /* (out)  prelu α, initialised to 0.25 (PyTorch's default) */
    float *beta;    /* (1)    swish β, initialised to 1 */
    /* gradients: the same offsets into activ_nn_model.grads */
    float *dw, *db, *dslopes, *dbeta;
    size_t nparams; /* in*out + out (+ out for prelu, + 1 for swish) */
    /* activations for the reserved batch: pointers into activ_nn_model.acts */
    float *z;       /* (max_batch, out) pre-activation; only for prelu and swish, else NULL */
    float *y;       /* (max_batch, out) output */
} activ_nn_dense;

/* Forward: y = f(x·W + b) for B rows. z must be non-NULL (and distinct from y) when the
 * kind is prelu or swish (its backward needs z); otherwise it is ignored and the GEMM
 * writes straight into y.  x is (B, in), z and y are (B, out).
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

/* Threads for both libactiv (activ_set_num_threads) and OpenBLAS. n >= 1. */
ACTIV_API activ_status activ_nn_set_num_threads(int n);

#ifdef __cplusplus
}
#endif

#endif /* ACTIV_NN_H */
