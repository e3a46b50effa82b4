/* net.c - a layered network of Conv2D, pooling, BatchNorm, Dropout, Flatten and Dense:
 * one block of params, one of grads, one of non-trainable buffers, one of activations. */
#define _GNU_SOURCE /* posix_memalign, madvise */
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#if defined(__linux__)
#include <sys/mman.h>
#endif

#include "nn_internal.h"

activ_status activ_nn_net_init(activ_nn_net *n, int c, int h, int w)
{
    if (!n)
        return ACTIV_ERR_NULL;
    memset(n, 0, sizeof *n);
    if (c < 1 || h < 1 || w < 1 || (int64_t)c * h > INT_MAX / w) /* one sample's size fits an int */
        return ACTIV_ERR_SHAPE;
    n->c = c, n->h = h, n->w = w;
    n->training = 1;
    return ACTIV_OK;
}

/* A new layer whose input is the previous output; NULL if the net is full or built. */
static activ_nn_layer *push(activ_nn_net *n, activ_nn_layer_type type)
{
    if (!n || n->built || n->c < 1 || n->nlayers >= ACTIV_NN_MAX_LAYERS)
        return NULL;
    activ_nn_layer *L = &n->layers[n->nlayers];
    memset(L, 0, sizeof *L);
    L->type = type;
    if (n->nlayers) {
        const activ_nn_layer *P = &n->layers[n->nlayers - 1];
        L->c = P->oc, L->h = P->oh, L->w = P->ow, L->rank = P->orank;
    } else {
        L->c = n->c, L->h = n->h, L->w = n->w;
        L->rank = (n->h == 1 && n->w == 1) ? 1 : 3;
    }
    return L;
}

static size_t in_size(const activ_nn_layer *L) { return (size_t)L->c * L->h * L->w; }
static size_t out_size(const activ_nn_layer *L) { return (size_t)L->oc * L->oh * L->ow; }

static int kind_ok(int act)
{
    return act == ACTIV_NN_LINEAR || (act >= 0 && act < ACTIV_KIND_COUNT);
}

static float default_alpha(int act)
{
    return act >= 0 ? activ_default_params((activ_kind)act).alpha : 0.0f;
}

activ_status activ_nn_net_add_conv2d(activ_nn_net *n, int oc, int k, int stride, int pad, int bias,
                                     int act)
{
    if (!n)
        return ACTIV_ERR_NULL;
    if (!kind_ok(act))
        return ACTIV_ERR_KIND;
    activ_nn_layer *L = push(n, ACTIV_NN_CONV2D);
    if (!L || L->rank != 3)
        return ACTIV_ERR_SHAPE;
    activ_nn_conv2d *cv = &L->conv;
    cv->c = L->c, cv->ih = L->h, cv->iw = L->w;
    cv->oc = oc, cv->k = k, cv->stride = stride, cv->pad = pad, cv->has_bias = bias != 0;
    cv->act = act, cv->alpha = default_alpha(act);
    if (oc < 1 || activ_nn_conv2d_shape(cv) != ACTIV_OK)
        return ACTIV_ERR_SHAPE;
    L->oc = oc, L->oh = cv->oh, L->ow = cv->ow, L->orank = 3;
    n->nlayers++;
    return ACTIV_OK;
}

activ_status activ_nn_net_add_pool2d(activ_nn_net *n, int is_max, int k, int stride)
{
    if (!n)
        return ACTIV_ERR_NULL;
    activ_nn_layer *L = push(n, is_max ? ACTIV_NN_MAXPOOL2D : ACTIV_NN_AVGPOOL2D);
    if (!L || L->rank != 3)
        return ACTIV_ERR_SHAPE;
    activ_nn_pool2d *p = &L->pool;
    p->is_max = is_max != 0;
    p->c = L->c, p->h = L->h, p->w = L->w, p->k = k, p->stride = stride ? stride : k;
    if (stride < 0 || activ_nn_pool2d_shape(p) != ACTIV_OK)
        return ACTIV_ERR_SHAPE;
    L->oc = L->c, L->oh = p->oh, L->ow = p->ow, L->orank = 3;
    n->nlayers++;
    return ACTIV_OK;
}

