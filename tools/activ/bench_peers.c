/* bench_peers.c - oneDNN 2.6 eltwise/prelu and XNNPACK (Debian's 2022 snapshot) wrapped for
 * 'activ bench'. Real only with ACTIV_BENCH_PEERS=1 (CMake option ACTIV_BENCH_PEERS=ON);
 * otherwise stubs that find no peers, so the default build links neither library.
 *
 * What each peer is asked to do (the same math and parameters as activ's row):
 *   oneDNN   eltwise_relu (alpha = leaky slope), eltwise_elu, eltwise_swish (alpha = beta),
 *            eltwise_logistic, eltwise_tanh, eltwise_gelu_erf, eltwise_gelu_tanh,
 *            eltwise_soft_relu (softplus, beta 1), eltwise_mish, eltwise_logsigmoid (these five
 *            forward and backward from x; oneDNN has no from-output form of them); backward from x with the plain algorithm and
 *            from y with *_use_dst_for_bwd; prelu forward/backward (with diff_weights) for
 *            both layouts. Threads: OpenMP (omp_set_num_threads, looked up at run time).
 *   XNNPACK  clamp [0, inf) for relu, leaky_relu, elu, sigmoid, prelu (channels last);
 *            forward only (it is an inference library; this snapshot has no tanh or swish).
 *            Threads: a pthreadpool of the row's size (none for 1 thread).
 */
#if ACTIV_BENCH_PEERS
#define _GNU_SOURCE /* RTLD_DEFAULT */
#endif
#include "bench_peers.h"

#include <stdio.h>

#if ACTIV_BENCH_PEERS

#include <dlfcn.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <dnnl.h>
#include <pthreadpool.h>
#include <xnnpack.h>

static dnnl_engine_t dn_engine;
static dnnl_stream_t dn_stream;
static int dn_ok, xn_ok;
static void (*omp_set)(int);
static pthreadpool_t xn_pool;
static int cur_threads = 1;
static char describe_buf[256];

#define BENCH_GOMP_SPINCOUNT "30000" /* about a millisecond */

void bench_peers_reexec(char **argv)
{
    if (getenv("OMP_WAIT_POLICY") || getenv("GOMP_SPINCOUNT"))
        return;
    if (setenv("GOMP_SPINCOUNT", BENCH_GOMP_SPINCOUNT, 1))
        return;
    execv("/proc/self/exe", argv);
    unsetenv("GOMP_SPINCOUNT"); /* exec failed: carry on as we are */
}

int bench_peers_available(void)
{
    return 1;
}

const char *bench_peers_describe(void)
{
    if (!describe_buf[0]) {
        const dnnl_version_t *v = dnnl_version();
        snprintf(describe_buf, sizeof describe_buf, "oneDNN %d.%d.%d%s, XNNPACK (Debian 2022 snapshot)%s",
                 v->major, v->minor, v->patch, dn_ok ? "" : " (failed to start)",
                 xn_ok ? "" : " (failed to start)");
    }
    return describe_buf;
}

int bench_peers_init(int max_threads, char *err, size_t errlen)
{
    (void)max_threads;
    err[0] = 0;
    if (dnnl_engine_create(&dn_engine, dnnl_cpu, 0) == dnnl_success &&
        dnnl_stream_create(&dn_stream, dn_engine, dnnl_stream_default_flags) == dnnl_success)
        dn_ok = 1;
    else
        snprintf(err, errlen, "oneDNN: no CPU engine");
    /* oneDNN's Debian build threads with OpenMP; libgomp is loaded with it. */
    omp_set = (void (*)(int))dlsym(RTLD_DEFAULT, "omp_set_num_threads");
    if (xnn_initialize(NULL) == xnn_status_success)
        xn_ok = 1;
    else
        snprintf(err, errlen, "XNNPACK: xnn_initialize failed (CPU not supported?)");
    return dn_ok || xn_ok ? 0 : -1;
}

