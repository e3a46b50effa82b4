/* net_train.c - epochs and evaluation for activ_nn_net (the loop of train.c, with per-channel
 * activity for conv and BatchNorm layers). */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "common/clock.h"
#include "nn_internal.h"

/* The activation, its alpha and the units (channels) and positions per unit of a layer with
 * an activation; 0 if it has none. */
static int act_layer(const activ_nn_layer *L, int *act, int *units, size_t *inner)
{
    int a = ACTIV_NN_LINEAR;
    if (L->type == ACTIV_NN_CONV2D)
        a = L->conv.act;
    else if (L->type == ACTIV_NN_DENSE)
        a = L->dense.act;
    else if (L->type == ACTIV_NN_BATCHNORM)
        a = L->bn.act;
    if (a == ACTIV_NN_LINEAR)
        return 0;
    *act = a;
    *units = L->oc;
    *inner = (size_t)L->oh * L->ow;
    return 1;
}

/* Active: z > 0 (sigmoid without a stored z: y > 1/2; the other kinds keep the sign). One
 * task per unit (channel) over the batch, on libactiv's pool; a unit's count and sum are
 * its own, combined in unit order afterwards. */
typedef struct act_job {
    const activ_nn_layer *L;
    const float *src;
    float thr;
    int units, B;
    size_t inner;
    uint8_t *ever;
    long *cnt;    /* (units) active cells */
    double *sum;  /* (units) sum of outputs */
} act_job;

/* active cells of a[0..n) (a > thr) and the sum of y[0..n), eight lanes */
NN_HOT static int row_activity(const float *restrict a, const float *restrict y, size_t n, float thr, float *rs)
{
    int c[8] = {0};
    float s[8] = {0};
    size_t i = 0;
    for (; i + 8 <= n; i += 8)
        for (int k = 0; k < 8; k++) {
            c[k] += a[i + k] > thr;
            s[k] += y[i + k];
        }
    int cnt = 0;
    float sum = 0;
    for (; i < n; i++) {
        cnt += a[i] > thr;
        sum += y[i];
    }
    for (int k = 0; k < 8; k++)
        cnt += c[k], sum += s[k];
    *rs = sum;
    return cnt;
}

static void activity_task(void *ctx, size_t u)
{
    const act_job *j = ctx;
    long cnt = 0;
    double s = 0;
    for (int b = 0; b < j->B; b++) {
        const size_t o = ((size_t)b * j->units + u) * j->inner;
        float rs;
        cnt += row_activity(j->src + o, j->L->y + o, j->inner, j->thr, &rs);
        s += rs;
    }
    j->ever[u] |= cnt > 0;
    j->cnt[u] = cnt;
    j->sum[u] = s;
}

static void activity(const activ_nn_layer *L, int act, int units, size_t inner, int B, uint8_t *ever,
                     long *ucnt, double *usum, double *nactive, double *sum)
{
    act_job j = {L, L->z ? L->z : L->y, (!L->z && act == ACTIV_SIGMOID) ? 0.5f : 0.0f, units, B, inner, ever,
                 ucnt, usum};
    (void)activ_parallel_for_each((size_t)units, activity_task, &j);
    long cnt = 0;
    double s = 0;
    for (int u = 0; u < units; u++)
        cnt += ucnt[u], s += usum[u];
    *nactive += (double)cnt;
    *sum += s;
}

