/* cmd_evalx.c - the parts of 'activ eval' / 'activ grad' that are not one element-wise kind
 * on fp32: softmax and log_softmax along an axis, the gated units (two inputs, or one split
 * in half), and 16-bit data (float16 '<f2' .npy, or bfloat16 as uint16 '<u2' .npy with
 * --dtype bf16) for the element-wise kinds. cmd_eval.c and cmd_grad.c call evalx() first; it
 * returns -1 when the command is an ordinary fp32 element-wise one.
 *
 *   activ eval softmax|log_softmax [--axis A] IN.npy OUT.npy           (A: PyTorch dim, -1)
 *   activ grad softmax|log_softmax [--axis A] Y.npy DY.npy DX.npy      (Y: the forward output)
 *   activ eval swiglu|geglu|reglu A.npy B.npy OUT.npy                   OUT = f(A) * B
 *   activ eval swiglu|geglu|reglu --split X.npy OUT.npy                 F.glu halves of X
 *   activ grad swiglu|geglu|reglu A.npy B.npy DY.npy DA.npy DB.npy
 *   activ grad swiglu|geglu|reglu --split X.npy DY.npy DX.npy
 *   activ eval KIND [options] [--dtype f16|bf16] IN.npy OUT.npy         16-bit storage
 * softmax and the gated units take --dtype (or float16 inputs) too: evalx16.c.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "evalx.h"
#include "fnargs.h"

/* options that take a value (of any evaluator), so their value is not a file name */
static int takes_value(const char *s)
{
    return !strcmp(s, "--alpha") || !strcmp(s, "--beta") || !strcmp(s, "--alpha-npy") ||
           !strcmp(s, "--dparam") || !strcmp(s, "--axis") || !strcmp(s, "--dtype");
}

static void shape_str(const size_t *shape, int ndim, char *buf, size_t len)
{
    size_t o = (size_t)snprintf(buf, len, "(");
    for (int i = 0; i < ndim && o < len; i++)
        o += (size_t)snprintf(buf + o, len - o, "%zu%s", shape[i], ndim == 1 ? "," : i + 1 < ndim ? ", " : "");
    if (o < len)
        snprintf(buf + o, len - o, ")");
}

int evalx_same_shape(const activ_npy *a, const activ_npy *b)
{
    if (a->ndim != b->ndim)
        return 0;
    for (int i = 0; i < a->ndim; i++)
        if (a->shape[i] != b->shape[i])
            return 0;
    return 1;
}

int evalx_shape_error(const char *f1, const activ_npy *a, const char *f2, const activ_npy *b)
{
    char s1[256], s2[256];
    shape_str(a->shape, a->ndim, s1, sizeof s1);
    shape_str(b->shape, b->ndim, s2, sizeof s2);
    return cli_error("shapes differ: %s is %s but %s is %s", f1, s1, f2, s2);
}

static void usage_x(int grad, int softmax)
{
    if (softmax) {
        printf("Usage: activ %s softmax|log_softmax [--axis A] [--dtype f16|bf16] %s\n\n", grad ? "grad" : "eval",
               grad ? "Y.npy DY.npy DX.npy" : "IN.npy OUT.npy");
        printf("Along axis A of an fp32 .npy of any shape (PyTorch's dim: 0..ndim-1, or negative from the\n"
               "end; default -1, the last axis). Max-subtracted, accumulated in double; within 1 ULP.\n");
        if (grad)
            printf("The backward is from the forward OUTPUT Y (as PyTorch's): softmax dx = y*(dy - sum(dy*y)),\n"
                   "log_softmax dx = dy - exp(y)*sum(dy).\n");
    } else {
        printf("Usage: activ %s swiglu|geglu|reglu [--dtype f16|bf16] %s\n", grad ? "grad" : "eval",
               grad ? "A.npy B.npy DY.npy DA.npy DB.npy" : "A.npy B.npy OUT.npy");
        printf("       activ %s swiglu|geglu|reglu --split %s\n\n", grad ? "grad" : "eval",
               grad ? "X.npy DY.npy DX.npy" : "X.npy OUT.npy");
        printf("OUT = f(A) * B with f = silu (swiglu), gelu with erf (geglu), relu (reglu); A and B have\n"
               "the same shape. --split takes one array whose last axis has even length 2H and follows\n"
               "PyTorch's F.glu: the FIRST half is B (linear), the SECOND half is A (through f); OUT has\n"
               "last axis H. grad writes DA = DY*B*f'(A), DB = DY*f(A) (with --split: DX = [DB | DA]).\n");
    }
    printf("\n16-bit data: float16 .npy inputs ('<f2') are read and written as float16; bfloat16 bits in\n"
           "uint16 .npy ('<u2') need --dtype bf16. The arithmetic is the fp32 one, rounded once (1 ULP).\n");
    printf("\nExit status: 0 ok, 1 bad data or I/O error, 2 bad usage. Outputs are written whole or not at all.\n");
}

