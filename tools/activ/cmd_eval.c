/* cmd_eval.c - activ eval FUNC [options] IN.npy OUT.npy: y = f(x) on an fp32 .npy. */
#include <stdio.h>

#include "cli.h"
#include "evalx.h"
#include "fnargs.h"

int cmd_eval(int argc, char **argv)
{
    int rc = evalx(argc, argv, 0); /* softmax, gated units, 16-bit data: cmd_evalx.c */
    if (rc >= 0)
        return rc;
    fnargs a;
    rc = fnargs_parse(&a, argc, argv, 0);
    if (rc >= 0)
        return rc;
    activ_npy x;
    char err[512];
    if (activ_npy_read(a.pos[0], &x, err, sizeof err) != ACTIV_OK)
        return cli_error("%s", err);
    activ_params p;
    rc = fnargs_params(&a, &x, &p);
    if (rc == CLI_OK) {
        /* in place: x becomes y */
        activ_status s = activ_forward(a.kind, &p, x.data, x.data, x.n);
        if (s != ACTIV_OK)
            rc = cli_error("%s: %s", activ_kind_name(a.kind), activ_status_str(s));
        else if ((s = activ_npy_write(a.pos[1], x.data, x.shape, x.ndim)) != ACTIV_OK)
            rc = cli_write_error(a.pos[1], s);
    }
    activ_npy_free(&x);
    fnargs_free(&a);
    return rc;
}
