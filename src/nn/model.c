/* model.c - Sequential model: layers, one block of params, one of grads, one of activations. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "nn_internal.h"

activ_status activ_nn_model_init(activ_nn_model *m, int input_dim)
{
    if (!m)
        return ACTIV_ERR_NULL;
    memset(m, 0, sizeof *m);
    if (input_dim < 1)
        return ACTIV_ERR_SHAPE;
    m->input_dim = input_dim;
    return ACTIV_OK;
}

activ_status activ_nn_model_add(activ_nn_model *m, int units, int act)
{
    if (!m)
        return ACTIV_ERR_NULL;
    if (m->built || units < 1 || m->nlayers >= ACTIV_NN_MAX_LAYERS || m->input_dim < 1)
        return ACTIV_ERR_SHAPE;
    if (act != ACTIV_NN_LINEAR && nn_glu(act) < 0 && (act < 0 || act >= ACTIV_KIND_COUNT))
        return ACTIV_ERR_KIND;
    if (nn_glu(act) >= 0 && units > INT32_MAX / 2)
        return ACTIV_ERR_SHAPE;
    activ_nn_dense *L = &m->layers[m->nlayers];
    memset(L, 0, sizeof *L);
    L->in = m->nlayers ? m->layers[m->nlayers - 1].out : m->input_dim;
    L->out = units;
    L->act = act;
    L->alpha = act >= 0 ? activ_default_params((activ_kind)act).alpha : 0.0f;
    m->nlayers++;
    return ACTIV_OK;
}

int activ_nn_model_output_dim(const activ_nn_model *m)
{
    return m && m->nlayers ? m->layers[m->nlayers - 1].out : 0;
}

static size_t layer_nparams(const activ_nn_dense *L)
{
    return (size_t)L->in * nn_width(L) + nn_width(L) + (L->act == ACTIV_PRELU ? (size_t)L->out : 0) +
           (L->act == ACTIV_SWISH ? 1 : 0);
}

activ_status activ_nn_model_init_params(activ_nn_model *m, uint64_t seed)
{
    if (!m || !m->params)
        return ACTIV_ERR_NULL;
    activ_nn_rng rng;
    activ_nn_rng_seed(&rng, seed);
    for (int l = 0; l < m->nlayers; l++) {
        activ_nn_dense *L = &m->layers[l];
        size_t nw = (size_t)L->in * nn_width(L);
        int he = L->act == ACTIV_RELU || L->act == ACTIV_LEAKY_RELU || L->act == ACTIV_PRELU ||
                 L->act == ACTIV_ELU;
        if (he) {
            double sd = sqrt(2.0 / L->in); /* He (Kaiming) normal, fan-in */
            for (size_t i = 0; i < nw; i++)
                L->w[i] = (float)(sd * activ_nn_rng_normal(&rng));
        } else {
            double lim = sqrt(6.0 / (L->in + nn_width(L))); /* Glorot (Xavier) uniform */
            for (size_t i = 0; i < nw; i++)
                L->w[i] = (float)(lim * (2.0 * activ_nn_rng_uniform(&rng) - 1.0));
        }
        memset(L->b, 0, (size_t)nn_width(L) * sizeof(float));
        if (L->slopes) {
            const float a0 = activ_default_params(ACTIV_PRELU).alpha; /* nn.PReLU's 0.25 */
            for (int j = 0; j < L->out; j++)
                L->slopes[j] = a0;
        }
        if (L->beta)
            *L->beta = activ_default_params(ACTIV_SWISH).beta;
    }
    return ACTIV_OK;
}

activ_status activ_nn_model_build(activ_nn_model *m, uint64_t seed)
{
    if (!m)
        return ACTIV_ERR_NULL;
    if (m->built || m->nlayers < 1)
        return ACTIV_ERR_SHAPE;
    size_t total = 0;
    for (int l = 0; l < m->nlayers; l++)
        if (__builtin_add_overflow(total, layer_nparams(&m->layers[l]), &total))
            return ACTIV_ERR_SIZE;
    float *p = calloc(total, sizeof(float));
    float *g = calloc(total, sizeof(float));
    if (!p || !g) {
        free(p);
        free(g);
        return ACTIV_ERR_NOMEM;
    }
    /* carve named pointers out of the two blocks, same offsets in both */
    size_t off = 0;
    for (int l = 0; l < m->nlayers; l++) {
        activ_nn_dense *L = &m->layers[l];
        L->w = p + off, L->dw = g + off, off += (size_t)L->in * nn_width(L);
        L->b = p + off, L->db = g + off, off += (size_t)nn_width(L);
        if (L->act == ACTIV_PRELU)
            L->slopes = p + off, L->dslopes = g + off, off += (size_t)L->out;
        if (L->act == ACTIV_SWISH)
            L->beta = p + off, L->dbeta = g + off, off += 1;
        L->nparams = layer_nparams(L);
    }
    m->params = p;
    m->grads = g;
    m->nparams = total;
    m->built = 1;
    return activ_nn_model_init_params(m, seed);
}