void bench_peers_set_threads(int nthreads)
{
    if (nthreads < 1)
        nthreads = 1;
    if (omp_set)
        omp_set(nthreads);
    if (nthreads != cur_threads) {
        if (xn_pool)
            pthreadpool_destroy(xn_pool);
        xn_pool = nthreads > 1 ? pthreadpool_create((size_t)nthreads) : NULL;
    }
    cur_threads = nthreads;
}

void bench_peers_shutdown(void)
{
    if (xn_pool)
        pthreadpool_destroy(xn_pool);
    xn_pool = NULL;
    if (xn_ok)
        xnn_deinitialize();
    if (dn_stream)
        dnnl_stream_destroy(dn_stream);
    if (dn_engine)
        dnnl_engine_destroy(dn_engine);
    dn_stream = NULL;
    dn_engine = NULL;
    dn_ok = xn_ok = 0;
}

/* ---- oneDNN ---- */

typedef struct {
    dnnl_primitive_t prim;
    int nargs;
    dnnl_exec_arg_t args[6];
} dn_impl;

static void dn_run(bench_peer_op *op)
{
    dn_impl *d = op->impl;
    if (dnnl_primitive_execute(d->prim, dn_stream, d->nargs, d->args) != dnnl_success ||
        dnnl_stream_wait(dn_stream) != dnnl_success)
        op->failed = 1;
}

static void dn_release(bench_peer_op *op)
{
    dn_impl *d = op->impl;
    if (!d)
        return;
    for (int i = 0; i < d->nargs; i++)
        dnnl_memory_destroy(d->args[i].memory);
    if (d->prim)
        dnnl_primitive_destroy(d->prim);
    free(d);
    op->impl = NULL;
}

static int dn_arg(dn_impl *d, int arg, const dnnl_memory_desc_t *md, const float *ptr)
{
    dnnl_memory_t m;
    if (dnnl_memory_create(&m, md, dn_engine, (void *)ptr) != dnnl_success)
        return -1;
    d->args[d->nargs].arg = arg;
    d->args[d->nargs].memory = m;
    d->nargs++;
    return 0;
}

/* Creates the primitive from op_desc (with a forward hint for backward). Returns 0 or -1. */
static int dn_make(dn_impl *d, const_dnnl_op_desc_t desc, const_dnnl_op_desc_t hint_desc)
{
    dnnl_primitive_desc_t pd = NULL, hint = NULL;
    int rc = -1;
    if (hint_desc && dnnl_primitive_desc_create(&hint, hint_desc, NULL, dn_engine, NULL) != dnnl_success)
        return -1;
    if (dnnl_primitive_desc_create(&pd, desc, NULL, dn_engine, hint) == dnnl_success &&
        dnnl_primitive_create(&d->prim, pd) == dnnl_success)
        rc = 0;
    if (pd)
        dnnl_primitive_desc_destroy(pd);
    if (hint)
        dnnl_primitive_desc_destroy(hint);
    return rc;
}

/* oneDNN's prelu for (N, C, S) data: channels-last (inner 1) is tag acb, planar is abc;
 * weights (1, C, 1). No from-output form. Returns 1 when prepared. */
