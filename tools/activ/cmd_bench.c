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
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include <ctype.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "activ.h"
#include "bench_peers.h"
#include "bench_stream.h"
#include "cli.h"
#include "kindargs.h"
#include "activ_internal/clock.h"
#include "activ_internal/rng.h"
#include "json.h"

#define MAX_SIZES 16
#define MAX_THREADS 8
#define MAX_REPS 101
#define PRELU_C 64
#define CHECK_N 65536 /* elements compared between activ and each peer before timing */

static const char *const dir_names[3] = {"fwd", "bwd", "bwdy"};
static const int dir_bytes[3] = {8, 12, 12};

/* What a row benchmarks: prelu runs twice, channels-last (N, S, C) and planar (N, C, S). */
typedef struct {
    const char *label;
    activ_kind kind;
    const char *layout; /* NULL, "nsc" or "ncs" */
} variant;

/* one row per kind of the manifest; prelu twice (channels-last here, planar at the end) */
static const variant variants[] = {
#define BENCH_X_(name, K, ...) \
    {(K) == ACTIV_PRELU ? "prelu/nsc" : #name, K, (K) == ACTIV_PRELU ? "nsc" : NULL},
    ACTIV_FOREACH_KIND(BENCH_X_)
#undef BENCH_X_
    {"prelu/ncs", ACTIV_PRELU, "ncs"},
};
#define NVARIANTS (sizeof variants / sizeof variants[0])

typedef struct {
    int kinds[ACTIV_KIND_COUNT];
    int dirs[3];
    size_t sizes[MAX_SIZES];
    int nsizes;
    int threads[MAX_THREADS];
    int nthreads;
    int reps;
    double min_s;
    const char *json;
    int peers; /* -1 off, 0 when built, 1 required */
} options;

/* ---- one timed series ---- */

typedef struct {
    const char *name;
    void (*fn)(void *);
    void *ctx;
    long iters;
    double t[MAX_REPS]; /* seconds per call, one per repetition */
    double med;         /* median seconds per call */
} series;

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

/* Warm-up, then the number of calls that makes one repetition last at least min_s. */
static void calibrate(series *s, double min_s)
{
    s->fn(s->ctx);
    long k = 1;
    double t;
    for (;;) {
        double t0 = activ_now_s();
        for (long i = 0; i < k; i++)
            s->fn(s->ctx);
        t = activ_now_s() - t0;
        if (t >= 0.1 * min_s || k >= (1L << 30))
            break;
        k *= t < 0.01 * min_s ? 8 : 2;
    }
    double it = ceil((double)k * min_s / (t > 1e-9 ? t : 1e-9));
    s->iters = it < 1 ? 1 : it > 1e9 ? 1000000000L : (long)it;
    for (long i = 0; i < s->iters / 2; i++) /* warm-up: half a repetition */
        s->fn(s->ctx);
}

static void time_rep(series *s, int r)
{
    double t0 = activ_now_s();
    for (long i = 0; i < s->iters; i++)
        s->fn(s->ctx);
    s->t[r] = (activ_now_s() - t0) / (double)s->iters;
}

/* Between multi-thread series: lets every pool's spinning workers go to sleep, so the next
 * series gets the cores to itself. */
static void settle(bench_peer_op *op)
{
    if (op && op->quiesce)
        op->quiesce(op);
    struct timespec ts = {0, 5000000};
    nanosleep(&ts, NULL);
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static double median(const double *t, int n)
{
    double v[MAX_REPS];
    memcpy(v, t, (size_t)n * sizeof *v);
    qsort(v, (size_t)n, sizeof *v, cmp_double);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

static double gbps(double bytes_per_elem, size_t n, double sec)
{
    return sec > 0 ? bytes_per_elem * (double)n / sec * 1e-9 : 0.0;
}

/* ---- results ---- */

typedef struct {
    const char *name, *what;
    double gbps;
    int agrees;
    int failed;
} peer_result;

typedef struct {
    const variant *v;
    int dir;
    size_t n;
    size_t inner; /* prelu: elements per channel run (1 = channels last) */
    int threads;
    double activ_s, memcpy_s, stream3_s;
    double activ_reps[MAX_REPS];
    int npeers;
    peer_result peers[BENCH_MAX_PEERS];
} row;

/* ---- the machine ---- */

static void cpu_model(char *buf, size_t len)
{
    snprintf(buf, len, "unknown CPU");
    FILE *f = fopen("/proc/cpuinfo", "r");
    if (!f)
        return;
    char line[512];
    while (fgets(line, sizeof line, f)) {
        if (!strncmp(line, "model name", 10) || !strncmp(line, "Model", 5)) {
            char *c = strchr(line, ':');
            if (!c)
                continue;
            c++;
            while (*c == ' ' || *c == '\t')
                c++;
            c[strcspn(c, "\n")] = 0;
            snprintf(buf, len, "%s", c);
            break;
        }
    }
    fclose(f);
}

static int cpu_count(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return CPU_COUNT(&set);
    return 1;
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

/* ---- parsing ---- */

static void size_label(size_t n, char *buf, size_t len)
{
    if (n >= (1u << 20) && n % (1u << 20) == 0)
        snprintf(buf, len, "%zuM", n >> 20);
    else if (n >= 1024 && n % 1024 == 0)
        snprintf(buf, len, "%zuK", n >> 10);
    else
        snprintf(buf, len, "%zu", n);
}

static int parse_size(const char *s, size_t *out)
{
    char *end;
    if (!isdigit((unsigned char)*s))
        return -1;
    unsigned long long v = strtoull(s, &end, 10);
    unsigned long long mul = 1;
    if (*end == 'K' || *end == 'k')
        mul = 1024, end++;
    else if (*end == 'M' || *end == 'm')
        mul = 1024 * 1024, end++;
    else if (*end == 'G' || *end == 'g')
        mul = 1024ull * 1024 * 1024, end++;
    if (*end || v == 0 || v > (1ull << 31) / mul)
        return -1;
    *out = (size_t)(v * mul);
    return 0;
}

/* Splits a comma list into buf and calls fn on each token; returns the first nonzero. */
static int each_token(const char *list, int (*fn)(const char *tok, void *ctx), void *ctx)
{
    char buf[1024];
    if (!list || !*list || strlen(list) >= sizeof buf)
        return -1;
    strcpy(buf, list);
    int any = 0;
    for (char *t = strtok(buf, ","); t; t = strtok(NULL, ",")) {
        int rc = fn(t, ctx);
        if (rc)
            return rc;
        any = 1;
    }
    return any ? 0 : -1;
}

static int tok_kind(const char *t, void *ctx)
{
    options *o = ctx;
    activ_kind k;
    if (!strcmp(t, "all")) {
        for (int i = 0; i < ACTIV_KIND_COUNT; i++)
            o->kinds[i] = 1;
        return 0;
    }
    int rc = cli_parse_kind("bench", t, &k);
    if (rc)
        return rc;
    o->kinds[k] = 1;
    return 0;
}

static int tok_dir(const char *t, void *ctx)
{
    options *o = ctx;
    if (!strcmp(t, "all")) {
        o->dirs[0] = o->dirs[1] = o->dirs[2] = 1;
        return 0;
    }
    for (int d = 0; d < 3; d++)
        if (!strcmp(t, dir_names[d])) {
            o->dirs[d] = 1;
            return 0;
        }
    return cli_usage("bench", "unknown direction '%s' (use fwd, bwd, bwdy or all)", t);
}

static int tok_size(const char *t, void *ctx)
{
    options *o = ctx;
    size_t n;
    if (parse_size(t, &n))
        return cli_usage("bench", "bad size '%s' (a count of floats such as 4096, 64K or 16M)", t);
    if (o->nsizes >= MAX_SIZES)
        return cli_usage("bench", "at most %d sizes", MAX_SIZES);
    o->sizes[o->nsizes++] = n;
    return 0;
}

static int tok_threads(const char *t, void *ctx)
{
    options *o = ctx;
    long v;
    if (!strcmp(t, "all"))
        v = cpu_count();
    else if (cli_parse_long(t, &v) || v < 1 || v > 1024)
        return cli_usage("bench", "bad thread count '%s' (a number >= 1 or 'all')", t);
    for (int i = 0; i < o->nthreads; i++)
        if (o->threads[i] == (int)v)
            return 0;
    if (o->nthreads >= MAX_THREADS)
        return cli_usage("bench", "at most %d thread counts", MAX_THREADS);
    o->threads[o->nthreads++] = (int)v;
    return 0;
}

static void usage(FILE *f)
{
    fprintf(f,
            "Usage: activ bench [OPTIONS]\n\n"
            "Times every activation, forward and backward, through the public API, next to\n"
            "memcpy (a 2-array stream) and a 3-array stream (c = a + b) measured in the same\n"
            "run on the same buffers, and prints GB/s (bytes read + written: forward 8 B per\n"
            "element, backward 12 B), ns per element and the ratios. The median of --reps\n"
            "interleaved repetitions, each at least --min-time long, after a warm-up.\n\n"
            "Options:\n"
            "  --kinds LIST     functions, comma-separated (default all: FUNC below)\n"
            "                   prelu runs with %d channels, channels-last (nsc) and (N,C,S) (ncs)\n"
            "                   with S = 1024 where it divides the size, else N = 1\n"
            "  --dir LIST       fwd, bwd (from x; swish includes dbeta, prelu dalpha),\n"
            "                   bwdy (from the output y), or all (default)\n"
            "  --sizes LIST     element counts, K/M suffixes (default 4K,64K,1M,16M)\n"
            "  --threads LIST   thread counts or 'all' = the CPUs this process may use (default 1,all)\n"
            "  --reps N         repetitions per series, median reported (default 5, at most %d)\n"
            "  --min-time MS    least milliseconds per repetition (default 20)\n"
            "  --isa NAME       force a code path: scalar, sse2, avx2, avx512, neon\n"
            "  --json FILE      also write every number as JSON ('-' = stdout; the table then\n"
            "                   goes to stderr)\n"
            "  --peers          require oneDNN and XNNPACK (built with -DACTIV_BENCH_PEERS=ON;\n"
            "                   such a build times them by default)\n"
            "  --no-peers       do not time the peers\n"
            "  --help           this text\n\n"
            "Examples:\n"
            "  activ bench\n"
            "  activ bench --kinds relu,sigmoid --dir fwd --sizes 1M --threads 1\n"
            "  activ bench --reps 9 --json bench.json\n"
            "  bench/perf_table.sh          (the README's table, peers included when installed)\n",
            PRELU_C, MAX_REPS);
    ka_print_funcs(f, "\nFUNC: ");
}

static const char *const option_names[] = {"--kinds", "--dir",  "--sizes", "--threads", "--reps",
                                           "--min-time", "--isa", "--json", "--peers", "--no-peers",
                                           "--help"};

static int parse_args(options *o, int argc, char **argv)
{
    const char *kinds = "all", *dirs = "all", *sizes = "4K,64K,1M,16M", *threads = "1,all";
    const char *isa = NULL;
    o->reps = 5;
    o->min_s = 0.020;
    for (int i = 1; i < argc; i++) {
        char opt[64];
        const char *a = argv[i], *val = NULL;
        if (!strcmp(a, "--help") || !strcmp(a, "-h")) {
            usage(stdout);
            return CLI_OK;
        }
        if (strncmp(a, "--", 2))
            return cli_usage("bench", "unexpected argument '%s'", a);
        const char *eq = strchr(a, '=');
        size_t len = eq ? (size_t)(eq - a) : strlen(a);
        if (len >= sizeof opt)
            len = sizeof opt - 1;
        memcpy(opt, a, len);
        opt[len] = 0;
        if (!strcmp(opt, "--peers") || !strcmp(opt, "--no-peers")) {
            if (eq)
                return cli_usage("bench", "option '%s' takes no value", opt);
            o->peers = !strcmp(opt, "--peers") ? 1 : -1;
            continue;
        }
        int known = 0;
        for (size_t k = 0; k < sizeof option_names / sizeof *option_names; k++)
            known |= !strcmp(opt, option_names[k]);
        if (!known)
            return cli_unknown_option("bench", opt, option_names, sizeof option_names / sizeof *option_names);
        if (eq)
            val = eq + 1;
        else if (i + 1 < argc)
            val = argv[++i];
        else
            return cli_usage("bench", "option '%s' needs a value", opt);
        if (!strcmp(opt, "--kinds"))
            kinds = val;
        else if (!strcmp(opt, "--dir"))
            dirs = val;
        else if (!strcmp(opt, "--sizes"))
            sizes = val;
        else if (!strcmp(opt, "--threads"))
            threads = val;
        else if (!strcmp(opt, "--isa"))
            isa = val;
        else if (!strcmp(opt, "--json"))
            o->json = val;
        else if (!strcmp(opt, "--reps")) {
            long r;
            if (cli_parse_long(val, &r) || r < 1 || r > MAX_REPS)
                return cli_usage("bench", "--reps needs a number from 1 to %d, not '%s'", MAX_REPS, val);
            o->reps = (int)r;
        } else if (!strcmp(opt, "--min-time")) {
            double ms;
            if (cli_parse_double(val, &ms) || ms <= 0 || ms > 60000)
                return cli_usage("bench", "--min-time needs milliseconds > 0, not '%s'", val);
            o->min_s = ms * 1e-3;
        }
    }
    int rc;
    if ((rc = each_token(kinds, tok_kind, o)) || (rc = each_token(dirs, tok_dir, o)) ||
        (rc = each_token(sizes, tok_size, o)) || (rc = each_token(threads, tok_threads, o)))
        return rc < 0 ? cli_usage("bench", "an option's list is empty or too long") : rc;
    if (isa) {
        const char *names[ACTIV_ISA_COUNT];
        int found = -1;
        for (int k = 0; k < ACTIV_ISA_COUNT; k++) {
            names[k] = activ_isa_name((activ_isa)k);
            if (names[k] && !strcmp(isa, names[k]))
                found = k;
        }
        if (found < 0) {
            const char *s = cli_suggest(isa, names, ACTIV_ISA_COUNT);
            if (s)
                return cli_usage("bench", "unknown ISA '%s' (did you mean '%s'?)", isa, s);
            return cli_usage("bench", "unknown ISA '%s' (scalar, sse2, avx2, avx512, neon)", isa);
        }
        if (activ_set_isa((activ_isa)found) != ACTIV_OK)
            return cli_error("the %s path is not available on this CPU or in this build", isa);
    }
    return -1;
}

/* ---- JSON ---- */

static void write_json(FILE *f, const options *o, const char *cpu, int cpus, const row *rows, int nrows)
{
    char date[64];
    time_t now = time(NULL);
    strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
    fprintf(f, "{\n  \"tool\": \"activ bench\",\n  \"version\": ");
    json_str(f, activ_version());
    fprintf(f, ",\n  \"isa\": ");
    json_str(f, activ_isa_name(activ_get_isa()));
    fprintf(f, ",\n  \"stream_isa\": ");
    json_str(f, bench_stream_isa());
    fprintf(f, ",\n  \"cpu\": ");
    json_str(f, cpu);
    fprintf(f, ",\n  \"cpus\": %d,\n  \"date\": \"%s\",\n  \"reps\": %d,\n  \"min_time_ms\": %g,\n", cpus, date,
            o->reps, o->min_s * 1e3);
    fprintf(f, "  \"peers\": ");
    if (o->peers >= 0 && bench_peers_available())
        json_str(f, bench_peers_describe());
    else
        fputs("null", f);
    fprintf(f, ",\n  \"bytes_per_element\": {\"fwd\": 8, \"bwd\": 12, \"bwdy\": 12, \"memcpy\": 8, "
               "\"stream3\": 12},\n  \"prelu_channels\": %d,\n  \"rows\": [",
            PRELU_C);
    for (int r = 0; r < nrows; r++) {
        const row *w = &rows[r];
        double bpe = dir_bytes[w->dir];
        double ga = gbps(bpe, w->n, w->activ_s), gm = gbps(8, w->n, w->memcpy_s), gs = gbps(12, w->n, w->stream3_s);
        fprintf(f, "%s\n    {\"function\": ", r ? "," : "");
        json_str(f, w->v->label);
        fprintf(f, ", \"kind\": ");
        json_str(f, activ_kind_name(w->v->kind));
        fprintf(f, ", \"layout\": ");
        if (w->v->layout)
            json_str(f, w->v->layout);
        else
            fputs("null", f);
        if (w->v->kind == ACTIV_PRELU)
            fprintf(f, ", \"channels\": %d, \"inner\": %zu", PRELU_C, w->inner);
        fprintf(f, ", \"dir\": \"%s\", \"n\": %zu, \"threads\": %d,\n     \"activ\": {\"gbps\": ", dir_names[w->dir],
                w->n, w->threads);
        json_num(f, "%.6g", ga);
        fprintf(f, ", \"ns_per_elem\": ");
        json_num(f, "%.6g", w->activ_s * 1e9 / (double)w->n);
        fprintf(f, ", \"gbps_reps\": [");
        for (int k = 0; k < o->reps; k++) {
            fprintf(f, "%s", k ? ", " : "");
            json_num(f, "%.6g", gbps(bpe, w->n, w->activ_reps[k]));
        }
        fprintf(f, "]},\n     \"memcpy\": {\"gbps\": ");
        json_num(f, "%.6g", gm);
        fprintf(f, ", \"ns_per_elem\": ");
        json_num(f, "%.6g", w->memcpy_s * 1e9 / (double)w->n);
        fprintf(f, "}, \"stream3\": {\"gbps\": ");
        json_num(f, "%.6g", gs);
        fprintf(f, ", \"ns_per_elem\": ");
        json_num(f, "%.6g", w->stream3_s * 1e9 / (double)w->n);
        fprintf(f, "},\n     \"ratio_memcpy\": ");
        json_num(f, "%.6g", ga / gm);
        fprintf(f, ", \"ratio_stream3\": ");
        json_num(f, "%.6g", ga / gs);
        fprintf(f, ",\n     \"peers\": [");
        const peer_result *best = NULL;
        for (int k = 0; k < w->npeers; k++) {
            const peer_result *p = &w->peers[k];
            fprintf(f, "%s{\"name\": ", k ? ", " : "");
            json_str(f, p->name);
            fprintf(f, ", \"op\": ");
            json_str(f, p->what);
            fprintf(f, ", \"gbps\": ");
            json_num(f, "%.6g", p->failed ? NAN : p->gbps);
            fprintf(f, ", \"agrees\": %s}", p->agrees ? "true" : "false");
            if (!p->failed && (!best || p->gbps > best->gbps))
                best = p;
        }
        fprintf(f, "], \"best_peer\": ");
        if (best) {
            json_str(f, best->name);
            fprintf(f, ", \"ratio_best_peer\": ");
            json_num(f, "%.6g", ga / best->gbps);
        } else {
            fputs("null, \"ratio_best_peer\": null", f);
        }
        fputc('}', f);
    }
    fprintf(f, "\n  ]\n}\n");
}

/* ---- the run ---- */

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

int cmd_bench(int argc, char **argv)
{
    options o;
    memset(&o, 0, sizeof o);
    int rc = parse_args(&o, argc, argv);
    if (rc >= 0)
        return rc;
    if (o.json && strcmp(o.json, "-") && cli_check_output(o.json) != CLI_OK) /* before the timing */
        return CLI_FAIL;

    if (o.peers >= 0 && bench_peers_available()) {
        /* "activ bench ARGS...": the command line to run again with a short OpenMP spin */
        char **again = calloc((size_t)argc + 2, sizeof *again);
        if (again) {
            again[0] = "activ";
            for (int i = 0; i < argc; i++)
                again[i + 1] = argv[i];
            bench_peers_reexec(again);
            free(again);
        }
    }

    char cpu[256];
    cpu_model(cpu, sizeof cpu);
    int cpus = cpu_count();
    int want_peers = o.peers >= 0 && bench_peers_available();
    if (o.peers > 0 && !bench_peers_available())
        return cli_error("--peers: this activ was built without ACTIV_BENCH_PEERS "
                         "(configure with -DACTIV_BENCH_PEERS=ON; needs libdnnl-dev, libxnnpack-dev, libpthreadpool-dev)");
    FILE *out = o.json && !strcmp(o.json, "-") ? stderr : stdout;

    size_t nmax = 0;
    for (int i = 0; i < o.nsizes; i++)
        nmax = o.sizes[i] > nmax ? o.sizes[i] : nmax;
    int tmax = 1;
    for (int i = 0; i < o.nthreads; i++)
        tmax = o.threads[i] > tmax ? o.threads[i] : tmax;

    float *x = alloc_floats(nmax), *dy = alloc_floats(nmax), *y = alloc_floats(nmax), *res = alloc_floats(nmax);
    float *chk = alloc_floats(CHECK_N), *slopes = alloc_floats(PRELU_C), *dparam = alloc_floats(PRELU_C);
    size_t maxrows = NVARIANTS * 3 * (size_t)o.nsizes * (size_t)o.nthreads;
    row *rows = calloc(maxrows, sizeof *rows);
    if (!x || !dy || !y || !res || !chk || !slopes || !dparam || !rows) {
        rc = cli_error("out of memory for %zu floats per array", nmax);
        goto out_free;
    }
    fill_normal(x, nmax, 3.0, 1);
    fill_normal(dy, nmax, 1.0, 2);
    memset(res, 0, nmax * sizeof *res);
    for (int c = 0; c < PRELU_C; c++)
        slopes[c] = 0.05f + 0.4f * (float)c / PRELU_C;

    if (bench_pool_start(tmax)) {
        rc = cli_error("cannot start %d threads for the stream baseline", tmax);
        goto out_free;
    }
    if (want_peers) {
        char err[256];
        if (bench_peers_init(tmax, err, sizeof err)) {
            if (o.peers > 0) {
                rc = cli_error("--peers: %s", err);
                goto out_pool;
            }
            cli_warn("peers unavailable: %s", err);
            want_peers = 0;
        } else if (err[0]) {
            cli_warn("%s", err);
        }
    }

    fprintf(out, "# activ bench: activ %s, ISA %s, CPU %s, %d CPUs; stream %s; median of %d reps >= %g ms; peers: %s\n",
            activ_version(), activ_isa_name(activ_get_isa()), cpu, cpus, bench_stream_isa(), o.reps,
            o.min_s * 1e3, want_peers ? bench_peers_describe() : "none");
    fprintf(out, "# GB/s = bytes read + written (fwd, memcpy 8 B/element; bwd, bwdy, stream3 12 B/element); "
                 "x = activ GB/s / baseline GB/s\n");
    fprintf(out, "%-10s %-4s %5s %3s %8s %7s | %8s %5s | %8s %5s", "function", "dir", "size", "thr", "GB/s",
            "ns/el", "memcpy", "x", "stream3", "x");
    if (want_peers)
        fprintf(out, " | %8s %8s %5s", "XNNPACK", "oneDNN", "xbest");
    fputc('\n', out);
    fflush(out);

    int nrows = 0, failures = 0;
    for (size_t vi = 0; vi < NVARIANTS; vi++) {
        const variant *v = &variants[vi];
        if (!o.kinds[v->kind])
            continue;
        activ_params prm = activ_default_params(v->kind);
        prm.slopes = slopes;
        prm.channels = v->kind == ACTIV_PRELU ? PRELU_C : 1;
        int y_ready = 0;
        int warned_size[MAX_SIZES] = {0};
        for (int dir = 0; dir < 3; dir++) {
            if (!o.dirs[dir])
                continue;
            if (dir == BENCH_BWDY && !ka_has_from_output(v->kind))
                continue; /* no from-output form */
            for (int si = 0; si < o.nsizes; si++) {
                size_t n = o.sizes[si];
                prm.inner = 1;
                if (v->kind == ACTIV_PRELU) {
                    if (n % PRELU_C) {
                        if (!warned_size[si])
                            cli_warn("%s: size %zu is not a multiple of %d channels; skipped", v->label, n, PRELU_C);
                        warned_size[si] = 1;
                        continue;
                    }
                    /* (N, C, S): S = 1024 (a 32x32 map) when it divides, else one image */
                    if (!strcmp(v->layout, "ncs"))
                        prm.inner = n % ((size_t)PRELU_C * 1024) == 0 ? 1024 : n / PRELU_C;
                }
                if (dir == BENCH_BWDY && !y_ready) {
                    activ_set_num_threads(0);
                    activ_status s = activ_forward(v->kind, &prm, x, y, nmax);
                    if (s != ACTIV_OK) {
                        cli_error("%s forward: %s", v->label, activ_status_str(s));
                        failures++;
                        continue;
                    }
                    y_ready = 1;
                }
                for (int ti = 0; ti < o.nthreads; ti++) {
                    int T = o.threads[ti];
                    activ_status s = activ_set_num_threads(T);
                    if (s != ACTIV_OK) {
                        cli_error("activ_set_num_threads(%d): %s", T, activ_status_str(s));
                        failures++;
                        continue;
                    }
                    activ_ctx ac = {.prm = prm, .st = ACTIV_OK};
                    bench_problem *p = &ac.p;
                    p->kind = v->kind;
                    p->dir = dir;
                    p->n = n;
                    p->alpha = prm.alpha;
                    p->beta = prm.beta;
                    p->slopes = slopes;
                    p->channels = prm.channels;
                    p->inner = prm.inner;
                    p->x = x;
                    p->dy = dy;
                    p->y = y;
                    p->out = res;
                    p->dparam = dir == BENCH_BWD && ka_dparam(v->kind) != ACTIV_DP_NONE ? dparam : NULL;

                    /* activ first: its result is what the peers are checked against */
                    activ_call(&ac);
                    if (ac.st != ACTIV_OK) {
                        cli_error("%s %s n=%zu: %s", v->label, dir_names[dir], n, activ_status_str(ac.st));
                        failures++;
                        continue;
                    }
                    size_t m = n < CHECK_N ? n : CHECK_N;
                    memcpy(chk, res, m * sizeof *chk);

                    bench_peer_op ops[BENCH_MAX_PEERS];
                    int nops = 0;
                    row *w = &rows[nrows];
                    memset(w, 0, sizeof *w);
                    w->v = v;
                    w->dir = dir;
                    w->n = n;
                    w->threads = T;
                    w->inner = prm.inner;
                    if (want_peers) {
                        bench_peers_set_threads(T);
                        nops = bench_peers_prepare(p, ops, BENCH_MAX_PEERS);
                    }
                    for (int k = 0; k < nops; k++) {
                        peer_result *pr = &w->peers[k];
                        pr->name = ops[k].name;
                        pr->what = ops[k].what;
                        memset(res, 0, m * sizeof *res);
                        ops[k].run(&ops[k]);
                        size_t where;
                        double e = disagreement(chk, res, m, &where);
                        pr->agrees = e <= 1e-3 && !ops[k].failed;
                        if (!pr->agrees)
                            cli_warn("%s %s n=%zu: %s %s disagrees with activ (x=%g: activ %g, peer %g); timed anyway",
                                     v->label, dir_names[dir], n, ops[k].name, ops[k].what, (double)x[where],
                                     (double)chk[where], (double)res[where]);
                    }
                    w->npeers = nops;
                    for (int k = 0; k < nops; k++) /* a new pthreadpool spins from the start */
                        if (ops[k].quiesce)
                            ops[k].quiesce(&ops[k]);

                    series sr[3 + BENCH_MAX_PEERS];
                    base_ctx bc = {res, x, dy, n, T};
                    int ns = 0;
                    sr[ns++] = (series){.name = "activ", .fn = activ_call, .ctx = &ac};
                    sr[ns++] = (series){.name = "memcpy", .fn = memcpy_call, .ctx = &bc};
                    sr[ns++] = (series){.name = "stream3", .fn = stream3_call, .ctx = &bc};
                    for (int k = 0; k < nops; k++)
                        sr[ns++] = (series){.name = ops[k].name, .fn = peer_call, .ctx = &ops[k]};
                    for (int k = 0; k < ns; k++) {
                        calibrate(&sr[k], o.min_s);
                        if (T > 1)
                            settle(k >= 3 ? &ops[k - 3] : NULL);
                    }
                    for (int r = 0; r < o.reps; r++)
                        for (int k = 0; k < ns; k++) {
                            time_rep(&sr[k], r);
                            if (T > 1)
                                settle(k >= 3 ? &ops[k - 3] : NULL);
                        }
                    for (int k = 0; k < ns; k++)
                        sr[k].med = median(sr[k].t, o.reps);
                    if (ac.st != ACTIV_OK) {
                        cli_error("%s %s n=%zu: %s", v->label, dir_names[dir], n, activ_status_str(ac.st));
                        failures++;
                    }
                    w->activ_s = sr[0].med;
                    memcpy(w->activ_reps, sr[0].t, (size_t)o.reps * sizeof(double));
                    w->memcpy_s = sr[1].med;
                    w->stream3_s = sr[2].med;
                    for (int k = 0; k < nops; k++) {
                        w->peers[k].failed = ops[k].failed;
                        w->peers[k].gbps = gbps(dir_bytes[dir], n, sr[3 + k].med);
                        ops[k].release(&ops[k]);
                    }
                    nrows++;

                    /* the text row */
                    char sz[32];
                    size_label(n, sz, sizeof sz);
                    double ga = gbps(dir_bytes[dir], n, w->activ_s);
                    double gm = gbps(8, n, w->memcpy_s), gs = gbps(12, n, w->stream3_s);
                    fprintf(out, "%-10s %-4s %5s %3d %8.2f %7.3f | %8.2f %5.2f | %8.2f %5.2f", v->label,
                            dir_names[dir], sz, T, ga, w->activ_s * 1e9 / (double)n, gm, ga / gm, gs, ga / gs);
                    if (want_peers) {
                        double g[2] = {NAN, NAN}, best = 0;
                        for (int k = 0; k < nops; k++) {
                            double gp = w->peers[k].failed ? NAN : w->peers[k].gbps;
                            g[strcmp(w->peers[k].name, "XNNPACK") ? 1 : 0] = gp;
                            if (gp > best)
                                best = gp;
                        }
                        for (int k = 0; k < 2; k++) {
                            if (isnan(g[k]))
                                fprintf(out, " %s %8s", k ? "" : "|", "-");
                            else
                                fprintf(out, " %s %8.2f", k ? "" : "|", g[k]);
                        }
                        if (best > 0)
                            fprintf(out, " %5.2f", ga / best);
                        else
                            fprintf(out, " %5s", "-");
                    }
                    fputc('\n', out);
                    fflush(out);
                }
            }
        }
    }
    activ_set_num_threads(0);

    rc = failures ? CLI_FAIL : CLI_OK;
    if (o.json) {
        json_doc doc;
        int jrc = json_doc_open(&doc);
        if (jrc == CLI_OK) {
            write_json(doc.f, &o, cpu, cpus, rows, nrows);
            jrc = json_doc_emit(&doc, o.json);
        }
        if (jrc != CLI_OK)
            rc = jrc;
    }
    if (want_peers)
        bench_peers_shutdown();
out_pool:
    bench_pool_stop();
out_free:
    free(x);
    free(dy);
    free(y);
    free(res);
    free(chk);
    free(slopes);
    free(dparam);
    free(rows);
    return rc;
}