activ_status activ_nn_net_add_batchnorm(activ_nn_net *n, int act)
{
    if (!n)
        return ACTIV_ERR_NULL;
    if (!kind_ok(act))
        return ACTIV_ERR_KIND;
    if (act == ACTIV_PRELU) /* no slot for learned slopes; swish runs with a fixed β = 1 */
        return ACTIV_ERR_PARAM;
    activ_nn_layer *L = push(n, ACTIV_NN_BATCHNORM);
    if (!L)
        return ACTIV_ERR_SHAPE;
    activ_nn_batchnorm *b = &L->bn;
    b->c = L->c, b->inner = L->h * L->w;
    b->momentum = 0.1f, b->eps = 1e-5f;
    b->act = act, b->alpha = default_alpha(act);
    L->oc = L->c, L->oh = L->h, L->ow = L->w, L->orank = L->rank;
    n->nlayers++;
    return ACTIV_OK;
}

activ_status activ_nn_net_add_dense(activ_nn_net *n, int units, int act)
{
    if (!n)
        return ACTIV_ERR_NULL;
    if (!kind_ok(act))
        return ACTIV_ERR_KIND;
    activ_nn_layer *L = push(n, ACTIV_NN_DENSE);
    if (!L || L->rank != 1 || units < 1)
        return ACTIV_ERR_SHAPE;
    activ_nn_dense *d = &L->dense;
    d->in = L->c, d->out = units, d->act = act, d->alpha = default_alpha(act);
    L->oc = units, L->oh = L->ow = 1, L->orank = 1;
    n->nlayers++;
    return ACTIV_OK;
}

activ_status activ_nn_net_add_dropout(activ_nn_net *n, float p)
{
    if (!n)
        return ACTIV_ERR_NULL;
    if (!(p >= 0.0f && p < 1.0f))
        return ACTIV_ERR_PARAM;
    activ_nn_layer *L = push(n, ACTIV_NN_DROPOUT);
    if (!L)
        return ACTIV_ERR_SHAPE;
    L->drop_p = p;
    L->oc = L->c, L->oh = L->h, L->ow = L->w, L->orank = L->rank;
    n->nlayers++;
    return ACTIV_OK;
}

activ_status activ_nn_net_add_flatten(activ_nn_net *n)
{
    if (!n)
        return ACTIV_ERR_NULL;
    activ_nn_layer *L = push(n, ACTIV_NN_FLATTEN);
    if (!L)
        return ACTIV_ERR_SHAPE;
    L->oc = (int)in_size(L), L->oh = L->ow = 1, L->orank = 1;
    n->nlayers++;
    return ACTIV_OK;
}

activ_status activ_nn_net_set_last_act(activ_nn_net *n, int act)
{
    if (!n)
        return ACTIV_ERR_NULL;
    if (!kind_ok(act))
        return ACTIV_ERR_KIND;
    if (n->built || n->nlayers < 1)
        return ACTIV_ERR_SHAPE;
    activ_nn_layer *L = &n->layers[n->nlayers - 1];
    int *slot = L->type == ACTIV_NN_CONV2D ? &L->conv.act
              : L->type == ACTIV_NN_DENSE  ? &L->dense.act
              : L->type == ACTIV_NN_BATCHNORM ? &L->bn.act : NULL;
    if (!slot || *slot != ACTIV_NN_LINEAR)
        return ACTIV_ERR_SHAPE;
    if (L->type == ACTIV_NN_BATCHNORM && act == ACTIV_PRELU)
        return ACTIV_ERR_PARAM;
    *slot = act;
    const float a = default_alpha(act);
    if (L->type == ACTIV_NN_CONV2D)
        L->conv.alpha = a;
    else if (L->type == ACTIV_NN_DENSE)
        L->dense.alpha = a;
    else
        L->bn.alpha = a;
    return ACTIV_OK;
}

/* The layer's activation kind, or ACTIV_NN_LINEAR. */
static int layer_act(const activ_nn_layer *L)
{
    switch (L->type) {
    case ACTIV_NN_CONV2D: return L->conv.act;
    case ACTIV_NN_DENSE: return L->dense.act;
    case ACTIV_NN_BATCHNORM: return L->bn.act;
    default: return ACTIV_NN_LINEAR;
    }
}

static float layer_alpha(const activ_nn_layer *L)
{
    return L->type == ACTIV_NN_CONV2D ? L->conv.alpha : L->type == ACTIV_NN_DENSE ? L->dense.alpha : L->bn.alpha;
}

