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
    openblas_set_num_threads(1); /* the GEMMs are split over libactiv's pool (gemm.c) */
    return activ_set_num_threads(n);
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
    const int L = m->nlayers, C = activ_nn_model_output_dim(m);
    size_t units = 0;
    for (int l = 0; l < L; l++)
        units += (size_t)m->layers[l].out;
    /* setup: everything the batch loop needs, allocated once per epoch */
    nn_epoch_bufs b;
    if ((s = nn_epoch_alloc(&b, rng, d, batch, units, L)) != ACTIV_OK)
        return s;
    float *xb = b.xb;
    double t0 = activ_now_s(), loss_sum = 0;
    long correct = 0, steps = 0;
    for (int start = 0; start < d->n; start += batch) {
        const int B = d->n - start < batch ? d->n - start : batch;
        nn_gather_batch(d, b.idx, start, B, xb, b.yb);
        float *logits;
        if ((s = activ_nn_model_forward(m, xb, B, &logits)) != ACTIV_OK)
            goto done;
        double loss;
        int ok;
        /* loss, its gradient (straight into the backward buffer) and accuracy in one pass */
        if ((s = activ_nn_softmax_xent(logits, b.yb, B, C, m->dbuf[0], &loss, &ok)) != ACTIV_OK)
            goto done;
        if (st) {
            size_t u = 0;
            for (int l = 0; l < L; l++) {
                layer_activity(&m->layers[l], B, b.ever + u, &b.nact[l], &b.asum[l]);
                u += (size_t)m->layers[l].out;
            }
        }
        if ((s = activ_nn_model_backward(m, xb, m->dbuf[0], B)) != ACTIV_OK)
            goto done;
        if (st)
            for (int l = 0; l < L; l++) {
                const activ_nn_dense *D = &m->layers[l];
                b.gn[l] += sqrt((double)nn_dot(D->dw, D->dw, (size_t)D->in * D->out));
            }
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
            st->layer[l] = nn_layer_stats(&b, l, u, m->layers[l].out, 1, d->n, steps);
            u += (size_t)m->layers[l].out;
        }
    }
    s = ACTIV_OK;
done:
    nn_epoch_free(&b);
    return s;
}

static activ_status model_forward(void *m, const float *x, int B, float **logits)
{
    return activ_nn_model_forward(m, x, B, logits);
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
    return nn_evaluate(model_forward, m, activ_nn_model_output_dim(m), d, batch, loss, accuracy);
}
