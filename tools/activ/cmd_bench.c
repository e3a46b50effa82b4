/* cmd_bench.c - 'activ bench': every kernel's speed against memcpy and a 3-array stream
 * measured in the same run (and oneDNN/XNNPACK with ACTIV_BENCH_PEERS=ON).
 *
 * Method. Each row is one function, direction, size and thread count. Its series (activ
 * through the public API, memcpy, the 3-array stream c = a + b, each peer) run on the same
 * buffers. Each series is first calibrated and warmed up: a repetition loops the call
 * enough times to last at least --min-time (20 ms). The repetitions of the series are then
 * interleaved (activ, memcpy, stream, peers, activ, ...) so slow drift on a shared machine
 * hits them alike, and the median repetition is reported. Inputs are N(0, 3) (half
 * negative, no subnormals), dy is N(0, 1). GB/s counts bytes read + written: forward and
 * memcpy 8 B per element, backward and the 3-array stream 12 B.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activ.h"
#include "activ_internal/rng.h"
#include "bench.h"
#include "bench_peers.h"
#include "bench_stream.h"
#include "cli.h"
#include "json.h"
#include "kindargs.h"

#define CHECK_N 65536 /* elements compared between activ and each peer before timing */

/* one row per kind of the manifest; prelu twice (channels-last here, planar at the end) */
static const bench_variant variants[] = {
#define BENCH_X_(name, K, ...) \
    {(K) == ACTIV_PRELU ? "prelu/nsc" : #name, K, (K) == ACTIV_PRELU ? "nsc" : NULL},
    ACTIV_FOREACH_KIND(BENCH_X_)
#undef BENCH_X_
    {"prelu/ncs", ACTIV_PRELU, "ncs"},
};
#define NVARIANTS (sizeof variants / sizeof variants[0])

/* ---- what a series calls ---- */

typedef struct {
    bench_problem p;
    activ_params prm;
    activ_status st;
} activ_ctx;

static void activ_call(void *c)
{
    activ_ctx *a = c;
    const bench_problem *p = &a->p;
    activ_status s;
    if (p->dir == BENCH_FWD)
        s = activ_forward(p->kind, &a->prm, p->x, p->out, p->n);
    else if (p->dir == BENCH_BWD)
        s = activ_backward(p->kind, &a->prm, p->x, p->dy, p->out, p->n, p->dparam);
    else
        s = activ_backward_from_output(p->kind, &a->prm, p->y, p->dy, p->out, p->n);
    if (s != ACTIV_OK && a->st == ACTIV_OK)
        a->st = s;
}

typedef struct {
    float *out;
    const float *a, *b;
    size_t n;
    int threads;
} base_ctx;

static void memcpy_call(void *c)
{
    base_ctx *b = c;
    bench_memcpy(b->out, b->a, b->n, b->threads);
}

static void stream3_call(void *c)
{
    base_ctx *b = c;
    bench_stream3(b->out, b->a, b->b, b->n, b->threads);
}

static void peer_call(void *c)
{
    bench_peer_op *op = c;
    op->run(op);
}

/* ---- data ---- */

/* N(0, sigma), never subnormal or tiny (|v| >= 1e-6), from the CLI's one generator. */
static void fill_normal(float *a, size_t n, double sigma, uint64_t seed)
{
    for (size_t i = 0; i < n; i += 2) {
        double u = activ_splitmix64_open01(&seed), w = activ_splitmix64_open01(&seed);
        double r = sigma * sqrt(-2.0 * log(u));
        double z[2] = {r * cos(6.283185307179586 * w), r * sin(6.283185307179586 * w)};
        for (int j = 0; j < 2 && i + (size_t)j < n; j++) {
            double v = z[j];
            if (fabs(v) < 1e-6)
                v = v < 0 ? -1e-6 : 1e-6;
            a[i + (size_t)j] = (float)v;
        }
    }
}

static float *alloc_floats(size_t n)
{
    size_t bytes = (n * sizeof(float) + 63) / 64 * 64;
    return aligned_alloc(64, bytes ? bytes : 64);
}

/* Largest relative disagreement between a and b (absolute below 1e-6), and its index. */
static double disagreement(const float *a, const float *b, size_t n, size_t *where)
{
    double worst = 0;
    *where = 0;
    for (size_t i = 0; i < n; i++) {
        double d = fabs((double)a[i] - (double)b[i]);
        double e = d <= 1e-6 ? 0 : d / fmax(fabs((double)a[i]), 1e-6);
        if (!(e <= worst)) {
            worst = isnan(e) ? INFINITY : e;
            *where = i;
        }
    }
    return worst;
}

/* ---- the run ---- */

/* Everything the rows share: the options, the buffers (x, dy, y = f(x), res the output,
 * chk activ's result for the peers' check), where the table goes, the rows so far. */
typedef struct {
    const bench_options *o;
    size_t nmax;
    float *x, *dy, *y, *res, *chk, *slopes, *dparam;
    FILE *out;
    int want_peers;
    bench_row *rows;
    int nrows, failures;
} bench_run;

/* Prepares the peers for the problem, runs each once and checks it against activ's result
 * (chk, the first m elements). Returns how many ops were prepared. */
static int prepare_peers(bench_run *b, const bench_problem *p, bench_row *w, size_t m, bench_peer_op *ops)
{
    int nops = 0;
    if (b->want_peers) {
        bench_peers_set_threads(w->threads);
        nops = bench_peers_prepare(p, ops, BENCH_MAX_PEERS);
    }
    for (int k = 0; k < nops; k++) {
        bench_peer_result *pr = &w->peers[k];
        pr->name = ops[k].name;
        pr->what = ops[k].what;
        memset(b->res, 0, m * sizeof *b->res);
        ops[k].run(&ops[k]);
        size_t where;
        double e = disagreement(b->chk, b->res, m, &where);
        pr->agrees = e <= 1e-3 && !ops[k].failed;
        if (!pr->agrees)
            cli_warn("%s %s n=%zu: %s %s disagrees with activ (x=%g: activ %g, peer %g); timed anyway",
                     w->v->label, bench_dir_names[w->dir], w->n, ops[k].name, ops[k].what,
                     (double)b->x[where], (double)b->chk[where], (double)b->res[where]);
    }
    w->npeers = nops;
    for (int k = 0; k < nops; k++) /* a new pthreadpool spins from the start */
        if (ops[k].quiesce)
            ops[k].quiesce(&ops[k]);
    return nops;
}

/* One row: variant v, direction dir, n elements, T threads (prm set up for v and n). */
static void run_row(bench_run *b, const bench_variant *v, int dir, size_t n, int T, const activ_params *prm)
{
    activ_status s = activ_set_num_threads(T);
    if (s != ACTIV_OK) {
        cli_error("activ_set_num_threads(%d): %s", T, activ_status_str(s));
        b->failures++;
        return;
    }
    activ_ctx ac = {.prm = *prm, .st = ACTIV_OK};
    ac.p = (bench_problem){.kind = v->kind, .dir = dir, .n = n, .alpha = prm->alpha, .beta = prm->beta,
                           .slopes = b->slopes, .channels = prm->channels, .inner = prm->inner, .x = b->x,
                           .dy = b->dy, .y = b->y, .out = b->res,
                           .dparam = dir == BENCH_BWD && ka_dparam(v->kind) != ACTIV_DP_NONE ? b->dparam : NULL};

    /* activ first: its result is what the peers are checked against */
    activ_call(&ac);
    if (ac.st != ACTIV_OK) {
        cli_error("%s %s n=%zu: %s", v->label, bench_dir_names[dir], n, activ_status_str(ac.st));
        b->failures++;
        return;
    }
    size_t m = n < CHECK_N ? n : CHECK_N;
    memcpy(b->chk, b->res, m * sizeof *b->chk);

    bench_row *w = &b->rows[b->nrows];
    *w = (bench_row){.v = v, .dir = dir, .n = n, .threads = T, .inner = prm->inner};
    bench_peer_op ops[BENCH_MAX_PEERS];
    int nops = prepare_peers(b, &ac.p, w, m, ops);

    bench_series sr[3 + BENCH_MAX_PEERS];
    base_ctx bc = {b->res, b->x, b->dy, n, T};
    int ns = 0;
    sr[ns++] = (bench_series){.name = "activ", .fn = activ_call, .ctx = &ac};
    sr[ns++] = (bench_series){.name = "memcpy", .fn = memcpy_call, .ctx = &bc};
    sr[ns++] = (bench_series){.name = "stream3", .fn = stream3_call, .ctx = &bc};
    for (int k = 0; k < nops; k++)
        sr[ns++] = (bench_series){.name = ops[k].name, .fn = peer_call, .ctx = &ops[k], .peer = &ops[k]};
    bench_time_series(sr, ns, b->o->reps, b->o->min_s, T);
    if (ac.st != ACTIV_OK) {
        cli_error("%s %s n=%zu: %s", v->label, bench_dir_names[dir], n, activ_status_str(ac.st));
        b->failures++;
    }
    w->activ_s = sr[0].med;
    memcpy(w->activ_reps, sr[0].t, (size_t)b->o->reps * sizeof(double));
    w->memcpy_s = sr[1].med;
    w->stream3_s = sr[2].med;
    for (int k = 0; k < nops; k++) {
        w->peers[k].failed = ops[k].failed;
        w->peers[k].gbps = bench_gbps(bench_dir_bytes[dir], n, sr[3 + k].med);
        ops[k].release(&ops[k]);
    }
    b->nrows++;
    bench_print_row(b->out, w, b->want_peers);
    fflush(b->out);
}

/* Every direction, size and thread count of one variant. */
static void run_variant(bench_run *b, const bench_variant *v)
{
    const bench_options *o = b->o;
    activ_params prm = activ_default_params(v->kind);
    prm.slopes = b->slopes;
    prm.channels = v->kind == ACTIV_PRELU ? BENCH_PRELU_C : 1;
    int y_ready = 0;
    int warned_size[BENCH_MAX_SIZES] = {0};
    for (int dir = 0; dir < 3; dir++) {
        if (!o->dirs[dir])
            continue;
        if (dir == BENCH_BWDY && !ka_has_from_output(v->kind))
            continue; /* no from-output form */
        for (int si = 0; si < o->nsizes; si++) {
            size_t n = o->sizes[si];
            prm.inner = 1;
            if (v->kind == ACTIV_PRELU) {
                if (n % BENCH_PRELU_C) {
                    if (!warned_size[si])
                        cli_warn("%s: size %zu is not a multiple of %d channels; skipped", v->label, n,
                                 BENCH_PRELU_C);
                    warned_size[si] = 1;
                    continue;
                }
                /* (N, C, S): S = 1024 (a 32x32 map) when it divides, else one image */
                if (!strcmp(v->layout, "ncs"))
                    prm.inner = n % ((size_t)BENCH_PRELU_C * 1024) == 0 ? 1024 : n / BENCH_PRELU_C;
            }
            if (dir == BENCH_BWDY && !y_ready) {
                activ_set_num_threads(0);
                activ_status s = activ_forward(v->kind, &prm, b->x, b->y, b->nmax);
                if (s != ACTIV_OK) {
                    cli_error("%s forward: %s", v->label, activ_status_str(s));
                    b->failures++;
                    continue;
                }
                y_ready = 1;
            }
            for (int ti = 0; ti < o->nthreads; ti++)
                run_row(b, v, dir, n, o->threads[ti], &prm);
        }
    }
}

/* "activ bench ARGS...": the command line to run again with a short OpenMP spin. */
static void reexec_for_peers(int argc, char **argv)
{
    char **again = calloc((size_t)argc + 2, sizeof *again);
    if (!again)
        return;
    again[0] = "activ";
    for (int i = 0; i < argc; i++)
        again[i + 1] = argv[i];
    bench_peers_reexec(again);
    free(again);
}

/* The rows as JSON, whole, to o->json. Returns CLI_OK or CLI_FAIL. */
static int emit_json(const bench_run *b, const char *cpu, int cpus)
{
    json_doc doc;
    int rc = json_doc_open(&doc);
    if (rc == CLI_OK) {
        bench_write_json(doc.f, b->o, cpu, cpus, b->rows, b->nrows);
        rc = json_doc_emit(&doc, b->o->json);
    }
    return rc;
}

/* Peers wanted and available: starts them. Returns -1 to go on, or the exit code. */
static int start_peers(bench_run *b, int tmax)
{
    char err[256];
    if (!bench_peers_init(tmax, err, sizeof err)) {
        if (err[0])
            cli_warn("%s", err);
        return -1;
    }
    if (b->o->peers > 0)
        return cli_error("--peers: %s", err);
    cli_warn("peers unavailable: %s", err);
    b->want_peers = 0;
    return -1;
}

int cmd_bench(int argc, char **argv)
{
    bench_options o;
    memset(&o, 0, sizeof o);
    int rc = bench_parse_args(&o, argc, argv);
    if (rc >= 0)
        return rc;
    if (o.json && strcmp(o.json, "-") && cli_check_output(o.json) != CLI_OK) /* before the timing */
        return CLI_FAIL;
    if (o.peers >= 0 && bench_peers_available())
        reexec_for_peers(argc, argv);

    char cpu[256];
    bench_cpu_model(cpu, sizeof cpu);
    int cpus = bench_cpu_count();
    bench_run b = {.o = &o, .want_peers = o.peers >= 0 && bench_peers_available()};
    if (o.peers > 0 && !bench_peers_available())
        return cli_error("--peers: this activ was built without ACTIV_BENCH_PEERS "
                         "(configure with -DACTIV_BENCH_PEERS=ON; needs libdnnl-dev, libxnnpack-dev, libpthreadpool-dev)");
    b.out = o.json && !strcmp(o.json, "-") ? stderr : stdout;

    for (int i = 0; i < o.nsizes; i++)
        b.nmax = o.sizes[i] > b.nmax ? o.sizes[i] : b.nmax;
    int tmax = 1;
    for (int i = 0; i < o.nthreads; i++)
        tmax = o.threads[i] > tmax ? o.threads[i] : tmax;

    b.x = alloc_floats(b.nmax), b.dy = alloc_floats(b.nmax), b.y = alloc_floats(b.nmax);
    b.res = alloc_floats(b.nmax), b.chk = alloc_floats(CHECK_N);
    b.slopes = alloc_floats(BENCH_PRELU_C), b.dparam = alloc_floats(BENCH_PRELU_C);
    b.rows = calloc(NVARIANTS * 3 * (size_t)o.nsizes * (size_t)o.nthreads, sizeof *b.rows);
    if (!b.x || !b.dy || !b.y || !b.res || !b.chk || !b.slopes || !b.dparam || !b.rows) {
        rc = cli_error("out of memory for %zu floats per array", b.nmax);
        goto out_free;
    }
    fill_normal(b.x, b.nmax, 3.0, 1);
    fill_normal(b.dy, b.nmax, 1.0, 2);
    memset(b.res, 0, b.nmax * sizeof *b.res);
    for (int c = 0; c < BENCH_PRELU_C; c++)
        b.slopes[c] = 0.05f + 0.4f * (float)c / BENCH_PRELU_C;

    if (bench_pool_start(tmax)) {
        rc = cli_error("cannot start %d threads for the stream baseline", tmax);
        goto out_free;
    }
    if (b.want_peers && (rc = start_peers(&b, tmax)) >= 0)
        goto out_pool;

    bench_print_header(b.out, &o, cpu, cpus, b.want_peers);
    fflush(b.out);
    for (size_t vi = 0; vi < NVARIANTS; vi++)
        if (o.kinds[variants[vi].kind])
            run_variant(&b, &variants[vi]);
    activ_set_num_threads(0);

    rc = b.failures ? CLI_FAIL : CLI_OK;
    if (o.json) {
        int jrc = emit_json(&b, cpu, cpus);
        if (jrc != CLI_OK)
            rc = jrc;
    }
    if (b.want_peers)
        bench_peers_shutdown();
out_pool:
    bench_pool_stop();
out_free:
    free(b.x);
    free(b.dy);
    free(b.y);
    free(b.res);
    free(b.chk);
    free(b.slopes);
    free(b.dparam);
    free(b.rows);
    return rc;
}
