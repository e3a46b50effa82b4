/* bench_args.c - 'activ bench' options: the help text, the lists (--kinds, --dir, --sizes,
 * --threads) and --isa. */
#define _GNU_SOURCE /* sched_getaffinity, CPU_COUNT */
#include <ctype.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench.h"
#include "cli.h"
#include "kindargs.h"

int bench_cpu_count(void)
{
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
        return CPU_COUNT(&set);
    return 1;
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
    bench_options *o = ctx;
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
    bench_options *o = ctx;
    if (!strcmp(t, "all")) {
        o->dirs[0] = o->dirs[1] = o->dirs[2] = 1;
        return 0;
    }
    for (int d = 0; d < 3; d++)
        if (!strcmp(t, bench_dir_names[d])) {
            o->dirs[d] = 1;
            return 0;
        }
    return cli_usage("bench", "unknown direction '%s' (use fwd, bwd, bwdy or all)", t);
}

static int tok_size(const char *t, void *ctx)
{
    bench_options *o = ctx;
    size_t n;
    if (parse_size(t, &n))
        return cli_usage("bench", "bad size '%s' (a count of floats such as 4096, 64K or 16M)", t);
    if (o->nsizes >= BENCH_MAX_SIZES)
        return cli_usage("bench", "at most %d sizes", BENCH_MAX_SIZES);
    o->sizes[o->nsizes++] = n;
    return 0;
}

static int tok_threads(const char *t, void *ctx)
{
    bench_options *o = ctx;
    long v;
    if (!strcmp(t, "all"))
        v = bench_cpu_count();
    else if (cli_parse_long(t, &v) || v < 1 || v > 1024)
        return cli_usage("bench", "bad thread count '%s' (a number >= 1 or 'all')", t);
    for (int i = 0; i < o->nthreads; i++)
        if (o->threads[i] == (int)v)
            return 0;
    if (o->nthreads >= BENCH_MAX_THREADS)
        return cli_usage("bench", "at most %d thread counts", BENCH_MAX_THREADS);
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
            BENCH_PRELU_C, BENCH_MAX_REPS);
    ka_print_funcs(f, "\nFUNC: ");
}

static const char *const option_names[] = {"--kinds", "--dir",  "--sizes", "--threads", "--reps",
                                           "--min-time", "--isa", "--json", "--peers", "--no-peers",
                                           "--help"};

/* --isa NAME: forces that code path. -1 to go on, or the exit code. */
static int set_isa(const char *isa)
{
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
    return -1;
}

int bench_parse_args(bench_options *o, int argc, char **argv)
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
            if (cli_parse_long(val, &r) || r < 1 || r > BENCH_MAX_REPS)
                return cli_usage("bench", "--reps needs a number from 1 to %d, not '%s'", BENCH_MAX_REPS, val);
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
    return isa ? set_isa(isa) : -1;
}

