/* evalx16.c - softmax, log_softmax and the gated units on 16-bit .npy data for
 * 'activ eval' / 'activ grad' (the library's activ_*16 calls): float16 ('<f2') inputs, or
 * bfloat16 bits in uint16 ('<u2') inputs with --dtype bf16. Outputs keep the inputs' dtype.
 * cmd_evalx.c calls these after parsing the arguments. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "evalx.h"

activ_npy evalx_shape16(const activ_npy16 *h)
{
    activ_npy s;
    memset(&s, 0, sizeof s);
    s.n = h->n;
    s.ndim = h->ndim;
    memcpy(s.shape, h->shape, sizeof s.shape);
    return s;
}

int evalx16_read(const char *cmd, const char *dtype, const char *const *paths, int n, activ_npy16 *in,
                 activ_half *dt)
{
    if (dtype && strcmp(dtype, "f16") != 0 && strcmp(dtype, "bf16") != 0)
        return cli_usage(cmd, "--dtype '%s': use f16 (float16 .npy) or bf16 (uint16 .npy of bfloat16 bits); fp32 "
                              "needs no --dtype", dtype);
    char err[512];
    if (activ_npy_read16(paths[0], &in[0], err, sizeof err) != ACTIV_OK)
        return dtype ? cli_error("%s", err) : -1;
    if (!dtype && strcmp(in[0].descr, "<f2") != 0)
        return -1; /* a uint16 .npy without --dtype bf16: the fp32 path says what is wrong */
    *dt = dtype && !strcmp(dtype, "bf16") ? ACTIV_BF16 : ACTIV_F16;
    const char *want = *dt == ACTIV_BF16 ? "<u2" : "<f2";
    for (int i = 0; i < n; i++) {
        if (i && activ_npy_read16(paths[i], &in[i], err, sizeof err) != ACTIV_OK)
            return cli_error("%s", err);
        if (strcmp(in[i].descr, want) != 0)
            return cli_error("'%s' holds '%s' but %s needs '%s'", paths[i], in[i].descr,
                             *dt == ACTIV_BF16 ? "--dtype bf16" : "float16", want);
    }
    return CLI_OK;
}

/* 1 if every input has the first one's shape, else the shape error's exit code */
static int same_shapes(const char *const *paths, const activ_npy16 *in, int n, int *rc)
{
    const activ_npy s0 = evalx_shape16(&in[0]);
    for (int i = 1; i < n; i++) {
        const activ_npy si = evalx_shape16(&in[i]);
        if (!evalx_same_shape(&s0, &si)) {
            *rc = evalx_shape_error(paths[0], &s0, paths[i], &si);
            return 0;
        }
    }
    return 1;
}

static int write16(const char *path, const uint16_t *data, const activ_npy16 *like, const size_t *shape, int ndim)
{
    activ_status s = activ_npy_write16(path, data, like->descr, shape, ndim);
    return s == ACTIV_OK ? CLI_OK : cli_error("cannot write '%s': %s", path, activ_status_str(s));
}

int evalx16_softmax(activ_half dt, int grad, int logf, long axis, const char *const *paths, activ_npy16 *in)
{
    activ_npy16 *x = &in[0], *dy = &in[1];
    int rc = CLI_OK;
    if (x->ndim == 0 || axis < -x->ndim || axis >= x->ndim)
        return cli_error("--axis %ld is out of range for a %d-d array", axis, x->ndim);
    if (grad && !same_shapes(paths, in, 2, &rc))
        return rc;
    activ_status s;
    if (!grad)
        s = logf ? activ_log_softmax_forward16(dt, x->data, x->data, x->shape, x->ndim, (int)axis)
                 : activ_softmax_forward16(dt, x->data, x->data, x->shape, x->ndim, (int)axis);
    else
        s = logf ? activ_log_softmax_backward16(dt, x->data, dy->data, dy->data, x->shape, x->ndim, (int)axis)
                 : activ_softmax_backward16(dt, x->data, dy->data, dy->data, x->shape, x->ndim, (int)axis);
    if (s != ACTIV_OK)
        return cli_error("%s: %s", logf ? "log_softmax" : "softmax", activ_status_str(s));
    const activ_npy16 *o = grad ? dy : x;
    return write16(paths[grad ? 2 : 1], o->data, o, o->shape, o->ndim);
}

int evalx16_glu(activ_half dt, int grad, int split, activ_glu_kind kind, const char *const *paths, activ_npy16 *in)
{
    const char *name = activ_glu_name(kind);
    int rc = CLI_OK;
    activ_status s;
    if (!split) {
        if (!same_shapes(paths, in, grad ? 3 : 2, &rc))
            return rc;
        const size_t n = in[0].n;
        if (!grad) {
            if ((s = activ_glu_forward16(dt, kind, in[0].data, in[1].data, in[0].data, n)) != ACTIV_OK)
                return cli_error("%s: %s", name, activ_status_str(s));
            return write16(paths[2], in[0].data, &in[0], in[0].shape, in[0].ndim);
        }
        /* in place: a becomes da, b becomes db */
        if ((s = activ_glu_backward16(dt, kind, in[0].data, in[1].data, in[2].data, in[0].data, in[1].data, n)) !=
            ACTIV_OK)
            return cli_error("%s backward: %s", name, activ_status_str(s));
        if ((rc = write16(paths[3], in[0].data, &in[0], in[0].shape, in[0].ndim)) != CLI_OK)
            return rc;
        return write16(paths[4], in[1].data, &in[1], in[1].shape, in[1].ndim);
    }
    const activ_npy16 *x = &in[0];
    if (x->ndim == 0 || x->shape[x->ndim - 1] % 2 != 0)
        return cli_error("--split needs a last axis of even length; '%s' has %s", paths[0],
                         x->ndim ? "an odd one" : "none");
    const size_t h = x->shape[x->ndim - 1] / 2, rows = h ? x->n / (2 * h) : 0;
    size_t hshape[ACTIV_NPY_MAXDIM];
    memcpy(hshape, x->shape, sizeof hshape);
    hshape[x->ndim - 1] = h;
    uint16_t *o = malloc((x->n ? x->n : 1) * sizeof *o);
    if (!o)
        return cli_error("out of memory");
    if (!grad) {
        s = activ_glu_split_forward16(dt, kind, x->data, o, rows, h);
        rc = s != ACTIV_OK ? cli_error("%s: %s", name, activ_status_str(s)) : write16(paths[1], o, x, hshape, x->ndim);
    } else {
        const activ_npy16 *dy = &in[1];
        int ok = dy->ndim == x->ndim;
        for (int d = 0; ok && d < x->ndim; d++)
            ok = dy->shape[d] == hshape[d];
        if (!ok)
            rc = cli_error("'%s' must have the output's shape (the last axis of '%s' halved)", paths[1], paths[0]);
        else if ((s = activ_glu_split_backward16(dt, kind, x->data, dy->data, o, rows, h)) != ACTIV_OK)
            rc = cli_error("%s backward: %s", name, activ_status_str(s));
        else
            rc = write16(paths[2], o, x, x->shape, x->ndim);
    }
    free(o);
    return rc;
}