static int dn_prepare_prelu(const bench_problem *p, bench_peer_op *op, dn_impl *d)
{
    int ok = 0;
    size_t C = p->channels, S = p->inner == 1 ? p->n / C : p->inner;
    dnnl_dims_t dims = {(dnnl_dim_t)(p->n / (C * S)), (dnnl_dim_t)C, (dnnl_dim_t)S};
    dnnl_dims_t wdims = {1, (dnnl_dim_t)C, 1};
    dnnl_memory_desc_t md, wmd;
    if (p->dir == BENCH_BWDY ||
        dnnl_memory_desc_init_by_tag(&md, 3, dims, dnnl_f32, p->inner == 1 ? dnnl_acb : dnnl_abc) != dnnl_success ||
        dnnl_memory_desc_init_by_tag(&wmd, 3, wdims, dnnl_f32, dnnl_abc) != dnnl_success)
        return 0;
    dnnl_prelu_desc_t fd, bd;
    if (dnnl_prelu_forward_desc_init(&fd, p->dir == BENCH_FWD ? dnnl_forward_inference : dnnl_forward_training,
                                     &md, &wmd) != dnnl_success)
        return 0;
    if (p->dir == BENCH_FWD) {
        op->what = "prelu_forward";
        ok = !dn_make(d, &fd, NULL) && !dn_arg(d, DNNL_ARG_SRC, &md, p->x) &&
             !dn_arg(d, DNNL_ARG_WEIGHTS, &wmd, p->slopes) && !dn_arg(d, DNNL_ARG_DST, &md, p->out);
    } else {
        op->what = "prelu_backward (with diff_weights)";
        ok = dnnl_prelu_backward_desc_init(&bd, &md, &wmd, &md, &wmd) == dnnl_success &&
             !dn_make(d, &bd, &fd) && !dn_arg(d, DNNL_ARG_SRC, &md, p->x) &&
             !dn_arg(d, DNNL_ARG_WEIGHTS, &wmd, p->slopes) && !dn_arg(d, DNNL_ARG_DIFF_DST, &md, p->dy) &&
             !dn_arg(d, DNNL_ARG_DIFF_SRC, &md, p->out) && !dn_arg(d, DNNL_ARG_DIFF_WEIGHTS, &wmd, p->dparam);
    }
    return ok;
}

/* oneDNN's eltwise algorithm for the kind (and its use_dst_for_bwd form, or undef), with
 * its alpha; 0 when oneDNN has none. */
static int dn_alg(const bench_problem *p, bench_peer_op *op, dnnl_alg_kind_t *alg_out, dnnl_alg_kind_t *alg_dst_out,
                  float *alpha_out)
{
    dnnl_alg_kind_t alg, alg_dst = dnnl_alg_kind_undef;
    float alpha = 0.0f;
    switch (p->kind) {
    case ACTIV_RELU:
        alg = dnnl_eltwise_relu;
        alg_dst = dnnl_eltwise_relu_use_dst_for_bwd;
        op->what = "eltwise_relu";
        break;
    case ACTIV_LEAKY_RELU:
        alg = dnnl_eltwise_relu;
        alg_dst = dnnl_eltwise_relu_use_dst_for_bwd;
        alpha = p->alpha;
        op->what = "eltwise_relu alpha";
        break;
    case ACTIV_ELU:
        alg = dnnl_eltwise_elu;
        alg_dst = dnnl_eltwise_elu_use_dst_for_bwd;
        alpha = p->alpha;
        op->what = "eltwise_elu";
        break;
    case ACTIV_SWISH:
        alg = dnnl_eltwise_swish;
        alpha = p->beta;
        op->what = "eltwise_swish";
        break;
    case ACTIV_SIGMOID:
        alg = dnnl_eltwise_logistic;
        alg_dst = dnnl_eltwise_logistic_use_dst_for_bwd;
        op->what = "eltwise_logistic";
        break;
    case ACTIV_TANH:
        alg = dnnl_eltwise_tanh;
        alg_dst = dnnl_eltwise_tanh_use_dst_for_bwd;
        op->what = "eltwise_tanh";
        break;
    case ACTIV_GELU:
        alg = dnnl_eltwise_gelu_erf;
        op->what = "eltwise_gelu_erf";
        break;
    case ACTIV_GELU_TANH:
        alg = dnnl_eltwise_gelu_tanh;
        op->what = "eltwise_gelu_tanh";
        break;
    case ACTIV_SOFTPLUS:
        /* oneDNN 2.6's soft_relu is log(1 + e^x): beta 1 only (no switch: above 20 both
         * round to x in fp32) */
        if (p->beta != 1.0f)
            return 0;
        alg = dnnl_eltwise_soft_relu;
        op->what = "eltwise_soft_relu";
        break;
    case ACTIV_MISH:
        alg = dnnl_eltwise_mish;
        op->what = "eltwise_mish";
        break;
    case ACTIV_LOGSIGMOID:
        alg = dnnl_eltwise_logsigmoid;
        op->what = "eltwise_logsigmoid";
        break;
    default:
        return 0;
    }
    *alg_out = alg, *alg_dst_out = alg_dst, *alpha_out = alpha;
    return 1;
}