static int needs_z(const activ_nn_layer *L)
{
    const int a = layer_act(L);
    return L->type == ACTIV_NN_DENSE ? a != ACTIV_NN_LINEAR && (nn_needs_z(a, layer_alpha(L)) || nn_act_needs_z(a, layer_alpha(L)))
                                    : nn_act_needs_z(a, layer_alpha(L));
}

static void count(activ_nn_layer *L)
{
    L->nparams = L->nbuffers = 0;
    if (L->type == ACTIV_NN_CONV2D) {
        const activ_nn_conv2d *c = &L->conv;
        L->nparams = (size_t)c->oc * c->c * c->k * c->k + (c->has_bias ? (size_t)c->oc : 0) +
                     (c->act == ACTIV_PRELU ? (size_t)c->oc : 0) + (c->act == ACTIV_SWISH ? 1 : 0);
    } else if (L->type == ACTIV_NN_DENSE) {
        const activ_nn_dense *d = &L->dense;
        L->nparams = (size_t)d->in * d->out + d->out + (d->act == ACTIV_PRELU ? (size_t)d->out : 0) +
                     (d->act == ACTIV_SWISH ? 1 : 0);
    } else if (L->type == ACTIV_NN_BATCHNORM) {
        L->nparams = 2 * (size_t)L->bn.c;
        L->nbuffers = 2 * (size_t)L->bn.c;
    }
}

/* The kind that decides a layer's initialisation: its own activation, or when it is linear
 * and a BatchNorm follows, the BatchNorm's. */
static int init_kind(const activ_nn_net *n, int l)
{
    int a = layer_act(&n->layers[l]);
    if (a == ACTIV_NN_LINEAR && l + 1 < n->nlayers && n->layers[l + 1].type == ACTIV_NN_BATCHNORM)
        a = n->layers[l + 1].bn.act;
    return a;
}

static void init_weights(float *w, size_t nw, int kind, double fan_in, double fan_out, activ_nn_rng *r)
{
    const int he = kind == ACTIV_RELU || kind == ACTIV_LEAKY_RELU || kind == ACTIV_PRELU || kind == ACTIV_ELU;
    if (he) {
        const double sd = sqrt(2.0 / fan_in); /* He (Kaiming) normal, fan-in */
        for (size_t i = 0; i < nw; i++)
            w[i] = (float)(sd * activ_nn_rng_normal(r));
    } else {
        const double lim = sqrt(6.0 / (fan_in + fan_out)); /* Glorot (Xavier) uniform */
        for (size_t i = 0; i < nw; i++)
            w[i] = (float)(lim * (2.0 * activ_nn_rng_uniform(r) - 1.0));
    }
}

static void init_params(activ_nn_net *n, uint64_t seed)
{
    activ_nn_rng rng;
    activ_nn_rng_seed(&rng, seed);
    for (int l = 0; l < n->nlayers; l++) {
        activ_nn_layer *L = &n->layers[l];
        if (L->type == ACTIV_NN_CONV2D) {
            activ_nn_conv2d *c = &L->conv;
            const size_t kk = (size_t)c->c * c->k * c->k;
            init_weights(c->w, (size_t)c->oc * kk, init_kind(n, l), (double)kk,
                         (double)c->oc * c->k * c->k, &rng);
            if (c->b)
                memset(c->b, 0, (size_t)c->oc * sizeof(float));
            if (c->slopes)
                for (int j = 0; j < c->oc; j++)
                    c->slopes[j] = 0.25f;
            if (c->beta)
                *c->beta = 1.0f;
        } else if (L->type == ACTIV_NN_DENSE) {
            activ_nn_dense *d = &L->dense;
            init_weights(d->w, (size_t)d->in * d->out, init_kind(n, l), d->in, d->out, &rng);
            memset(d->b, 0, (size_t)d->out * sizeof(float));
            if (d->slopes)
                for (int j = 0; j < d->out; j++)
                    d->slopes[j] = 0.25f;
            if (d->beta)
                *d->beta = 1.0f;
        } else if (L->type == ACTIV_NN_BATCHNORM) {
            activ_nn_batchnorm *b = &L->bn;
            for (int j = 0; j < b->c; j++)
                b->gamma[j] = 1.0f, b->beta[j] = 0.0f, b->run_mean[j] = 0.0f, b->run_var[j] = 1.0f;
        }
    }
    activ_nn_rng_seed(&n->rng, seed ^ 0xd20f07ULL);
}

