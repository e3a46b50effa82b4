/* train.c - one epoch of shuffled mini-batches (softmax cross-entropy), evaluation, threads. */
#include <cblas.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "nn_internal.h"

activ_status activ_nn_set_num_threads(int n)
{
    if (n < 1)
        return ACTIV_ERR_PARAM;
    openblas_set_num_threads(n);
    return activ_set_num_threads(n);
}

/* sum of squares with 8 independent float lanes (vectorizes), combined in double */
__attribute__((optimize("tree-vectorize")))
static double sumsq(const float *restrict x, size_t n)
{
    float acc[8] = {0};
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; k++)
            acc[k] += x[i + k] * x[i + k];
    double s = 0;
    for (int k = 0; k < 8; k++)
        s += acc[k];
    for (; i < n; i++)
        s += (double)x[i] * x[i];
    return s;
}

/* Active: z > 0 (sigmoid: y > 1/2; for kinds without stored z, y > 0 iff z > 0). */
static void layer_activity(const activ_nn_dense *L, int B, uint8_t *ever, double *nactive, double *sum)
{
    const int out = L->out;
    const float *src = L->z && L->act >= 0 ? L->z : L->y; /* gated: z is 2*out wide, use y */
    const float thr = (!L->z && L->act == ACTIV_SIGMOID) ? 0.5f : 0.0f;
    long cnt = 0;
    double s = 0;
    for (int r = 0; r < B; r++) {
        const float *a = src + (size_t)r * out, *y = L->y + (size_t)r * out;
        float rs = 0;
        for (int j = 0; j < out; j++) {
            int on = a[j] > thr;
            ever[j] |= (uint8_t)on;
            cnt += on;
            rs += y[j];
        }
        s += rs;
    }
    *nactive += (double)cnt;
    *sum += s;
}

activ_status activ_nn_train_epoch(activ_nn_model *m, activ_nn_optim *o, const activ_nn_dataset *d,
                                  int batch, activ_nn_rng *rng, activ_nn_epoch_stats *st,
                                  activ_nn_progress_fn progress, void *ctx)
{
    if (!m || !o || !d || !rng)
        return ACTIV_ERR_NULL;
    if (!m->built || batch < 1 || d->n < 1 || d->dim != m->input_dim || o->n != m->nparams ||
        d->classes > activ_nn_model_output_dim(m))
        return ACTIV_ERR_SHAPE;
    activ_status s = activ_nn_model_reserve(m, batch);
    if (s != ACTIV_OK)
        return s;
    const int L = m->nlayers, C = activ_nn_model_output_dim(m), dim = d->dim;
    size_t units = 0;
    for (int l = 0; l < L; l++)
        units += (size_t)m->layers[l].out;
    if ((size_t)batch > SIZE_MAX / sizeof(float) / (size_t)dim) /* xb below: batch * dim floats */
        return ACTIV_ERR_SIZE;
    /* setup: everything the batch loop needs, allocated once per epoch */
    int *idx = malloc((size_t)d->n * sizeof(int));
    float *xb = malloc((size_t)batch * dim * sizeof(float));
    uint8_t *yb = malloc((size_t)batch);
    uint8_t *ever = calloc(units, 1);
    double *nact = calloc(2 * (size_t)L, sizeof(double)), *asum = nact + L;
    double *gn = calloc((size_t)L, sizeof(double));
    if (!idx || !xb || !yb || !ever || !nact || !gn) {
        s = ACTIV_ERR_NOMEM;
        goto done;
    }
    for (int i = 0; i < d->n; i++)
        idx[i] = i;
    activ_nn_rng_shuffle(rng, idx, (size_t)d->n);

    double t0 = activ_now_s(), loss_sum = 0;
    long correct = 0, steps = 0;
    for (int start = 0; start < d->n; start += batch) {
        const int B = d->n - start < batch ? d->n - start : batch;
        for (int r = 0; r < B; r++) {
            memcpy(xb + (size_t)r * dim, d->x + (size_t)idx[start + r] * dim, (size_t)dim * sizeof(float));
            yb[r] = d->labels[idx[start + r]];
        }
        float *logits;
        if ((s = activ_nn_model_forward(m, xb, B, &logits)) != ACTIV_OK)
            goto done;
        double loss;
        int ok;
        /* loss, its gradient (straight into the backward buffer) and accuracy in one pass */
        if ((s = activ_nn_softmax_xent(logits, yb, B, C, m->dbuf[0], &loss, &ok)) != ACTIV_OK)
            goto done;
        if (st) {
            size_t u = 0;
            for (int l = 0; l < L; l++) {
                layer_activity(&m->layers[l], B, ever + u, &nact[l], &asum[l]);
                u += (size_t)m->layers[l].out;
            }
        }
        if ((s = activ_nn_model_backward(m, xb, m->dbuf[0], B)) != ACTIV_OK)
            goto done;
        if (st)
            for (int l = 0; l < L; l++)
                gn[l] += sqrt(sumsq(m->layers[l].dw, (size_t)m->layers[l].in * m->layers[l].out));
        if ((s = activ_nn_optim_step(o, m->params, m->grads)) != ACTIV_OK)
            goto done;
        loss_sum += loss * B;
        correct += ok;
        steps++;
        if (progress)
            progress(ctx, (size_t)(start + B), (size_t)d->n, loss);
    }
    double secs = activ_now_s() - t0;
    if (st) {
        memset(st, 0, sizeof *st);
        st->loss = loss_sum / d->n;
        st->train_accuracy = (double)correct / d->n;
        st->seconds = secs;
        st->samples_per_s = secs > 0 ? d->n / secs : 0;
        st->nlayers = L;
        size_t u = 0;
        for (int l = 0; l < L; l++) {
            const int out = m->layers[l].out;
            long dead = 0;
            for (int j = 0; j < out; j++)
                dead += !ever[u + j];
            u += (size_t)out;
            st->layer[l].dead_fraction = (double)dead / out;
            st->layer[l].sparsity = 1.0 - nact[l] / ((double)d->n * out);
            st->layer[l].mean_act = asum[l] / ((double)d->n * out);
            st->layer[l].grad_norm = steps ? gn[l] / steps : 0;
        }
    }
    s = ACTIV_OK;
done:
    free(idx);
    free(xb);
    free(yb);
    free(ever);
    free(nact);
    free(gn);
    return s;
}

activ_status activ_nn_evaluate(activ_nn_model *m, const activ_nn_dataset *d, int batch,
                               double *loss, double *accuracy)
{
    if (!m || !d)
        return ACTIV_ERR_NULL;
    if (!m->built || batch < 1 || d->n < 1 || d->dim != m->input_dim ||
        d->classes > activ_nn_model_output_dim(m))
        return ACTIV_ERR_SHAPE;
    activ_status s = activ_nn_model_reserve(m, batch);
    if (s != ACTIV_OK)
        return s;
    const int C = activ_nn_model_output_dim(m);
    double lsum = 0;
    long correct = 0;
    for (int start = 0; start < d->n; start += batch) {
        const int B = d->n - start < batch ? d->n - start : batch;
        float *logits;
        /* rows of the data set are contiguous: no gather needed */
        if ((s = activ_nn_model_forward(m, d->x + (size_t)start * d->dim, B, &logits)) != ACTIV_OK)
            return s;
        double l;
        int ok;
        if ((s = activ_nn_softmax_xent(logits, d->labels + start, B, C, NULL, &l, &ok)) != ACTIV_OK)
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