static int dn_prepare(const bench_problem *p, bench_peer_op *op)
{
    dn_impl *d = calloc(1, sizeof *d);
    if (!d)
        return 0;
    op->name = "oneDNN";
    op->run = dn_run;
    op->release = dn_release;
    op->quiesce = NULL;
    op->impl = d;
    op->failed = 0;
    int ok = 0;
    dnnl_alg_kind_t alg, alg_dst;
    float alpha, beta = 0.0f;
    if (p->kind == ACTIV_PRELU) {
        ok = dn_prepare_prelu(p, op, d);
        goto done;
    }
    if (!dn_alg(p, op, &alg, &alg_dst, &alpha))
        goto done;
    if (p->dir == BENCH_BWDY) {
        if (alg_dst == dnnl_alg_kind_undef)
            goto done;
        alg = alg_dst;
        op->what = p->kind == ACTIV_RELU ? "eltwise_relu_use_dst_for_bwd"
                   : p->kind == ACTIV_LEAKY_RELU ? "eltwise_relu_use_dst_for_bwd alpha"
                   : p->kind == ACTIV_ELU ? "eltwise_elu_use_dst_for_bwd"
                   : p->kind == ACTIV_SIGMOID ? "eltwise_logistic_use_dst_for_bwd"
                                               : "eltwise_tanh_use_dst_for_bwd";
    }
    dnnl_dims_t dims = {(dnnl_dim_t)p->n};
    dnnl_memory_desc_t md;
    dnnl_eltwise_desc_t fd, bd;
    if (dnnl_memory_desc_init_by_tag(&md, 1, dims, dnnl_f32, dnnl_a) != dnnl_success ||
        dnnl_eltwise_forward_desc_init(&fd, p->dir == BENCH_FWD ? dnnl_forward_inference : dnnl_forward_training,
                                       alg, &md, alpha, beta) != dnnl_success)
        goto done;
    if (p->dir == BENCH_FWD) {
        ok = !dn_make(d, &fd, NULL) && !dn_arg(d, DNNL_ARG_SRC, &md, p->x) && !dn_arg(d, DNNL_ARG_DST, &md, p->out);
    } else {
        ok = dnnl_eltwise_backward_desc_init(&bd, alg, &md, &md, alpha, beta) == dnnl_success &&
             !dn_make(d, &bd, &fd) &&
             !dn_arg(d, p->dir == BENCH_BWDY ? DNNL_ARG_DST : DNNL_ARG_SRC, &md, p->dir == BENCH_BWDY ? p->y : p->x) &&
             !dn_arg(d, DNNL_ARG_DIFF_DST, &md, p->dy) && !dn_arg(d, DNNL_ARG_DIFF_SRC, &md, p->out);
    }
done:
    if (!ok)
        dn_release(op);
    return ok;
}

/* ---- XNNPACK ---- */

static void xn_run(bench_peer_op *op)
{
    if (xnn_run_operator((xnn_operator_t)op->impl, xn_pool) != xnn_status_success)
        op->failed = 1;
}

static void xn_noop(void *ctx, size_t i)
{
    (void)ctx;
    (void)i;
}

/* pthreadpool workers spin-wait for the next command unless told to yield. */
static void xn_quiesce(bench_peer_op *op)
{
    (void)op;
    if (xn_pool)
        pthreadpool_parallelize_1d(xn_pool, xn_noop, NULL, 64, PTHREADPOOL_FLAG_YIELD_WORKERS); /* range > 1, or it runs inline */
}