activ_status activ_nn_net_build(activ_nn_net *n, uint64_t seed)
{
    if (!n)
        return ACTIV_ERR_NULL;
    if (n->built || n->nlayers < 1)
        return ACTIV_ERR_SHAPE;
    size_t np = 0, nb = 0;
    for (int l = 0; l < n->nlayers; l++) {
        count(&n->layers[l]);
        np += n->layers[l].nparams;
        nb += n->layers[l].nbuffers;
    }
    float *p = calloc(np ? np : 1, sizeof(float));
    float *g = calloc(np ? np : 1, sizeof(float));
    float *bf = calloc(nb ? nb : 1, sizeof(float));
    if (!p || !g || !bf) {
        free(p), free(g), free(bf);
        return ACTIV_ERR_NOMEM;
    }
    /* carve named pointers, same offsets in params and grads */
    size_t off = 0, boff = 0;
    for (int l = 0; l < n->nlayers; l++) {
        activ_nn_layer *L = &n->layers[l];
        if (L->type == ACTIV_NN_CONV2D) {
            activ_nn_conv2d *c = &L->conv;
            c->w = p + off, c->dw = g + off, off += (size_t)c->oc * c->c * c->k * c->k;
            if (c->has_bias)
                c->b = p + off, c->db = g + off, off += (size_t)c->oc;
            if (c->act == ACTIV_PRELU)
                c->slopes = p + off, c->dslopes = g + off, off += (size_t)c->oc;
            if (c->act == ACTIV_SWISH)
                c->beta = p + off, c->dbeta = g + off, off += 1;
        } else if (L->type == ACTIV_NN_DENSE) {
            activ_nn_dense *d = &L->dense;
            d->w = p + off, d->dw = g + off, off += (size_t)d->in * d->out;
            d->b = p + off, d->db = g + off, off += (size_t)d->out;
            if (d->act == ACTIV_PRELU)
                d->slopes = p + off, d->dslopes = g + off, off += (size_t)d->out;
            if (d->act == ACTIV_SWISH)
                d->beta = p + off, d->dbeta = g + off, off += 1;
            d->nparams = L->nparams;
        } else if (L->type == ACTIV_NN_BATCHNORM) {
            activ_nn_batchnorm *b = &L->bn;
            b->gamma = p + off, b->dgamma = g + off, off += (size_t)b->c;
            b->beta = p + off, b->dbeta = g + off, off += (size_t)b->c;
            b->run_mean = bf + boff, boff += (size_t)b->c;
            b->run_var = bf + boff, boff += (size_t)b->c;
        }
    }
    n->params = p, n->grads = g, n->nparams = np;
    n->buffers = bf, n->nbuffers = nb;
    n->built = 1;
    n->training = 1;
    init_params(n, seed);
    return ACTIV_OK;
}

/* The activations' arena (hundreds of MB for a CNN at batch 128): 2 MB aligned and, on
 * Linux, marked for transparent huge pages, because im2col, col2im and the conv scatter walk
 * it in strides of a whole batch row (one 4 KB page per row and step otherwise). */
static void *alloc_arena(size_t bytes)
{
    enum { HUGE = 2u << 20 };
    if (bytes < HUGE)
        return malloc(bytes);
    void *p = NULL;
    if (posix_memalign(&p, HUGE, bytes) != 0)
        return NULL;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    (void)madvise(p, bytes, MADV_HUGEPAGE); /* a hint: without it, plain pages */
#endif
    return p;
}

