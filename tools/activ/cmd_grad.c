/* cmd_grad.c - activ grad FUNC [options] IN.npy DY.npy DX.npy [--dparam DP.npy]:
 * dx = dy * f'(x) (or from the output y), plus dalpha / dbeta. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "evalx.h"
#include "fnargs.h"
#include "activ_internal/io.h"

int cmd_grad(int argc, char **argv)
{
    int rc = evalx(argc, argv, 1); /* softmax, gated units, 16-bit data: cmd_evalx.c */
    if (rc >= 0)
        return rc;
    fnargs a;
    rc = fnargs_parse(&a, argc, argv, 1);
    if (rc >= 0)
        return rc;
    activ_npy x = {0}, dy = {0};
    char err[512];
    float *dparam = NULL;
    activ_afile out[2] = {{0}, {0}};
    /* --dparam may not name DX or an input: one would silently replace the other */
    if (a.dparam) {
        const char *clash = cli_same_file(a.dparam, a.pos[2]) ? "DX" : cli_same_file(a.dparam, a.pos[0]) ? "IN"
                          : cli_same_file(a.dparam, a.pos[1]) ? "DY"
                          : cli_same_file(a.dparam, a.alpha_npy) ? "--alpha-npy" : NULL;
        if (clash) {
            rc = cli_usage("grad", "--dparam '%s' names the same file as %s; give it a file of its own", a.dparam, clash);
            goto out;
        }
    }
    if (activ_npy_read(a.pos[0], &x, err, sizeof err) != ACTIV_OK ||
        activ_npy_read(a.pos[1], &dy, err, sizeof err) != ACTIV_OK) {
        rc = cli_error("%s", err);
        goto out;
    }
    if (!evalx_same_shape(&x, &dy)) {
        rc = evalx_shape_error(a.pos[0], &x, a.pos[1], &dy);
        goto out;
    }
    activ_params p;
    if ((rc = fnargs_params(&a, &x, &p)) != CLI_OK)
        goto out;
    size_t np = a.kind == ACTIV_PRELU ? p.channels : 1;
    if (a.dparam && !(dparam = calloc(np, sizeof *dparam))) {
        rc = cli_error("out of memory");
        goto out;
    }
    /* in place: dy becomes dx */
    activ_status s = a.from_output ? activ_backward_from_output(a.kind, &p, x.data, dy.data, dy.data, x.n)
                                   : activ_backward(a.kind, &p, x.data, dy.data, dy.data, x.n, dparam);
    if (s != ACTIV_OK) {
        rc = cli_error("%s backward: %s", activ_kind_name(a.kind), activ_status_str(s));
        goto out;
    }
    /* DX and DP are committed together: both whole, or neither left behind */
    const char *names[2] = {a.pos[2], a.dparam};
    int nout = a.dparam ? 2 : 1;
    for (int i = 0; i < nout; i++)
        if ((s = activ_afile_open(&out[i], names[i])) != ACTIV_OK) {
            rc = cli_write_error(names[i], s);
            goto out;
        }
    if ((s = activ_npy_fwrite(out[0].fp, dy.data, dy.shape, dy.ndim)) != ACTIV_OK) {
        rc = cli_write_error(names[0], s);
        goto out;
    }
    if (a.dparam) {
        size_t shape1[1] = {np};
        const size_t *shape = shape1;
        int nd = 1;
        if (a.kind == ACTIV_PRELU && a.alpha_npy) {
            shape = a.slopes.shape; /* dalpha has the slopes' shape */
            nd = a.slopes.ndim;
        }
        if ((s = activ_npy_fwrite(out[1].fp, dparam, shape, nd)) != ACTIV_OK) {
            rc = cli_write_error(names[1], s);
            goto out;
        }
    }
    if ((s = activ_afile_commit_all(out, nout)) != ACTIV_OK)
        rc = cli_error("cannot write '%s'%s%s: %s", names[0], nout > 1 ? " and " : "", nout > 1 ? names[1] : "",
                       strerror(errno));
out:
    activ_afile_abort(&out[0]);
    activ_afile_abort(&out[1]);
    free(dparam);
    activ_npy_free(&x);
    activ_npy_free(&dy);
    fnargs_free(&a);
    return rc;
}