/* ---- softmax / log_softmax -------------------------------------------------------------- */

static int run_softmax(int argc, char **argv, int grad, int logf)
{
    const char *cmd = argv[0];
    long axis = -1;
    const char *pos[4], *dtype = NULL;
    int npos = 0;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
            usage_x(grad, 1);
            return CLI_OK;
        } else if (!strcmp(s, "--axis")) {
            if (i + 1 >= argc || cli_parse_long(argv[++i], &axis))
                return cli_usage(cmd, "--axis needs an integer (PyTorch's dim, e.g. -1)");
        } else if (!strcmp(s, "--dtype")) {
            if (i + 1 >= argc)
                return cli_usage(cmd, "--dtype needs f16 or bf16");
            dtype = argv[++i];
        } else if (grad && !strcmp(s, "--from-output")) {
            /* the only form; accepted for symmetry with the element-wise kinds */
        } else if (s[0] == '-' && s[1] == '-') {
            static const char *const opts[] = {"--axis", "--dtype", "--help", "--from-output"};
            return cli_unknown_option(cmd, s, opts, grad ? 4 : 3);
        } else if (npos < 4) {
            pos[npos++] = s;
        } else {
            return cli_usage(cmd, "too many arguments ('%s')", s);
        }
    }
    npos--; /* pos[0] is the function name */
    int want = grad ? 3 : 2;
    if (npos != want)
        return cli_usage(cmd, grad ? "expected Y.npy DY.npy DX.npy, got %d file(s)"
                                   : "expected IN.npy OUT.npy, got %d file(s)", npos);
    activ_npy16 h[2];
    memset(h, 0, sizeof h);
    activ_half dt;
    int rc16 = evalx16_read(cmd, dtype, pos + 1, grad ? 2 : 1, h, &dt);
    if (rc16 == CLI_OK)
        rc16 = evalx16_softmax(dt, grad, logf, axis, pos + 1, h);
    for (int i = 0; i < 2; i++)
        activ_npy16_free(&h[i]);
    if (rc16 >= 0)
        return rc16;
    activ_npy x = {0}, dy = {0};
    char err[512];
    int rc = CLI_OK;
    if (activ_npy_read(pos[1], &x, err, sizeof err) != ACTIV_OK ||
        (grad && activ_npy_read(pos[2], &dy, err, sizeof err) != ACTIV_OK)) {
        rc = cli_error("%s", err);
        goto out;
    }
    if (x.ndim == 0 || axis < -x.ndim || axis >= x.ndim) {
        rc = cli_error("--axis %ld is out of range for a %d-d array", axis, x.ndim);
        goto out;
    }
    if (grad && !evalx_same_shape(&x, &dy)) {
        rc = evalx_shape_error(pos[1], &x, pos[2], &dy);
        goto out;
    }
    activ_status s;
    if (!grad)
        s = logf ? activ_log_softmax_forward(x.data, x.data, x.shape, x.ndim, (int)axis)
                 : activ_softmax_forward(x.data, x.data, x.shape, x.ndim, (int)axis);
    else
        s = logf ? activ_log_softmax_backward(x.data, dy.data, dy.data, x.shape, x.ndim, (int)axis)
                 : activ_softmax_backward(x.data, dy.data, dy.data, x.shape, x.ndim, (int)axis);
    if (s != ACTIV_OK) {
        rc = cli_error("%s: %s", logf ? "log_softmax" : "softmax", activ_status_str(s));
        goto out;
    }
    const activ_npy *o = grad ? &dy : &x;
    const char *path = pos[grad ? 3 : 2];
    if ((s = activ_npy_write(path, o->data, o->shape, o->ndim)) != ACTIV_OK)
        rc = cli_error("cannot write '%s': %s", path, activ_status_str(s));
