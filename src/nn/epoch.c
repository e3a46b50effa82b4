/* epoch.c - what the MLP's epoch (train.c) and the layer-spec network's (net_train.c) share:
 * the buffers and shuffled order, the gather of a batch, the per-layer numbers, and
 * evaluation in batches. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nn_internal.h"

activ_status nn_epoch_alloc(nn_epoch_bufs *b, activ_nn_rng *rng, const activ_nn_dataset *d, int batch,
                            size_t units, int layers)
{
    memset(b, 0, sizeof *b);
    if ((size_t)batch > SIZE_MAX / sizeof(float) / (size_t)d->dim) /* xb: batch * dim floats */
        return ACTIV_ERR_SIZE;
    b->idx = malloc((size_t)d->n * sizeof *b->idx);
    b->xb = malloc((size_t)batch * (size_t)d->dim * sizeof(float));
    b->yb = malloc((size_t)batch);
    b->ever = calloc(units ? units : 1, 1);
    b->nact = calloc(3 * (size_t)layers, sizeof(double));
    if (!b->idx || !b->xb || !b->yb || !b->ever || !b->nact) {
        nn_epoch_free(b);
        return ACTIV_ERR_NOMEM;
    }
    b->asum = b->nact + layers;
    b->gn = b->nact + 2 * (size_t)layers;
    for (int i = 0; i < d->n; i++)
        b->idx[i] = i;
    activ_nn_rng_shuffle(rng, b->idx, (size_t)d->n);
    return ACTIV_OK;
}

void nn_epoch_free(nn_epoch_bufs *b)
{
    free(b->idx);
    free(b->xb);
    free(b->yb);
    free(b->ever);
    free(b->nact);
    memset(b, 0, sizeof *b);
}

activ_nn_layer_stats nn_layer_stats(const nn_epoch_bufs *b, int l, size_t u, int units, size_t inner, long seen,
                                    long steps)
{
    activ_nn_layer_stats ls = {0};
    long dead = 0;
    for (int j = 0; j < units; j++)
        dead += !b->ever[u + (size_t)j];
    const double cells = (double)seen * units * inner;
    ls.dead_fraction = (double)dead / units;
    ls.sparsity = cells > 0 ? 1.0 - b->nact[l] / cells : 0;
    ls.mean_act = cells > 0 ? b->asum[l] / cells : 0;
    ls.grad_norm = steps ? b->gn[l] / steps : 0;
    return ls;
}

void nn_gather_batch(const activ_nn_dataset *d, const int *idx, int start, int B, float *xb, uint8_t *yb)
{
    const size_t dim = (size_t)d->dim;
    for (int r = 0; r < B; r++) {
        memcpy(xb + (size_t)r * dim, d->x + (size_t)idx[start + r] * dim, dim * sizeof(float));
        yb[r] = d->labels[idx[start + r]];
    }
}

activ_status nn_evaluate(nn_forward_fn forward, void *net, int classes, const activ_nn_dataset *d, int batch,
                         double *loss, double *accuracy)
{
    double lsum = 0;
    long correct = 0;
    for (int start = 0; start < d->n; start += batch) {
        const int B = d->n - start < batch ? d->n - start : batch;
        float *logits;
        double l;
        int ok;
        /* rows of the data set are contiguous: no gather needed */
        activ_status s = forward(net, d->x + (size_t)start * d->dim, B, &logits);
        if (s == ACTIV_OK)
            s = activ_nn_softmax_xent(logits, d->labels + start, B, classes, NULL, &l, &ok);
        if (s != ACTIV_OK)
            return s;
        lsum += l * B;
        correct += ok;
    }
    if (loss)
        *loss = lsum / d->n;
    if (accuracy)
        *accuracy = (double)correct / d->n;
    return ACTIV_OK;
}
