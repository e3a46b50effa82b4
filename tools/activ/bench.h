/* bench.h - what the files of 'activ bench' share: the options (bench_args.c), the timed
 * series (bench_timing.c), the rows and their text and JSON (bench_report.c); cmd_bench.c
 * runs them. The method is described at the top of cmd_bench.c. */
#ifndef ACTIV_BENCH_H
#define ACTIV_BENCH_H

#include <stdio.h>
#include "activ.h"
#include "bench_peers.h"

#define BENCH_MAX_SIZES 16
#define BENCH_MAX_THREADS 8
#define BENCH_MAX_REPS 101
#define BENCH_PRELU_C 64 /* prelu's channel count */

extern const char *const bench_dir_names[3]; /* "fwd", "bwd", "bwdy" */
extern const int bench_dir_bytes[3];         /* bytes read + written per element */

/* What a row benchmarks: prelu runs twice, channels-last (N, S, C) and planar (N, C, S). */
typedef struct bench_variant {
    const char *label;
    activ_kind kind;
    const char *layout; /* NULL, "nsc" or "ncs" */
} bench_variant;

typedef struct bench_options {
    int kinds[ACTIV_KIND_COUNT];
    int dirs[3];
    size_t sizes[BENCH_MAX_SIZES];
    int nsizes;
    int threads[BENCH_MAX_THREADS];
    int nthreads;
    int reps;
    double min_s;
    const char *json;
    int peers; /* -1 off, 0 when built, 1 required */
} bench_options;

/* Parses argv into o (zeroed by the caller) and applies --isa. Returns -1 to go on, or the
 * exit code (CLI_OK after --help, CLI_USAGE, CLI_FAIL). */
int bench_parse_args(bench_options *o, int argc, char **argv);
/* The CPUs this process may run on (at least 1). */
int bench_cpu_count(void);

/* ---- one timed series (bench_timing.c) ---- */

typedef struct bench_series {
    const char *name;
    void (*fn)(void *);
    void *ctx;
    bench_peer_op *peer; /* NULL, or the peer whose pool settle() quiesces */
    long iters;
    double t[BENCH_MAX_REPS]; /* seconds per call, one per repetition */
    double med;               /* median seconds per call */
} bench_series;

/* Calibrates and warms up every series, then times reps interleaved repetitions of them
 * and sets each med. With threads > 1 the pools settle between series. */
void bench_time_series(bench_series *s, int ns, int reps, double min_s, int threads);

/* ---- results (bench_report.c) ---- */

typedef struct bench_peer_result {
    const char *name, *what;
    double gbps;
    int agrees;
    int failed;
} bench_peer_result;

typedef struct bench_row {
    const bench_variant *v;
    int dir;
    size_t n;
    size_t inner; /* prelu: elements per channel run (1 = channels last) */
    int threads;
    double activ_s, memcpy_s, stream3_s;
    double activ_reps[BENCH_MAX_REPS];
    int npeers;
    bench_peer_result peers[BENCH_MAX_PEERS];
} bench_row;

/* GB/s of n elements of bytes_per_elem in sec seconds (0 if sec <= 0). */
double bench_gbps(double bytes_per_elem, size_t n, double sec);
/* "Intel(R) ..." from /proc/cpuinfo, or "unknown CPU". */
void bench_cpu_model(char *buf, size_t len);
/* The table's two comment lines and its column header. */
void bench_print_header(FILE *out, const bench_options *o, const char *cpu, int cpus, int peers);
/* One row of the table (peers' columns when peers). */
void bench_print_row(FILE *out, const bench_row *w, int peers);
/* Every row as one JSON document. */
void bench_write_json(FILE *f, const bench_options *o, const char *cpu, int cpus, const bench_row *rows,
                      int nrows);

#endif