out:
    activ_npy_free(&x);
    activ_npy_free(&dy);
    return rc;
}

/* ---- gated units ------------------------------------------------------------------------ */

static int run_glu(int argc, char **argv, int grad, activ_glu_kind kind)
{
    const char *cmd = argv[0];
    int split = 0;
    const char *pos[8], *dtype = NULL;
    int npos = 0;
    for (int i = 1; i < argc; i++) {
        const char *s = argv[i];
        if (!strcmp(s, "--help") || !strcmp(s, "-h")) {
            usage_x(grad, 0);
            return CLI_OK;
        } else if (!strcmp(s, "--split")) {
            split = 1;
        } else if (!strcmp(s, "--dtype")) {
            if (i + 1 >= argc)
                return cli_usage(cmd, "--dtype needs f16 or bf16");
            dtype = argv[++i];
        } else if (s[0] == '-' && s[1] == '-') {
            static const char *const opts[] = {"--split", "--dtype", "--help"};
            return cli_unknown_option(cmd, s, opts, 3);
        } else if (npos < 8) {
            pos[npos++] = s;
        } else {
            return cli_usage(cmd, "too many arguments ('%s')", s);
        }
    }
    npos--;
    const char **f = pos + 1;
    int want = split ? (grad ? 3 : 2) : (grad ? 5 : 3);
    if (npos != want)
        return cli_usage(cmd, "expected %s, got %d file(s)",
                         split ? (grad ? "X.npy DY.npy DX.npy" : "X.npy OUT.npy")
                               : (grad ? "A.npy B.npy DY.npy DA.npy DB.npy" : "A.npy B.npy OUT.npy"),
                         npos);
    int nin = split ? (grad ? 2 : 1) : (grad ? 3 : 2);
    activ_npy16 h[3];
    memset(h, 0, sizeof h);
    activ_half dt;
    int rc16 = evalx16_read(cmd, dtype, f, nin, h, &dt);
    if (rc16 == CLI_OK)
        rc16 = evalx16_glu(dt, grad, split, kind, f, h);
    for (int i = 0; i < 3; i++)
        activ_npy16_free(&h[i]);
    if (rc16 >= 0)
        return rc16;
    activ_npy in[3];
    memset(in, 0, sizeof in);
    char err[512];
    int rc = CLI_OK;
    float *o1 = NULL, *o2 = NULL;
    const char *name = activ_glu_name(kind);
    for (int i = 0; i < nin; i++)
        if (activ_npy_read(f[i], &in[i], err, sizeof err) != ACTIV_OK) {
            rc = cli_error("%s", err);
            goto out;
        }
    activ_status s;
    if (!split) {
        for (int i = 1; i < nin; i++)
            if (!evalx_same_shape(&in[0], &in[i])) {
                rc = evalx_shape_error(f[0], &in[0], f[i], &in[i]);
                goto out;
            }
        size_t n = in[0].n;
        if (!grad) {
            s = activ_glu_forward(kind, in[0].data, in[1].data, in[0].data, n);
            if (s == ACTIV_OK && (s = activ_npy_write(f[2], in[0].data, in[0].shape, in[0].ndim)) != ACTIV_OK) {
                rc = cli_error("cannot write '%s': %s", f[2], activ_status_str(s));
                goto out;
            }
        } else {
            /* in place: a becomes da, b becomes db */
            s = activ_glu_backward(kind, in[0].data, in[1].data, in[2].data, in[0].data, in[1].data, n);
            if (s == ACTIV_OK) {
                if ((s = activ_npy_write(f[3], in[0].data, in[0].shape, in[0].ndim)) != ACTIV_OK ||
                    (s = activ_npy_write(f[4], in[1].data, in[1].shape, in[1].ndim)) != ACTIV_OK) {
                    rc = cli_error("cannot write the gradients: %s", activ_status_str(s));
                    goto out;
                }
            }
        }
    } else {
        const activ_npy *x = &in[0];
        if (x->ndim == 0 || x->shape[x->ndim - 1] % 2 != 0) {
            char sx[256];
            shape_str(x->shape, x->ndim, sx, sizeof sx);
            rc = cli_error("--split needs a last axis of even length; %s is %s", f[0], sx);
            goto out;
        }
        size_t h = x->ndim ? x->shape[x->ndim - 1] / 2 : 0, rows = h ? x->n / (2 * h) : 0;
        size_t hshape[ACTIV_NPY_MAXDIM];
        memcpy(hshape, x->shape, sizeof hshape);
        hshape[x->ndim - 1] = h;
        if (!(o1 = malloc((x->n ? x->n : 1) * sizeof(float)))) {
            rc = cli_error("out of memory");
            goto out;
        }
        if (!grad) {
            s = activ_glu_split_forward(kind, x->data, o1, rows, h);
            if (s == ACTIV_OK && (s = activ_npy_write(f[1], o1, hshape, x->ndim)) != ACTIV_OK) {
                rc = cli_error("cannot write '%s': %s", f[1], activ_status_str(s));
                goto out;
            }
        } else {
            const activ_npy *dy = &in[1];
            int ok = dy->ndim == x->ndim;
            for (int d = 0; ok && d < x->ndim; d++)
                ok = dy->shape[d] == hshape[d];
            if (!ok) {
                char sx[256], sd[256];
                shape_str(hshape, x->ndim, sx, sizeof sx);
                shape_str(dy->shape, dy->ndim, sd, sizeof sd);
                rc = cli_error("%s must have the output's shape %s, not %s", f[1], sx, sd);
                goto out;
            }
            s = activ_glu_split_backward(kind, x->data, dy->data, o1, rows, h);
            if (s == ACTIV_OK && (s = activ_npy_write(f[2], o1, x->shape, x->ndim)) != ACTIV_OK) {
                rc = cli_error("cannot write '%s': %s", f[2], activ_status_str(s));
                goto out;
            }
        }
    }
    if (s != ACTIV_OK)
        rc = cli_error("%s%s: %s", name, grad ? " backward" : "", activ_status_str(s));
out:
    for (int i = 0; i < 3; i++)
        activ_npy_free(&in[i]);
    free(o1);
    free(o2);
    return rc;
}