activ_status activ_nn_net_train_epoch(activ_nn_net *n, activ_nn_optim *o, const activ_nn_dataset *d,
                                      int batch, activ_nn_rng *rng, activ_nn_net_epoch_stats *st,
                                      activ_nn_progress_fn progress, void *ctx)
{
    if (!n || !o || !d || !rng)
        return ACTIV_ERR_NULL;
    const int C = activ_nn_net_output_dim(n), dim = d->dim;
    if (!n->built || batch < 1 || d->n < 1 || dim != activ_nn_net_input_dim(n) ||
        o->n != n->nparams || d->classes > C)
        return ACTIV_ERR_SHAPE;
    activ_status s = activ_nn_net_reserve(n, batch);
    if (s != ACTIV_OK)
        return s;
    const int NL = n->nlayers;
    size_t units = 0;
    for (int l = 0; l < NL; l++)
        units += (size_t)n->layers[l].oc;
    nn_epoch_bufs b;
    if ((s = nn_epoch_alloc(&b, rng, d, batch, units, NL)) != ACTIV_OK)
        return s;
    int maxu = 1; /* the widest layer's per-unit counts and sums */
    for (int l = 0; l < NL; l++)
        maxu = n->layers[l].oc > maxu ? n->layers[l].oc : maxu;
    long *ucnt = malloc(sizeof(long) * (size_t)maxu);
    double *usum = malloc(sizeof(double) * (size_t)maxu);
    if (!ucnt || !usum) {
        free(ucnt), free(usum);
        nn_epoch_free(&b);
        return ACTIV_ERR_NOMEM;
    }
    float *xb = b.xb;
    const int was = n->training;
    n->training = 1;
    double t0 = activ_now_s(), loss_sum = 0;
    long correct = 0, steps = 0, seen = 0;
    for (int start = 0; start < d->n; start += batch) {
        int B = d->n - start < batch ? d->n - start : batch;
        if (B < 2 && d->n >= 2) /* a batch of one has no batch statistics: drop it */
            break;
        nn_gather_batch(d, b.idx, start, B, xb, b.yb);
        float *logits;
        double loss;
        int ok;
        if ((s = activ_nn_net_forward(n, xb, B, &logits)) != ACTIV_OK ||
            (s = activ_nn_softmax_xent(logits, b.yb, B, C, n->dbuf[0], &loss, &ok)) != ACTIV_OK)
            break;
        if (st) {
            size_t u = 0;
            for (int l = 0; l < NL; l++) {
                int act, nu;
                size_t inner;
                if (act_layer(&n->layers[l], &act, &nu, &inner))
                    activity(&n->layers[l], act, nu, inner, B, b.ever + u, ucnt, usum, &b.nact[l], &b.asum[l]);
                u += (size_t)n->layers[l].oc;
            }
        }
        if ((s = activ_nn_net_backward(n, xb, n->dbuf[0], B)) != ACTIV_OK)
            break;
        if (st)
            for (int l = 0; l < NL; l++) {
                const activ_nn_layer *L = &n->layers[l];
                const float *dw = L->type == ACTIV_NN_CONV2D ? L->conv.dw : L->type == ACTIV_NN_DENSE ? L->dense.dw : NULL;
                size_t nw = L->type == ACTIV_NN_CONV2D ? (size_t)L->conv.oc * L->conv.c * L->conv.k * L->conv.k
                                                       : (size_t)L->dense.in * L->dense.out;
                if (dw)
                    b.gn[l] += sqrt((double)nn_dot(dw, dw, nw));
            }
        if ((s = activ_nn_optim_step(o, n->params, n->grads)) != ACTIV_OK)
            break;
        loss_sum += loss * B;
        correct += ok;
        seen += B;
        steps++;
        if (progress)
            progress(ctx, (size_t)(start + B), (size_t)d->n, loss);
    }
    n->training = was;
    if (s != ACTIV_OK)
        goto done;
    double secs = activ_now_s() - t0;
    if (st) {
        memset(st, 0, sizeof *st);
        st->loss = seen ? loss_sum / seen : 0;
        st->train_accuracy = seen ? (double)correct / seen : 0;
        st->seconds = secs;
        st->samples_per_s = secs > 0 ? seen / secs : 0;
        st->nlayers = NL;
        size_t u = 0;
        for (int l = 0; l < NL; l++) {
            int act, nu;
            size_t inner;
            if (act_layer(&n->layers[l], &act, &nu, &inner))
                st->layer[l] = nn_layer_stats(&b, l, u, nu, inner, seen, steps);
            else
                st->layer[l].grad_norm = steps ? b.gn[l] / steps : 0;
            u += (size_t)n->layers[l].oc;
        }
    }
done:
    free(ucnt), free(usum);
    nn_epoch_free(&b);
    return s;
}

static activ_status net_forward(void *n, const float *x, int B, float **logits)
{
    return activ_nn_net_forward(n, x, B, logits);
}

activ_status activ_nn_net_evaluate(activ_nn_net *n, const activ_nn_dataset *d, int batch,
                                   double *loss, double *accuracy)
{
    if (!n || !d)
        return ACTIV_ERR_NULL;
    const int C = activ_nn_net_output_dim(n);
    if (!n->built || batch < 1 || d->n < 1 || d->dim != activ_nn_net_input_dim(n) || d->classes > C)
        return ACTIV_ERR_SHAPE;
    activ_status s = activ_nn_net_reserve(n, batch);
    if (s != ACTIV_OK)
        return s;
    const int was = n->training;
    n->training = 0;
    s = nn_evaluate(net_forward, n, C, d, batch, loss, accuracy);
    n->training = was;
    return s;
}