activ_status activ_nn_net_reserve(activ_nn_net *n, int max_batch)
{
    if (!n)
        return ACTIV_ERR_NULL;
    if (!n->built || max_batch < 1)
        return ACTIV_ERR_SHAPE;
    if (max_batch <= n->max_batch)
        return ACTIV_OK;
    const size_t B = (size_t)max_batch;
    size_t total = 0, wmax = 0, ztmax = 0;
    for (int l = 0; l < n->nlayers; l++) {
        const activ_nn_layer *L = &n->layers[l];
        const size_t o = B * out_size(L);
        if (L->type != ACTIV_NN_FLATTEN)
            total += o * (needs_z(L) ? 2 : 1);
        if (L->type == ACTIV_NN_DROPOUT || L->type == ACTIV_NN_MAXPOOL2D)
            total += o; /* mask, or argmax as int32 */
        if (L->type == ACTIV_NN_BATCHNORM)
            total += 2 * (size_t)L->bn.c;
        if (L->type == ACTIV_NN_CONV2D) {
            const activ_nn_conv2d *c = &L->conv;
            total += (size_t)c->c * c->k * c->k * B * c->oh * c->ow;
            if (o > ztmax)
                ztmax = o;
        }
        if (B * in_size(L) > wmax)
            wmax = B * in_size(L);
        if (o > wmax)
            wmax = o;
    }
    total += 2 * wmax + ztmax;
    float *a = alloc_arena(total * sizeof(float));
    if (!a)
        return ACTIV_ERR_NOMEM;
    free(n->acts);
    n->acts = a;
    size_t off = 0;
    float *zt = a + total - ztmax;
    for (int l = 0; l < n->nlayers; l++) {
        activ_nn_layer *L = &n->layers[l];
        const size_t o = B * out_size(L);
        L->z = L->y = L->mask = NULL;
        L->argmax = NULL;
        if (L->type == ACTIV_NN_FLATTEN)
            continue;
        if (needs_z(L))
            L->z = a + off, off += o;
        L->y = a + off, off += o;
        if (L->type == ACTIV_NN_DROPOUT)
            L->mask = a + off, off += o;
        if (L->type == ACTIV_NN_MAXPOOL2D)
            L->argmax = (int32_t *)(void *)(a + off), off += o;
        if (L->type == ACTIV_NN_BATCHNORM) {
            L->bn.mean = a + off, off += (size_t)L->bn.c;
            L->bn.invstd = a + off, off += (size_t)L->bn.c;
        }
        if (L->type == ACTIV_NN_CONV2D) {
            activ_nn_conv2d *c = &L->conv;
            c->col = a + off, off += (size_t)c->c * c->k * c->k * B * c->oh * c->ow;
            c->zt = zt;
        }
    }
    n->dbuf[0] = a + off, off += wmax;
    n->dbuf[1] = a + off;
    n->max_batch = max_batch;
    return ACTIV_OK;
}

void activ_nn_net_free(activ_nn_net *n)
{
    if (!n)
        return;
    free(n->params);
    free(n->grads);
    free(n->buffers);
    free(n->acts);
    memset(n, 0, sizeof *n);
}

void activ_nn_net_set_training(activ_nn_net *n, int training)
{
    if (n)
        n->training = training != 0;
}

int activ_nn_net_output_dim(const activ_nn_net *n)
{
    return n && n->nlayers ? (int)out_size(&n->layers[n->nlayers - 1]) : 0;
}

int activ_nn_net_input_dim(const activ_nn_net *n)
{
    return n ? n->c * n->h * n->w : 0;
}

activ_status activ_nn_net_forward(activ_nn_net *n, const float *x, int B, float **out)
{
    if (!n || !x)
        return ACTIV_ERR_NULL;
    if (!n->built || B < 0 || B > n->max_batch)
        return ACTIV_ERR_SHAPE;
    const float *in = x;
    for (int l = 0; l < n->nlayers; l++) {
        activ_nn_layer *L = &n->layers[l];
        activ_status s = ACTIV_OK;
        switch (L->type) {
        case ACTIV_NN_CONV2D:
            s = activ_nn_conv2d_forward(&L->conv, in, L->z, L->y, B);
            break;
        case ACTIV_NN_DENSE:
            s = activ_nn_dense_forward(&L->dense, in, L->z, L->y, B);
            break;
        case ACTIV_NN_MAXPOOL2D:
        case ACTIV_NN_AVGPOOL2D:
            s = activ_nn_pool2d_forward(&L->pool, in, L->y, L->argmax, B);
            break;
        case ACTIV_NN_BATCHNORM:
            s = activ_nn_batchnorm_forward(&L->bn, in, L->z, L->y, B, n->training);
            break;
        case ACTIV_NN_DROPOUT:
            s = activ_nn_dropout_forward(L->drop_p, &n->rng, in, L->mask, L->y, (size_t)B * out_size(L),
                                         n->training);
            break;
        case ACTIV_NN_FLATTEN:
            L->y = (float *)in; /* same memory, new shape */
            break;
        }
        if (s != ACTIV_OK)
            return s;
        in = L->y;
    }
    if (out)
        *out = n->layers[n->nlayers - 1].y;
    return ACTIV_OK;
}