/* ---- 16-bit element-wise ----------------------------------------------------------------- */

/* argv without "--dtype X" (nargv has room for argc + 1 pointers) */
static int strip_dtype(int argc, char **argv, char **nargv)
{
    int m = 0;
    for (int i = 0; i < argc; i++) {
        if (!strcmp(argv[i], "--dtype") && i + 1 < argc) {
            i++;
            continue;
        }
        nargv[m++] = argv[i];
    }
    nargv[m] = NULL;
    return m;
}

static int run_16(int argc, char **argv, int grad, const char *dtype, activ_npy16 *x)
{
    const char *cmd = argv[0];
    char **nargv = calloc((size_t)argc + 1, sizeof *nargv);
    if (!nargv)
        return cli_error("out of memory");
    int nargc = strip_dtype(argc, argv, nargv);
    fnargs a;
    activ_npy16 dy = {0};
    float *dparam = NULL;
    int rc = fnargs_parse(&a, nargc, nargv, grad);
    free(nargv);
    if (rc >= 0)
        return rc;
    activ_half dt = ACTIV_F16;
    if (dtype && !strcmp(dtype, "bf16"))
        dt = ACTIV_BF16;
    else if (dtype && strcmp(dtype, "f16") != 0) {
        fnargs_free(&a);
        return cli_usage(cmd, "--dtype '%s': use f16 (float16 .npy) or bf16 (uint16 .npy of bfloat16 bits); fp32 needs no --dtype", dtype);
    }
    const char *want = dt == ACTIV_BF16 ? "<u2" : "<f2";
    char err[512];
    if (strcmp(x->descr, want) != 0) {
        rc = cli_error("'%s' holds '%s' but %s needs '%s'%s", a.pos[0], x->descr,
                       dt == ACTIV_BF16 ? "--dtype bf16" : "float16", want,
                       dt == ACTIV_BF16 ? "" : " (bfloat16 bits in a uint16 .npy need --dtype bf16)");
        goto out;
    }
    if (grad) {
        if (activ_npy_read16(a.pos[1], &dy, err, sizeof err) != ACTIV_OK) {
            rc = cli_error("%s", err);
            goto out;
        }
        int same = dy.ndim == x->ndim && !strcmp(dy.descr, x->descr);
        for (int d = 0; same && d < x->ndim; d++)
            same = dy.shape[d] == x->shape[d];
        if (!same) {
            rc = cli_error("%s must have the dtype and shape of %s", a.pos[1], a.pos[0]);
            goto out;
        }
    }
    activ_npy shp = evalx_shape16(x);
    activ_params p;
    if ((rc = fnargs_params(&a, &shp, &p)) != CLI_OK)
        goto out;
    size_t np = a.kind == ACTIV_PRELU ? p.channels : 1;
    if (a.dparam && !(dparam = calloc(np, sizeof *dparam))) {
        rc = cli_error("out of memory");
        goto out;
    }
    activ_status s;
    if (!grad)
        s = activ_forward16(dt, a.kind, &p, x->data, x->data, x->n);
    else if (a.from_output)
        s = activ_backward_from_output16(dt, a.kind, &p, x->data, dy.data, dy.data, x->n);
    else
        s = activ_backward16(dt, a.kind, &p, x->data, dy.data, dy.data, x->n, dparam);
    if (s != ACTIV_OK) {
        rc = cli_error("%s%s: %s", activ_kind_name(a.kind), grad ? " backward" : "", activ_status_str(s));
        goto out;
    }
    if (a.dparam) {
        size_t shape1[1] = {np};
        const size_t *shape = shape1;
        int nd = 1;
        if (a.kind == ACTIV_PRELU && a.alpha_npy)
            shape = a.slopes.shape, nd = a.slopes.ndim;
        if ((s = activ_npy_write(a.dparam, dparam, shape, nd)) != ACTIV_OK) {
            rc = cli_error("cannot write '%s': %s", a.dparam, activ_status_str(s));
            goto out;
        }
    }
    const activ_npy16 *o = grad ? &dy : x;
    const char *path = a.pos[grad ? 2 : 1];
    if ((s = activ_npy_write16(path, o->data, o->descr, o->shape, o->ndim)) != ACTIV_OK)
        rc = cli_error("cannot write '%s': %s", path, activ_status_str(s));
out:
    free(dparam);
    activ_npy16_free(&dy);
    fnargs_free(&a);
    return rc;
}