activ_status activ_nn_model_reserve(activ_nn_model *m, int max_batch)
{
    if (!m)
        return ACTIV_ERR_NULL;
    if (!m->built || max_batch < 1)
        return ACTIV_ERR_SHAPE;
    if (max_batch <= m->max_batch)
        return ACTIV_OK;
    size_t B = (size_t)max_batch, total = 0, wmax = 0;
    int ovf = 0; /* B * out products: B and out are ints, but 64 layers of them can wrap */
    for (int l = 0; l < m->nlayers; l++) {
        const activ_nn_dense *L = &m->layers[l];
        size_t zb = nn_needs_z(L->act, L->alpha) ? B * nn_width(L) : 0;
        ovf |= __builtin_add_overflow(total, B * L->out + zb, &total);
        if ((size_t)L->out > wmax)
            wmax = (size_t)L->out;
    }
    ovf |= __builtin_add_overflow(total, 2 * B * wmax, &total);
    if (ovf || total > SIZE_MAX / sizeof(float))
        return ACTIV_ERR_SIZE;
    float *a = malloc(total * sizeof(float));
    if (!a)
        return ACTIV_ERR_NOMEM;
    free(m->acts);
    m->acts = a;
    size_t off = 0;
    for (int l = 0; l < m->nlayers; l++) {
        activ_nn_dense *L = &m->layers[l];
        L->z = NULL;
        if (nn_needs_z(L->act, L->alpha))
            L->z = a + off, off += B * nn_width(L);
        L->y = a + off, off += B * L->out;
    }
    m->dbuf[0] = a + off, off += B * wmax;
    m->dbuf[1] = a + off;
    m->max_batch = max_batch;
    return ACTIV_OK;
}

void activ_nn_model_free(activ_nn_model *m)
{
    if (!m)
        return;
    free(m->params);
    free(m->grads);
    free(m->acts);
    memset(m, 0, sizeof *m);
}

/* Every layer's activation kind and parameters (a NaN slope, ...), checked before a forward or
 * backward pass writes anything, so a failing pass leaves no layer half-updated. */
static activ_status layers_check(const activ_nn_model *m)
{
    for (int l = 0; l < m->nlayers; l++) {
        const activ_nn_dense *L = &m->layers[l];
        if (L->act == ACTIV_NN_LINEAR || nn_glu(L->act) >= 0) /* gated: checked by its own call */
            continue;
        activ_params p = nn_layer_params(L);
        activ_status s = activ_forward((activ_kind)L->act, &p, NULL, NULL, 0);
        if (s == ACTIV_OK && !nn_needs_z(L->act, L->alpha))
            s = activ_backward_from_output((activ_kind)L->act, &p, NULL, NULL, NULL, 0);
        if (s != ACTIV_OK)
            return s;
    }
    return ACTIV_OK;
}

activ_status activ_nn_model_forward(activ_nn_model *m, const float *x, int B, float **out)
{
    if (!m || !x)
        return ACTIV_ERR_NULL;
    if (!m->built || B < 0 || B > m->max_batch)
        return ACTIV_ERR_SHAPE;
    activ_status s0 = layers_check(m);
    if (s0 != ACTIV_OK)
        return s0;
    const float *in = x;
    for (int l = 0; l < m->nlayers; l++) {
        activ_nn_dense *L = &m->layers[l];
        activ_status s = activ_nn_dense_forward(L, in, L->z, L->y, B);
        if (s != ACTIV_OK)
            return s;
        in = L->y;
    }
    if (out)
        *out = m->layers[m->nlayers - 1].y;
    return ACTIV_OK;
}

activ_status activ_nn_model_backward(activ_nn_model *m, const float *x, const float *dout, int B)
{
    if (!m || !x || !dout)
        return ACTIV_ERR_NULL;
    if (!m->built || B < 0 || B > m->max_batch)
        return ACTIV_ERR_SHAPE;
    activ_status s0 = layers_check(m);
    if (s0 != ACTIV_OK)
        return s0;
    int cur = 0;
    const activ_nn_dense *last = &m->layers[m->nlayers - 1];
    /* the training loop writes the loss gradient straight into dbuf[0]: no copy then */
    if (dout != m->dbuf[0])
        memcpy(m->dbuf[0], dout, (size_t)B * last->out * sizeof(float));
    for (int l = m->nlayers - 1; l >= 0; l--) {
        activ_nn_dense *L = &m->layers[l];
        const float *xin = l ? m->layers[l - 1].y : x;
        float *dx = l ? m->dbuf[cur ^ 1] : NULL;
        activ_status s = activ_nn_dense_backward(L, xin, L->z, L->y, m->dbuf[cur], dx, B);
        if (s != ACTIV_OK)
            return s;
        cur ^= 1;
    }
    return ACTIV_OK;
}

activ_status activ_nn_model_summary(const activ_nn_model *m, FILE *f)
{
    if (!m || !f)
        return ACTIV_ERR_NULL;
    static const char *rule = "_________________________________________________________________________";
    static const char *dbl = "=========================================================================";
    size_t total = 0;
    fprintf(f, "Model: \"sequential\"\n%s\n", rule);
    fprintf(f, " %-26s %-16s %-14s %-12s\n", "Layer (type)", "Output Shape", "Activation", "Param #");
    fprintf(f, "%s\n", dbl);
    for (int l = 0; l < m->nlayers; l++) {
        const activ_nn_dense *L = &m->layers[l];
        char name[40], shape[32];
        snprintf(name, sizeof name, "dense_%d (Dense)", l);
        snprintf(shape, sizeof shape, "(None, %d)", L->out);
        size_t np = layer_nparams(L);
        total += np;
        fprintf(f, " %-26s %-16s %-14s %-12zu\n", name, shape, activ_nn_act_name(L->act), np);
        if (l + 1 < m->nlayers)
            fprintf(f, "\n");
    }
    fprintf(f, "%s\n", dbl);
    fprintf(f, "Total params: %zu\nTrainable params: %zu\nNon-trainable params: 0\n%s\n", total,
            total, rule);
    return ferror(f) ? ACTIV_ERR_IO : ACTIV_OK;
}