static void xn_release(bench_peer_op *op)
{
    if (op->impl)
        xnn_delete_operator((xnn_operator_t)op->impl);
    op->impl = NULL;
}

static int xn_prepare(const bench_problem *p, bench_peer_op *op)
{
    xnn_operator_t x = NULL;
    enum xnn_status s = xnn_status_unsupported_parameter;
    size_t batch = p->n;
    if (p->dir != BENCH_FWD || p->n == 0)
        return 0;
    op->name = "XNNPACK";
    op->run = xn_run;
    op->release = xn_release;
    op->quiesce = xn_quiesce;
    op->failed = 0;
    switch (p->kind) {
    case ACTIV_RELU:
        op->what = "clamp_nc_f32 [0, inf)";
        if ((s = xnn_create_clamp_nc_f32(1, 1, 1, 0.0f, INFINITY, 0, &x)) == xnn_status_success)
            s = xnn_setup_clamp_nc_f32(x, batch, p->x, p->out, xn_pool);
        break;
    case ACTIV_LEAKY_RELU:
        op->what = "leaky_relu_nc_f32";
        if ((s = xnn_create_leaky_relu_nc_f32(1, 1, 1, p->alpha, 0, &x)) == xnn_status_success)
            s = xnn_setup_leaky_relu_nc_f32(x, batch, p->x, p->out, xn_pool);
        break;
    case ACTIV_ELU:
        op->what = "elu_nc_f32";
        if ((s = xnn_create_elu_nc_f32(1, 1, 1, p->alpha, 0, &x)) == xnn_status_success)
            s = xnn_setup_elu_nc_f32(x, batch, p->x, p->out, xn_pool);
        break;
    case ACTIV_SIGMOID:
        op->what = "sigmoid_nc_f32";
        if ((s = xnn_create_sigmoid_nc_f32(1, 1, 1, 0, &x)) == xnn_status_success)
            s = xnn_setup_sigmoid_nc_f32(x, batch, p->x, p->out, xn_pool);
        break;
    case ACTIV_PRELU:
        if (p->inner != 1) /* XNNPACK's prelu is channels-last only */
            return 0;
        op->what = "prelu_nc_f32";
        if ((s = xnn_create_prelu_nc_f32(p->channels, p->channels, p->channels, p->slopes, 0, &x)) ==
            xnn_status_success)
            s = xnn_setup_prelu_nc_f32(x, p->n / p->channels, p->x, p->out, xn_pool);
        break;
    default:
        return 0;
    }
    if (s != xnn_status_success) {
        if (x)
            xnn_delete_operator(x);
        return 0;
    }
    op->impl = x;
    return 1;
}

int bench_peers_prepare(const bench_problem *p, bench_peer_op *ops, int maxops)
{
    int k = 0;
    if (xn_ok && k < maxops && xn_prepare(p, &ops[k]))
        k++;
    if (dn_ok && k < maxops && dn_prepare(p, &ops[k]))
        k++;
    return k;
}

#else /* !ACTIV_BENCH_PEERS */

void bench_peers_reexec(char **argv)
{
    (void)argv;
}

int bench_peers_available(void)
{
    return 0;
}

const char *bench_peers_describe(void)
{
    return "none (configure with -DACTIV_BENCH_PEERS=ON to time oneDNN and XNNPACK)";
}

int bench_peers_init(int max_threads, char *err, size_t errlen)
{
    (void)max_threads;
    snprintf(err, errlen, "this activ was built without ACTIV_BENCH_PEERS");
    return -1;
}

void bench_peers_set_threads(int nthreads)
{
    (void)nthreads;
}

int bench_peers_prepare(const bench_problem *p, bench_peer_op *ops, int maxops)
{
    (void)p;
    (void)ops;
    (void)maxops;
    return 0;
}

void bench_peers_shutdown(void)
{
}

#endif