int evalx(int argc, char **argv, int grad)
{
    const char *func = NULL, *first = NULL, *dtype = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--dtype") && i + 1 < argc)
            dtype = argv[i + 1];
        if (takes_value(argv[i])) {
            i++;
            continue;
        }
        if (argv[i][0] == '-' && argv[i][1] == '-')
            continue;
        if (!func)
            func = argv[i];
        else if (!first)
            first = argv[i];
    }
    if (!func)
        return -1;
    if (!strcmp(func, "softmax") || !strcmp(func, "log_softmax"))
        return run_softmax(argc, argv, grad, func[0] == 'l');
    activ_glu_kind gk;
    if (activ_glu_from_name(func, &gk) == ACTIV_OK)
        return run_glu(argc, argv, grad, gk);
    /* 16-bit element-wise: --dtype given, or the input is a 16-bit .npy */
    if (!first)
        return dtype ? cli_usage(argv[0], "missing input file") : -1;
    activ_npy16 x;
    char err[512];
    if (activ_npy_read16(first, &x, err, sizeof err) != ACTIV_OK) {
        if (!dtype)
            return -1; /* fp32 (or an error the fp32 path reports) */
        return cli_error("%s", err);
    }
    int rc = run_16(argc, argv, grad, dtype, &x);
    activ_npy16_free(&x);
    return rc;
}
