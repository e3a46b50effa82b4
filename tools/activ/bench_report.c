/* bench_report.c - 'activ bench' results: the machine, the text table and the JSON. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "bench_stream.h"
#include "json.h"

const char *const bench_dir_names[3] = {"fwd", "bwd", "bwdy"};
const int bench_dir_bytes[3] = {8, 12, 12};

double bench_gbps(double bytes_per_elem, size_t n, double sec)
{
    return sec > 0 ? bytes_per_elem * (double)n / sec * 1e-9 : 0.0;
}

void bench_cpu_model(char *buf, size_t len)
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

static void size_label(size_t n, char *buf, size_t len)
{
    if (n >= (1u << 20) && n % (1u << 20) == 0)
        snprintf(buf, len, "%zuM", n >> 20);
    else if (n >= 1024 && n % 1024 == 0)
        snprintf(buf, len, "%zuK", n >> 10);
    else
        snprintf(buf, len, "%zu", n);
}

void bench_print_header(FILE *out, const bench_options *o, const char *cpu, int cpus, int want_peers)
{
    fprintf(out, "# activ bench: activ %s, ISA %s, CPU %s, %d CPUs; stream %s; median of %d reps >= %g ms; peers: %s\n",
            activ_version(), activ_isa_name(activ_get_isa()), cpu, cpus, bench_stream_isa(), o->reps,
            o->min_s * 1e3, want_peers ? bench_peers_describe() : "none");
    fprintf(out, "# GB/s = bytes read + written (fwd, memcpy 8 B/element; bwd, bwdy, stream3 12 B/element); "
                 "x = activ GB/s / baseline GB/s\n");
    fprintf(out, "%-10s %-4s %5s %3s %8s %7s | %8s %5s | %8s %5s", "function", "dir", "size", "thr", "GB/s",
            "ns/el", "memcpy", "x", "stream3", "x");
    if (want_peers)
        fprintf(out, " | %8s %8s %5s", "XNNPACK", "oneDNN", "xbest");
    fputc('\n', out);
}

void bench_print_row(FILE *out, const bench_row *w, int want_peers)
{
    const bench_variant *v = w->v;
    const int dir = w->dir, T = w->threads, nops = w->npeers;
    const size_t n = w->n;
    char sz[32];
    size_label(n, sz, sizeof sz);
    double ga = bench_gbps(bench_dir_bytes[dir], n, w->activ_s);
    double gm = bench_gbps(8, n, w->memcpy_s), gs = bench_gbps(12, n, w->stream3_s);
    fprintf(out, "%-10s %-4s %5s %3d %8.2f %7.3f | %8.2f %5.2f | %8.2f %5.2f", v->label,
            bench_dir_names[dir], sz, T, ga, w->activ_s * 1e9 / (double)n, gm, ga / gm, gs, ga / gs);
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
}

/* One row's object, without the separator before it. */
static void json_row(FILE *f, const bench_options *o, const bench_row *w)
{
    double bpe = bench_dir_bytes[w->dir];
    double ga = bench_gbps(bpe, w->n, w->activ_s), gm = bench_gbps(8, w->n, w->memcpy_s), gs = bench_gbps(12, w->n, w->stream3_s);
    fprintf(f, "\n    {\"function\": ");
    json_str(f, w->v->label);
    fprintf(f, ", \"kind\": ");
    json_str(f, activ_kind_name(w->v->kind));
    fprintf(f, ", \"layout\": ");
    json_str(f, w->v->layout);
    if (w->v->kind == ACTIV_PRELU)
        fprintf(f, ", \"channels\": %d, \"inner\": %zu", BENCH_PRELU_C, w->inner);
    fprintf(f, ", \"dir\": \"%s\", \"n\": %zu, \"threads\": %d,\n     \"activ\": {\"gbps\": ", bench_dir_names[w->dir],
            w->n, w->threads);
    json_num(f, "%.6g", ga);
    fprintf(f, ", \"ns_per_elem\": ");
    json_num(f, "%.6g", w->activ_s * 1e9 / (double)w->n);
    fprintf(f, ", \"gbps_reps\": [");
    for (int k = 0; k < o->reps; k++) {
        fprintf(f, "%s", k ? ", " : "");
        json_num(f, "%.6g", bench_gbps(bpe, w->n, w->activ_reps[k]));
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
    const bench_peer_result *best = NULL;
    for (int k = 0; k < w->npeers; k++) {
        const bench_peer_result *p = &w->peers[k];
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

void bench_write_json(FILE *f, const bench_options *o, const char *cpu, int cpus, const bench_row *rows, int nrows)
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
            BENCH_PRELU_C);
    for (int r = 0; r < nrows; r++) {
        fputs(r ? "," : "", f);
        json_row(f, o, &rows[r]);
    }
    fprintf(f, "\n  ]\n}\n");
}