activ_status activ_nn_net_backward(activ_nn_net *n, const float *x, const float *dout, int B)
{
    if (!n || !x || !dout)
        return ACTIV_ERR_NULL;
    if (!n->built || B < 1 || B > n->max_batch)
        return ACTIV_ERR_SHAPE;
    int cur = 0;
    if (dout != n->dbuf[0])
        memcpy(n->dbuf[0], dout, (size_t)B * out_size(&n->layers[n->nlayers - 1]) * sizeof(float));
    for (int l = n->nlayers - 1; l >= 0; l--) {
        activ_nn_layer *L = &n->layers[l];
        if (L->type == ACTIV_NN_FLATTEN)
            continue; /* dY is already dX */
        const float *xin = l ? n->layers[l - 1].y : x;
        float *dy = n->dbuf[cur], *dx = l ? n->dbuf[cur ^ 1] : NULL;
        activ_status s = ACTIV_OK;
        switch (L->type) {
        case ACTIV_NN_CONV2D:
            s = activ_nn_conv2d_backward(&L->conv, L->z, L->y, dy, dx, B);
            break;
        case ACTIV_NN_DENSE:
            s = activ_nn_dense_backward(&L->dense, xin, L->z, L->y, dy, dx, B);
            break;
        case ACTIV_NN_MAXPOOL2D:
        case ACTIV_NN_AVGPOOL2D:
            if (dx)
                s = activ_nn_pool2d_backward(&L->pool, L->argmax, dy, dx, B);
            break;
        case ACTIV_NN_BATCHNORM:
            s = activ_nn_batchnorm_backward(&L->bn, xin, L->z, L->y, dy, dx, B);
            break;
        case ACTIV_NN_DROPOUT:
            if (dx)
                s = activ_nn_dropout_backward(L->mask, dy, dx, (size_t)B * out_size(L));
            break;
        case ACTIV_NN_FLATTEN:
            break;
        }
        if (s != ACTIV_OK)
            return s;
        cur ^= 1;
    }
    return ACTIV_OK;
}

static const char *type_name(activ_nn_layer_type t)
{
    static const char *const names[] = {"Dense", "Conv2D", "MaxPool2D", "AvgPool2D",
                                        "BatchNorm", "Dropout", "Flatten"};
    return (unsigned)t < sizeof names / sizeof *names ? names[t] : "?";
}

static const char *short_name(activ_nn_layer_type t)
{
    static const char *const names[] = {"dense", "conv2d", "max_pooling2d", "average_pooling2d",
                                        "batch_normalization", "dropout", "flatten"};
    return (unsigned)t < sizeof names / sizeof *names ? names[t] : "?";
}

activ_status activ_nn_net_summary(const activ_nn_net *n, FILE *f)
{
    if (!n || !f)
        return ACTIV_ERR_NULL;
    static const char *rule = "_____________________________________________________________________________";
    static const char *dbl = "=============================================================================";
    size_t trainable = 0, fixed = 0;
    fprintf(f, "Model: \"sequential\"\n%s\n", rule);
    fprintf(f, " %-34s %-20s %-11s %-9s\n", "Layer (type)", "Output Shape", "Activation", "Param #");
    fprintf(f, "%s\n", dbl);
    for (int l = 0; l < n->nlayers; l++) {
        activ_nn_layer L = n->layers[l];
        count(&L);
        char name[64], shape[48];
        snprintf(name, sizeof name, "%s_%d (%s)", short_name(L.type), l, type_name(L.type));
        if (L.orank == 3)
            snprintf(shape, sizeof shape, "(None, %d, %d, %d)", L.oc, L.oh, L.ow);
        else
            snprintf(shape, sizeof shape, "(None, %d)", L.oc);
        const int a = layer_act(&L);
        trainable += L.nparams;
        fixed += L.nbuffers;
        fprintf(f, " %-34s %-20s %-11s %-9zu\n", name, shape,
                L.type == ACTIV_NN_CONV2D || L.type == ACTIV_NN_DENSE || L.type == ACTIV_NN_BATCHNORM
                    ? activ_nn_act_name(a) : "",
                L.nparams + L.nbuffers);
    }
    fprintf(f, "%s\n", dbl);
    fprintf(f, "Total params: %zu\nTrainable params: %zu\nNon-trainable params: %zu\n%s\n",
            trainable + fixed, trainable, fixed, rule);
    return ferror(f) ? ACTIV_ERR_IO : ACTIV_OK;
}
