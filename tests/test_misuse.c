/* test_misuse.c - every public entry point of activ.h and activ_nn.h under misuse: NULLs,
 * n = 0, n = SIZE_MAX, products that overflow, partial overlaps of every output with every
 * input (prelu slopes included), unknown kinds and non-finite parameters. Each call must
 * return the documented status and write nothing: all buffers live in one canary-filled
 * arena, which is compared byte for byte after every failing call. */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "testutil.h"
#ifdef ACTIV_TEST_HAVE_NN
#include "activ_nn.h"
#endif

#define ARENA 4096
static float arena[ARENA];
static float saved[ARENA];

/* finite, varied, and never 0 (so a zeroed da shows) */
static void arena_fill(void)
{
    for (int i = 0; i < ARENA; i++)
        arena[i] = (float)((i * 37) % 101) * 0.125f - 6.3f;
    memcpy(saved, arena, sizeof arena);
}

static int arena_intact(void) { return memcmp(arena, saved, sizeof arena) == 0; }

/* ---- the element-wise entry points, generic and direct, behind one signature ---------- */

enum { FWD, BWD, BWDY };

typedef struct {
    const char *name;
    activ_kind kind;
    int dir;
    int direct; /* 1: the direct call activ_<kind>_<dir> */
} entry;

static activ_status call(const entry *e, const activ_params *p, const float *x, const float *dy,
                         float *out, size_t n, float *dparam)
{
    if (!e->direct) {
        if (e->dir == FWD)
            return activ_forward(e->kind, p, x, out, n);
        if (e->dir == BWD)
            return activ_backward(e->kind, p, x, dy, out, n, dparam);
        return activ_backward_from_output(e->kind, p, x, dy, out, n);
    }
    float a = p->alpha, b = p->beta;
    switch (e->kind * 3 + e->dir) {
    case ACTIV_RELU * 3 + FWD: return activ_relu_forward(x, out, n);
    case ACTIV_RELU * 3 + BWD: return activ_relu_backward(x, dy, out, n);
    case ACTIV_RELU * 3 + BWDY: return activ_relu_backward_from_output(x, dy, out, n);
    case ACTIV_LEAKY_RELU * 3 + FWD: return activ_leaky_relu_forward(x, out, n, a);
    case ACTIV_LEAKY_RELU * 3 + BWD: return activ_leaky_relu_backward(x, dy, out, n, a);
    case ACTIV_LEAKY_RELU * 3 + BWDY: return activ_leaky_relu_backward_from_output(x, dy, out, n, a);
    case ACTIV_PRELU * 3 + FWD: return activ_prelu_forward(x, out, n, p->slopes, p->channels, p->inner);
    case ACTIV_PRELU * 3 + BWD:
        return activ_prelu_backward(x, dy, out, n, p->slopes, p->channels, p->inner, dparam);
    case ACTIV_ELU * 3 + FWD: return activ_elu_forward(x, out, n, a);
    case ACTIV_ELU * 3 + BWD: return activ_elu_backward(x, dy, out, n, a);
    case ACTIV_ELU * 3 + BWDY: return activ_elu_backward_from_output(x, dy, out, n, a);
    case ACTIV_SWISH * 3 + FWD: return activ_swish_forward(x, out, n, b);
    case ACTIV_SWISH * 3 + BWD: return activ_swish_backward(x, dy, out, n, b, dparam);
    case ACTIV_SIGMOID * 3 + FWD: return activ_sigmoid_forward(x, out, n);
    case ACTIV_SIGMOID * 3 + BWD: return activ_sigmoid_backward(x, dy, out, n);
    case ACTIV_SIGMOID * 3 + BWDY: return activ_sigmoid_backward_from_output(x, dy, out, n);
    case ACTIV_TANH * 3 + FWD: return activ_tanh_forward(x, out, n);
    case ACTIV_TANH * 3 + BWD: return activ_tanh_backward(x, dy, out, n);
    case ACTIV_TANH * 3 + BWDY: return activ_tanh_backward_from_output(x, dy, out, n);
    default: return (activ_status)-1;
    }
}

static entry entries[2 * ACTIV_KIND_COUNT * 3];
static int nentries;

static void list_entries(void)
{
    static const char *dn[] = {"forward", "backward", "backward_from_output"};
    static char names[2 * ACTIV_KIND_COUNT * 3][64];
    for (int direct = 0; direct < 2; direct++)
        for (int k = 0; k < ACTIV_KIND_COUNT; k++)
            for (int d = 0; d < 3; d++) {
                /* direct calls exist for the seed's seven kinds (not from-output prelu/swish);
                 * the later kinds are reached through the generic entries */
                if (direct && (k > ACTIV_TANH || (d == BWDY && (k == ACTIV_PRELU || k == ACTIV_SWISH))))
                    continue;
                entry *e = &entries[nentries];
                snprintf(names[nentries], sizeof names[0], "%s%s_%s", direct ? "activ_" : "generic ",
                         activ_kind_name((activ_kind)k), dn[d]);
                e->name = names[nentries];
                e->kind = (activ_kind)k;
                e->dir = d;
                e->direct = direct;
                nentries++;
            }
}

/* a call that is valid on its own; the cases below break one thing at a time */
typedef struct {
    activ_params p;
    const float *x, *dy;
    float *out, *dparam;
    size_t n;
} args;

static args base_args(const entry *e)
{
    args a;
    a.p = activ_default_params(e->kind);
    a.p.slopes = arena + 3000; /* 4 slopes */
    a.p.channels = e->kind == ACTIV_PRELU ? 4 : 1;
    a.p.inner = 2;
    a.x = arena;               /* [0, 64) */
    a.dy = arena + 100;        /* [100, 164) */
    a.out = arena + 200;       /* [200, 264) */
    a.dparam = e->dir == BWD && (e->kind == ACTIV_PRELU || e->kind == ACTIV_SWISH) ? arena + 3100 : NULL;
    a.n = 64;
    return a;
}

static int has_dparam(const entry *e) { return e->dir == BWD && (e->kind == ACTIV_PRELU || e->kind == ACTIV_SWISH); }
/* from output where the kind has no such form: an empty call says which (the manifest's flag) */
static int unsupported(const entry *e)
{
    if (e->dir != BWDY) return 0;
    activ_params p = activ_default_params(e->kind);
    return activ_backward_from_output(e->kind, &p, NULL, NULL, NULL, 0) == ACTIV_ERR_UNSUPPORTED;
}

/* Runs one case: the status must be want and, for a failure, the arena untouched. */
static void expect(const entry *e, const args *a, activ_status want, const char *what)
{
    /* a variant that does not exist is refused before any other check */
    if (unsupported(e)) want = ACTIV_ERR_UNSUPPORTED;
    arena_fill();
    activ_status got = call(e, &a->p, a->x, a->dy, a->out, a->n, a->dparam);
    CHECK(got == want, "%s, %s: status %d (%s), want %d (%s)", e->name, what, (int)got,
          activ_status_str(got), (int)want, activ_status_str(want));
    if (want != ACTIV_OK)
        CHECK(arena_intact(), "%s, %s: a failing call wrote into the caller's memory", e->name, what);
}

/* the status a call that breaks nothing returns (from-output prelu/swish is unsupported) */
static activ_status ok_or(const entry *e, activ_status s) { return unsupported(e) ? ACTIV_ERR_UNSUPPORTED : s; }

static void eltwise(void)
{
    list_entries();
    for (int i = 0; i < nentries; i++) {
        const entry *e = &entries[i];
        args a;
        char what[128];
        a = base_args(e);
        expect(e, &a, ok_or(e, ACTIV_OK), "valid call");

        /* NULLs */
        a = base_args(e), a.x = NULL;
        expect(e, &a, ACTIV_ERR_NULL, "x NULL");
        a = base_args(e), a.out = NULL;
        expect(e, &a, ACTIV_ERR_NULL, "output NULL");
        if (e->dir != FWD) {
            a = base_args(e), a.dy = NULL;
            expect(e, &a, ACTIV_ERR_NULL, "dy NULL");
        }
        if (e->kind == ACTIV_PRELU && !unsupported(e)) {
            a = base_args(e), a.p.slopes = NULL;
            expect(e, &a, ACTIV_ERR_NULL, "slopes NULL");
        }

        /* sizes */
        a = base_args(e), a.n = SIZE_MAX;
        expect(e, &a, ACTIV_ERR_SIZE, "n = SIZE_MAX");
        a = base_args(e), a.n = (size_t)PTRDIFF_MAX / sizeof(float) + 1;
        expect(e, &a, ACTIV_ERR_SIZE, "n * 4 > PTRDIFF_MAX");

        /* n = 0: NULL arrays are fine, but nothing else is excused, and nothing is written */
        a = base_args(e), a.n = 0, a.x = NULL, a.dy = NULL, a.out = NULL;
        arena_fill();
        activ_status st = call(e, &a.p, a.x, a.dy, a.out, a.n, a.dparam);
        CHECK(st == ok_or(e, ACTIV_OK), "%s, n = 0 with NULL arrays: status %d", e->name, (int)st);
        if (has_dparam(e)) {
            int zeroed = 1;
            for (size_t c = 0; c < a.p.channels; c++)
                zeroed &= a.dparam[c] == 0.0f;
            CHECK(zeroed, "%s, n = 0: the requested da/db is zeroed", e->name);
        }

        if (e->kind == ACTIV_PRELU && !unsupported(e)) {
            /* shapes and the products of sizes, for n = 64 and for n = 0 */
            for (int zero = 0; zero < 2; zero++) {
                size_t n = zero ? 0 : 64;
                const char *tag = zero ? " (n = 0)" : "";
                a = base_args(e), a.n = n, a.p.channels = 0;
                snprintf(what, sizeof what, "channels = 0%s", tag);
                expect(e, &a, ACTIV_ERR_SHAPE, what);
                a = base_args(e), a.n = n, a.p.inner = 0;
                snprintf(what, sizeof what, "inner = 0%s", tag);
                expect(e, &a, ACTIV_ERR_SHAPE, what);
                a = base_args(e), a.n = n, a.p.channels = SIZE_MAX / 2, a.p.inner = 4;
                snprintf(what, sizeof what, "channels * inner overflows%s", tag);
                expect(e, &a, ACTIV_ERR_SIZE, what);
                /* the crash: da of SIZE_MAX / 4 channels zeroed before any check */
                a = base_args(e), a.n = n, a.p.channels = SIZE_MAX / 4, a.p.inner = 1;
                snprintf(what, sizeof what, "channels * 4 overflows%s", tag);
                expect(e, &a, ACTIV_ERR_SIZE, what);
                a = base_args(e), a.n = n, a.p.slopes = NULL;
                snprintf(what, sizeof what, "slopes NULL%s", tag);
                expect(e, &a, ACTIV_ERR_NULL, what);
                float bad[] = {NAN, INFINITY, -INFINITY};
                for (int b = 0; b < 3; b++) {
                    a = base_args(e), a.n = n;
                    float sl[4] = {0.1f, 0.2f, bad[b], 0.3f};
                    a.p.slopes = sl;
                    snprintf(what, sizeof what, "slope %g%s", (double)bad[b], tag);
                    expect(e, &a, ACTIV_ERR_PARAM, what);
                }
            }
            a = base_args(e), a.p.channels = 3; /* 3 * 2 does not divide 64 */
            expect(e, &a, ACTIV_ERR_SHAPE, "channels * inner does not divide n");
            a = base_args(e), a.p.inner = 128; /* 4 * 128 > 64 */
            expect(e, &a, ACTIV_ERR_SHAPE, "channels * inner > n");
        }

        /* non-finite and out-of-range parameters, for n = 64 and n = 0 */
        for (int zero = 0; zero < 2 && !unsupported(e); zero++) {
            float bad[] = {NAN, INFINITY, -INFINITY};
            for (int b = 0; b < 3; b++) {
                a = base_args(e), a.n = zero ? 0 : 64;
                if (e->kind == ACTIV_LEAKY_RELU || e->kind == ACTIV_ELU)
                    a.p.alpha = bad[b];
                else if (e->kind == ACTIV_SWISH)
                    a.p.beta = bad[b];
                else
                    continue;
                snprintf(what, sizeof what, "%s = %g%s", e->kind == ACTIV_SWISH ? "beta" : "alpha",
                         (double)bad[b], zero ? " (n = 0)" : "");
                expect(e, &a, ACTIV_ERR_PARAM, what);
            }
            if (e->dir == BWDY && (e->kind == ACTIV_LEAKY_RELU || e->kind == ACTIV_ELU)) {
                a = base_args(e), a.n = zero ? 0 : 64;
                a.p.alpha = e->kind == ACTIV_LEAKY_RELU ? 0.0f : -0.5f;
                expect(e, &a, ACTIV_ERR_PARAM, zero ? "from-output alpha out of range (n = 0)"
                                                    : "from-output alpha out of range");
            }
        }

        /* partial overlaps: the output against every input, da/db against everything */
        if (!unsupported(e)) {
            const int shifts[] = {-63, -1, 1, 63};
            for (int s = 0; s < 4; s++) {
                a = base_args(e), a.x = arena + 400, a.out = arena + 400 + shifts[s];
                snprintf(what, sizeof what, "output = x %+d", shifts[s]);
                expect(e, &a, ACTIV_ERR_OVERLAP, what);
                if (e->dir != FWD) {
                    a = base_args(e), a.dy = arena + 600, a.out = arena + 600 + shifts[s];
                    snprintf(what, sizeof what, "output = dy %+d", shifts[s]);
                    expect(e, &a, ACTIV_ERR_OVERLAP, what);
                }
            }
            a = base_args(e), a.out = (float *)a.x; /* exactly in place: allowed */
            expect(e, &a, ACTIV_OK, "output = x (in place)");
            if (e->dir != FWD) {
                a = base_args(e), a.out = (float *)a.dy;
                expect(e, &a, ACTIV_OK, "output = dy (in place)");
            }
            if (e->kind == ACTIV_PRELU) {
                /* the slopes are an input: inside the output, at its edge, or the same start */
                const int at[] = {0, 10, 60, 63};
                for (int s = 0; s < 4; s++) {
                    a = base_args(e), a.p.slopes = a.out + at[s]; /* the arena is finite */
                    snprintf(what, sizeof what, "slopes inside the output at %d", at[s]);
                    expect(e, &a, ACTIV_ERR_OVERLAP, what);
                }
                a = base_args(e), a.p.slopes = a.out - 2; /* straddles the start */
                expect(e, &a, ACTIV_ERR_OVERLAP, "slopes straddle the output's start");
            }
            if (has_dparam(e)) {
                float *targets[] = {(float *)a.x + 5, (float *)a.dy + 5, a.out + 5,
                                    (float *)base_args(e).p.slopes + 1};
                const char *tn[] = {"x", "dy", "the output", "the slopes"};
                for (int t = 0; t < 4; t++) {
                    if (t == 3 && e->kind != ACTIV_PRELU)
                        continue;
                    a = base_args(e), a.dparam = targets[t];
                    snprintf(what, sizeof what, "da/db overlaps %s", tn[t]);
                    expect(e, &a, ACTIV_ERR_OVERLAP, what);
                }
            }
        }
    }

    /* unknown kinds through the generic entries, with n = 64 and n = 0 */
    const int kinds[] = {-1, ACTIV_KIND_COUNT, 1000, INT32_MIN};
    for (int k = 0; k < 4; k++)
        for (int d = 0; d < 3; d++)
            for (int zero = 0; zero < 2; zero++) {
                entry e = {"generic unknown kind", (activ_kind)kinds[k], d, 0};
                args a = base_args(&entries[0]);
                a.n = zero ? 0 : 64;
                a.dparam = arena + 3100;
                char what[64];
                snprintf(what, sizeof what, "kind %d, dir %d, n %zu", kinds[k], d, a.n);
                expect(&e, &a, ACTIV_ERR_KIND, what);
                arena_fill();
                activ_status s = d == FWD ? activ_forward((activ_kind)kinds[k], NULL, a.x, a.out, a.n)
                                 : d == BWD ? activ_backward((activ_kind)kinds[k], NULL, a.x, a.dy, a.out, a.n, a.dparam)
                                            : activ_backward_from_output((activ_kind)kinds[k], NULL, a.x, a.dy, a.out, a.n);
                CHECK(s == ACTIV_ERR_KIND && arena_intact(), "kind %d with p = NULL: status %d", kinds[k], (int)s);
            }
}

/* ---- names, settings ------------------------------------------------------------------ */

static void names_and_settings(void)
{
    CHECK(activ_kind_name((activ_kind)-1) == NULL && activ_kind_name(ACTIV_KIND_COUNT) == NULL,
          "activ_kind_name of an unknown kind is NULL");
    activ_kind k = ACTIV_TANH;
    CHECK(activ_kind_from_name(NULL, &k) == ACTIV_ERR_NULL, "activ_kind_from_name(NULL)");
    CHECK(activ_kind_from_name("relu", NULL) == ACTIV_ERR_NULL, "activ_kind_from_name(kind NULL)");
    CHECK(activ_kind_from_name("Relu", &k) == ACTIV_ERR_KIND && k == ACTIV_TANH,
          "activ_kind_from_name(unknown) fails and leaves *kind alone");
    CHECK(activ_kind_from_name("", &k) == ACTIV_ERR_KIND && k == ACTIV_TANH, "activ_kind_from_name(\"\")");
    CHECK(activ_isa_name((activ_isa)-1) == NULL && activ_isa_name(ACTIV_ISA_COUNT) == NULL,
          "activ_isa_name of an unknown ISA is NULL");
    CHECK(activ_isa_supported((activ_isa)-1) == 0 && activ_isa_supported(ACTIV_ISA_COUNT) == 0,
          "activ_isa_supported of an unknown ISA is 0");
    activ_isa before = activ_get_isa();
    CHECK(activ_set_isa((activ_isa)-1) == ACTIV_ERR_UNSUPPORTED && activ_get_isa() == before,
          "activ_set_isa(-1) fails and changes nothing");
    CHECK(activ_set_isa(ACTIV_ISA_COUNT) == ACTIV_ERR_UNSUPPORTED && activ_get_isa() == before,
          "activ_set_isa(COUNT) fails and changes nothing");
    int t = activ_get_num_threads();
    CHECK(activ_set_num_threads(-1) == ACTIV_ERR_PARAM && activ_get_num_threads() == t,
          "activ_set_num_threads(-1) fails and changes nothing");
    CHECK(activ_parallel_for_each(5, NULL, arena) == ACTIV_ERR_NULL, "activ_parallel_for_each(fn NULL)");
    CHECK(activ_parallel_for_each(0, NULL, NULL) == ACTIV_OK, "activ_parallel_for_each(n = 0) does nothing");
    CHECK(activ_status_str((activ_status)-5) != NULL, "activ_status_str(-5) is not NULL");
    activ_params p = activ_default_params((activ_kind)-3); /* any value: defaults, no crash */
    CHECK(p.channels == 1 && p.inner == 1 && p.slopes == NULL, "activ_default_params(unknown)");
}

#ifdef ACTIV_TEST_HAVE_NN
/* ---- activ_nn.h ------------------------------------------------------------------------ */

static void nn_layers(void)
{
    CHECK(activ_nn_act_name(-7) != NULL && activ_nn_act_name(1000) != NULL, "activ_nn_act_name never NULL");
    activ_nn_model m;
    CHECK(activ_nn_model_init(NULL, 3) == ACTIV_ERR_NULL, "model_init(NULL)");
    CHECK(activ_nn_model_init(&m, 0) == ACTIV_ERR_SHAPE, "model_init(input_dim 0)");
    CHECK(activ_nn_model_init(&m, 4) == ACTIV_OK, "model_init");
    CHECK(activ_nn_model_add(NULL, 3, ACTIV_RELU) == ACTIV_ERR_NULL, "model_add(NULL)");
    CHECK(activ_nn_model_add(&m, 0, ACTIV_RELU) == ACTIV_ERR_SHAPE && m.nlayers == 0, "model_add(units 0)");
    CHECK(activ_nn_model_add(&m, 3, ACTIV_KIND_COUNT) == ACTIV_ERR_KIND && m.nlayers == 0, "model_add(kind COUNT)");
    CHECK(activ_nn_model_add(&m, 3, -100) == ACTIV_ERR_KIND && m.nlayers == 0, "model_add(kind -100)");
    CHECK(activ_nn_model_build(NULL, 1) == ACTIV_ERR_NULL, "model_build(NULL)");
    CHECK(activ_nn_model_build(&m, 1) == ACTIV_ERR_SHAPE, "model_build(no layers)");
    CHECK(activ_nn_model_reserve(&m, 4) == ACTIV_ERR_SHAPE, "model_reserve(not built)");
    CHECK(activ_nn_model_init_params(&m, 1) == ACTIV_ERR_NULL, "model_init_params(not built)");
    float xin[8] = {0}, dout[8] = {0};
    CHECK(activ_nn_model_forward(&m, xin, 1, NULL) == ACTIV_ERR_SHAPE, "model_forward(not built)");
    CHECK(activ_nn_model_backward(&m, xin, dout, 1) == ACTIV_ERR_SHAPE, "model_backward(not built)");
    CHECK(activ_nn_model_save(&m, "misuse_unbuilt.safetensors") == ACTIV_ERR_SHAPE, "model_save(not built)");
    char err[256] = "";
    CHECK(activ_nn_model_load(&m, "misuse_unbuilt.safetensors", err, sizeof err) == ACTIV_ERR_SHAPE,
          "model_load(not built)");
    CHECK(activ_nn_model_add(&m, 3, ACTIV_PRELU) == ACTIV_OK && activ_nn_model_add(&m, 2, ACTIV_SWISH) == ACTIV_OK,
          "model_add");
    CHECK(activ_nn_model_build(&m, 7) == ACTIV_OK, "model_build");
    CHECK(activ_nn_model_build(&m, 7) == ACTIV_ERR_SHAPE, "model_build twice");
    CHECK(activ_nn_model_add(&m, 2, ACTIV_RELU) == ACTIV_ERR_SHAPE && m.nlayers == 2, "model_add after build");
    CHECK(activ_nn_model_reserve(NULL, 4) == ACTIV_ERR_NULL, "model_reserve(NULL)");
    CHECK(activ_nn_model_reserve(&m, 0) == ACTIV_ERR_SHAPE, "model_reserve(0)");
    CHECK(activ_nn_model_reserve(&m, 4) == ACTIV_OK, "model_reserve");
    CHECK(activ_nn_model_forward(NULL, xin, 1, NULL) == ACTIV_ERR_NULL, "model_forward(NULL)");
    CHECK(activ_nn_model_forward(&m, NULL, 1, NULL) == ACTIV_ERR_NULL, "model_forward(x NULL)");
    CHECK(activ_nn_model_forward(&m, xin, 5, NULL) == ACTIV_ERR_SHAPE, "model_forward(B > max_batch)");
    CHECK(activ_nn_model_forward(&m, xin, -1, NULL) == ACTIV_ERR_SHAPE, "model_forward(B < 0)");
    CHECK(activ_nn_model_backward(&m, NULL, dout, 1) == ACTIV_ERR_NULL, "model_backward(x NULL)");
    CHECK(activ_nn_model_backward(&m, xin, NULL, 1) == ACTIV_ERR_NULL, "model_backward(dout NULL)");
    CHECK(activ_nn_model_backward(&m, xin, dout, 5) == ACTIV_ERR_SHAPE, "model_backward(B > max_batch)");
    CHECK(activ_nn_model_summary(NULL, stdout) == ACTIV_ERR_NULL && activ_nn_model_summary(&m, NULL) == ACTIV_ERR_NULL,
          "model_summary(NULL)");
    CHECK(activ_nn_model_output_dim(NULL) == 0, "model_output_dim(NULL)");

    /* a layer whose parameter is bad fails before the GEMM writes y, z or any gradient */
    size_t np = m.nparams;
    float *params0 = malloc(np * sizeof(float)), *grads0 = malloc(np * sizeof(float));
    memcpy(params0, m.params, np * sizeof(float));
    activ_nn_dense *L0 = &m.layers[0];
    float keep = L0->slopes[1];
    L0->slopes[1] = NAN;
    for (int i = 0; i < 4 * 3; i++)
        L0->y[i] = L0->z[i] = 42.0f;
    memcpy(grads0, m.grads, np * sizeof(float));
    float x4[16] = {1, -2, 3, -4, 5, -6, 7, -8, 1, 2, 3, 4, -1, -2, -3, -4};
    CHECK(activ_nn_dense_forward(L0, x4, L0->z, L0->y, 4) == ACTIV_ERR_PARAM, "dense_forward, NaN slope: PARAM");
    int untouched = 1;
    for (int i = 0; i < 4 * 3; i++)
        untouched &= L0->y[i] == 42.0f && L0->z[i] == 42.0f;
    CHECK(untouched, "dense_forward with a NaN slope wrote y or z");
    float dy[12];
    for (int i = 0; i < 12; i++)
        dy[i] = 1.0f;
    CHECK(activ_nn_dense_backward(L0, x4, L0->z, L0->y, dy, NULL, 4) == ACTIV_ERR_PARAM,
          "dense_backward, NaN slope: PARAM");
    CHECK(activ_nn_dense_backward(L0, x4, L0->z, L0->y, dy, NULL, 0) == ACTIV_ERR_PARAM,
          "dense_backward, NaN slope, B = 0: PARAM");
    CHECK(memcmp(grads0, m.grads, np * sizeof(float)) == 0, "dense_backward with a NaN slope wrote gradients");
    /* the model: a bad parameter in the last layer fails before the first layer writes */
    float *beta = m.layers[1].beta, keepb = *beta;
    *beta = INFINITY;
    L0->slopes[1] = keep;
    for (int i = 0; i < 4 * 3; i++)
        L0->y[i] = 42.0f;
    memcpy(grads0, m.grads, np * sizeof(float));
    CHECK(activ_nn_model_forward(&m, x4, 4, NULL) == ACTIV_ERR_PARAM, "model_forward, inf swish beta: PARAM");
    untouched = 1;
    for (int i = 0; i < 4 * 3; i++)
        untouched &= L0->y[i] == 42.0f;
    CHECK(untouched, "model_forward with a bad last layer wrote the first layer's output");
    float dout2[4 * 2] = {1, 1, 1, 1, 1, 1, 1, 1};
    CHECK(activ_nn_model_backward(&m, x4, dout2, 4) == ACTIV_ERR_PARAM, "model_backward, inf swish beta: PARAM");
    CHECK(memcmp(grads0, m.grads, np * sizeof(float)) == 0, "model_backward with a bad layer wrote gradients");
    *beta = keepb;
    CHECK(activ_nn_dense_forward(NULL, x4, L0->z, L0->y, 4) == ACTIV_ERR_NULL, "dense_forward(NULL)");
    CHECK(activ_nn_dense_forward(L0, x4, L0->z, L0->y, -1) == ACTIV_ERR_SHAPE, "dense_forward(B < 0)");
    CHECK(activ_nn_dense_forward(L0, x4, NULL, L0->y, 4) == ACTIV_ERR_NULL, "dense_forward(prelu z NULL)");
    CHECK(activ_nn_dense_backward(L0, x4, L0->z, L0->y, dy, dy, 4) == ACTIV_ERR_OVERLAP, "dense_backward(dx == dy)");
    CHECK(activ_nn_dense_backward(NULL, x4, L0->z, L0->y, dy, NULL, 4) == ACTIV_ERR_NULL, "dense_backward(NULL)");
    activ_nn_dense bad = *L0;
    bad.act = 99;
    CHECK(activ_nn_dense_forward(&bad, x4, bad.z, bad.y, 4) == ACTIV_ERR_KIND, "dense_forward(kind 99)");

    /* save / load: directories and missing files are I/O errors with a reason; the model
     * stays as it was */
    memcpy(params0, m.params, np * sizeof(float));
    mkdir("misuse_dir", 0755);
    err[0] = 0;
    CHECK(activ_nn_model_load(&m, "misuse_dir", err, sizeof err) == ACTIV_ERR_IO && err[0],
          "model_load(a directory): IO with a reason, got '%s'", err);
    CHECK(strstr(err, "misuse_dir") != NULL, "the reason names the path: '%s'", err);
    err[0] = 0;
    CHECK(activ_nn_model_load(&m, "misuse_missing.safetensors", err, sizeof err) == ACTIV_ERR_IO && err[0],
          "model_load(missing file)");
    CHECK(activ_nn_model_load(NULL, "x", err, sizeof err) == ACTIV_ERR_NULL, "model_load(NULL)");
    CHECK(activ_nn_model_load(&m, NULL, err, sizeof err) == ACTIV_ERR_NULL, "model_load(path NULL)");
    CHECK(memcmp(params0, m.params, np * sizeof(float)) == 0, "a failed load left the model unchanged");
    CHECK(activ_nn_model_save(NULL, "x") == ACTIV_ERR_NULL && activ_nn_model_save(&m, NULL) == ACTIV_ERR_NULL,
          "model_save(NULL)");
    CHECK(activ_nn_model_save(&m, "misuse_dir") == ACTIV_ERR_IO, "model_save(a directory)");
    CHECK(activ_nn_model_save(&m, "misuse_no_such_dir/m.safetensors") == ACTIV_ERR_IO, "model_save(no directory)");
    rmdir("misuse_dir");
    free(params0);
    free(grads0);
    activ_nn_model_free(&m);
    activ_nn_model_free(NULL);

    /* size products: five layers of INT32_MAX x INT32_MAX weights do not fit size_t */
    activ_nn_model big;
    activ_nn_model_init(&big, INT32_MAX);
    for (int l = 0; l < 5; l++)
        activ_nn_model_add(&big, INT32_MAX, ACTIV_RELU);
    CHECK(activ_nn_model_build(&big, 1) == ACTIV_ERR_SIZE && !big.built && !big.params,
          "model_build with a parameter count that overflows: SIZE");
    /* reserve's B * width products (the model is only described: reserve reads the shapes) */
    big.built = 1;
    CHECK(activ_nn_model_reserve(&big, INT32_MAX) == ACTIV_ERR_SIZE && !big.acts,
          "model_reserve with activations that overflow: SIZE");
    big.built = 0;
    activ_nn_model_free(&big);
}

static void nn_losses_optim_data(void)
{
    float lg[6] = {1, 2, 3, 4, 5, 6}, d[6];
    uint8_t lab[2] = {1, 3}; /* 3 >= C */
    double loss = -7;
    int corr = -7;
    for (int i = 0; i < 6; i++)
        d[i] = 42.0f;
    CHECK(activ_nn_softmax_xent(lg, lab, 2, 3, d, &loss, &corr) == ACTIV_ERR_SHAPE, "softmax_xent(label >= C)");
    int same = loss == -7 && corr == -7;
    for (int i = 0; i < 6; i++)
        same &= d[i] == 42.0f;
    CHECK(same, "softmax_xent with a bad label wrote its outputs");
    CHECK(activ_nn_softmax_xent(NULL, lab, 2, 3, d, &loss, &corr) == ACTIV_ERR_NULL, "softmax_xent(NULL)");
    CHECK(activ_nn_softmax_xent(lg, NULL, 2, 3, d, &loss, &corr) == ACTIV_ERR_NULL, "softmax_xent(labels NULL)");
    CHECK(activ_nn_softmax_xent(lg, lab, 0, 3, d, &loss, &corr) == ACTIV_ERR_SHAPE, "softmax_xent(B 0)");
    CHECK(activ_nn_softmax_xent(lg, lab, 2, 0, d, &loss, &corr) == ACTIV_ERR_SHAPE, "softmax_xent(C 0)");
    CHECK(activ_nn_mse(NULL, lg, 3, d, &loss) == ACTIV_ERR_NULL && activ_nn_mse(lg, NULL, 3, d, &loss) == ACTIV_ERR_NULL,
          "mse(NULL)");

    activ_nn_optim o;
    CHECK(activ_nn_optim_init(NULL, ACTIV_NN_ADAM, 4, 0.1f) == ACTIV_ERR_NULL, "optim_init(NULL)");
    CHECK(activ_nn_optim_init(&o, ACTIV_NN_ADAM, 4, NAN) == ACTIV_ERR_PARAM && !o.m, "optim_init(lr NaN)");
    CHECK(activ_nn_optim_init(&o, ACTIV_NN_ADAM, 4, INFINITY) == ACTIV_ERR_PARAM, "optim_init(lr inf)");
    CHECK(activ_nn_optim_init(&o, ACTIV_NN_ADAM, 4, 0.0f) == ACTIV_ERR_PARAM, "optim_init(lr 0)");
    CHECK(activ_nn_optim_init(&o, (activ_nn_optim_kind)7, 4, 0.1f) == ACTIV_ERR_PARAM, "optim_init(kind 7)");
    CHECK(activ_nn_optim_init(&o, ACTIV_NN_ADAM, (size_t)1 << 63, 0.1f) == ACTIV_ERR_SIZE && !o.m,
          "optim_init(n = 2^63): 2n wraps, SIZE");
    CHECK(activ_nn_optim_init(&o, ACTIV_NN_SGD, SIZE_MAX, 0.1f) == ACTIV_ERR_SIZE && !o.m, "optim_init(n = SIZE_MAX)");
    CHECK(activ_nn_optim_init(&o, ACTIV_NN_SGD, SIZE_MAX / 8 + 1, 0.1f) == ACTIV_ERR_SIZE, "optim_init(2n * 4 wraps)");
    CHECK(activ_nn_optim_step(NULL, lg, lg) == ACTIV_ERR_NULL, "optim_step(NULL)");
    CHECK(activ_nn_optim_init(&o, ACTIV_NN_SGD, 4, 0.1f) == ACTIV_OK, "optim_init");
    CHECK(activ_nn_optim_step(&o, NULL, lg) == ACTIV_ERR_NULL && o.t == 0, "optim_step(params NULL)");
    CHECK(activ_nn_optim_step(&o, lg, NULL) == ACTIV_ERR_NULL && o.t == 0, "optim_step(grads NULL)");
    activ_nn_optim_free(&o);
    activ_nn_optim_free(NULL);

    activ_nn_idx ix;
    char err[256] = "";
    CHECK(activ_nn_idx_read(NULL, &ix, err, sizeof err) == ACTIV_ERR_NULL, "idx_read(NULL)");
    CHECK(activ_nn_idx_read("x", NULL, err, sizeof err) == ACTIV_ERR_NULL, "idx_read(out NULL)");
    mkdir("misuse_idx_dir", 0755);
    err[0] = 0;
    CHECK(activ_nn_idx_read("misuse_idx_dir", &ix, err, sizeof err) == ACTIV_ERR_IO && err[0] && !ix.data,
          "idx_read(a directory): IO, '%s'", err);
    rmdir("misuse_idx_dir");
    activ_nn_idx_free(NULL);
    activ_nn_dataset ds;
    CHECK(activ_nn_dataset_load(NULL, "b", &ds, err, sizeof err) == ACTIV_ERR_NULL, "dataset_load(NULL)");
    CHECK(activ_nn_dataset_load("a", "b", NULL, err, sizeof err) == ACTIV_ERR_NULL, "dataset_load(d NULL)");
    CHECK(activ_nn_mnist_load(NULL, &ds, &ds, err, sizeof err) == ACTIV_ERR_NULL, "mnist_load(NULL)");
    activ_nn_dataset_free(NULL);

    activ_nn_model m;
    activ_nn_model_init(&m, 2);
    activ_nn_model_add(&m, 2, ACTIV_NN_LINEAR);
    activ_nn_model_build(&m, 1);
    activ_nn_optim_init(&o, ACTIV_NN_SGD, m.nparams, 0.1f);
    activ_nn_rng r;
    activ_nn_rng_seed(&r, 1);
    float x[4] = {0, 1, 1, 0};
    uint8_t y[2] = {0, 1};
    activ_nn_dataset empty = {0, 2, 2, x, y};
    activ_nn_dataset two = {2, 2, 2, x, y};
    CHECK(activ_nn_train_epoch(NULL, &o, &two, 2, &r, NULL, NULL, NULL) == ACTIV_ERR_NULL, "train_epoch(NULL)");
    CHECK(activ_nn_train_epoch(&m, &o, &two, 0, &r, NULL, NULL, NULL) == ACTIV_ERR_SHAPE, "train_epoch(batch 0)");
    CHECK(activ_nn_train_epoch(&m, &o, &empty, 2, &r, NULL, NULL, NULL) == ACTIV_ERR_SHAPE, "train_epoch(0 samples)");
    CHECK(activ_nn_evaluate(&m, &two, 0, NULL, NULL) == ACTIV_ERR_SHAPE, "evaluate(batch 0)");
    CHECK(activ_nn_evaluate(NULL, &two, 2, NULL, NULL) == ACTIV_ERR_NULL, "evaluate(NULL)");
    CHECK(activ_nn_set_num_threads(0) == ACTIV_ERR_PARAM, "nn_set_num_threads(0)");
    activ_nn_optim_free(&o);
    activ_nn_model_free(&m);
}
#endif

/* ---- softmax and the gated units on 16-bit storage (activ_*16) --------------------------- */

#define MISUSE16(call, want, what)                                                              \
    do {                                                                                        \
        arena_fill();                                                                           \
        activ_status s_ = (call);                                                               \
        CHECK(s_ == (want), "%s: got %s", what, activ_status_str(s_));                          \
        CHECK(arena_intact(), "%s wrote to its arrays", what);                                  \
    } while (0)

static void half_rows(void)
{
    uint16_t *h = (uint16_t *)(void *)arena; /* 8192 16-bit slots in the canary arena */
    uint16_t *x = h, *dy = h + 512, *y = h + 1024, *z = h + 1536;
    const size_t shape[2] = {4, 64}, huge[2] = {SIZE_MAX / 2, 4};
    const activ_half F = ACTIV_F16, BAD = (activ_half)2;
    MISUSE16(activ_softmax_forward16(BAD, x, y, shape, 2, -1), ACTIV_ERR_PARAM, "softmax_forward16(dt 2)");
    MISUSE16(activ_softmax_forward16(F, NULL, y, shape, 2, -1), ACTIV_ERR_NULL, "softmax_forward16(x NULL)");
    MISUSE16(activ_log_softmax_forward16(F, x, NULL, shape, 2, -1), ACTIV_ERR_NULL, "log_softmax_forward16(y NULL)");
    MISUSE16(activ_softmax_forward16(F, x, y, NULL, 2, -1), ACTIV_ERR_NULL, "softmax_forward16(shape NULL)");
    MISUSE16(activ_softmax_forward16(F, x, y, shape, 2, 2), ACTIV_ERR_SHAPE, "softmax_forward16(axis 2)");
    MISUSE16(activ_softmax_forward16(F, x, y, shape, ACTIV_MAX_DIMS + 1, 0), ACTIV_ERR_SHAPE, "softmax_forward16(ndim)");
    MISUSE16(activ_softmax_forward16(F, x, y, huge, 2, -1), ACTIV_ERR_SIZE, "softmax_forward16(size overflow)");
    MISUSE16(activ_softmax_forward16(F, x, x + 1, shape, 2, -1), ACTIV_ERR_OVERLAP, "softmax_forward16(y = x + 1)");
    MISUSE16(activ_softmax_backward16(F, y, NULL, z, shape, 2, -1), ACTIV_ERR_NULL, "softmax_backward16(dy NULL)");
    MISUSE16(activ_softmax_backward16(F, y, dy, dy + 3, shape, 2, -1), ACTIV_ERR_OVERLAP,
             "softmax_backward16(dx = dy + 3)");
    MISUSE16(activ_log_softmax_backward16(F, y, dy, y + 100, shape, 2, -1), ACTIV_ERR_OVERLAP,
             "log_softmax_backward16(dx inside y)");
    MISUSE16(activ_glu_forward16(BAD, ACTIV_SWIGLU, x, dy, y, 8), ACTIV_ERR_PARAM, "glu_forward16(dt 2)");
    MISUSE16(activ_glu_forward16(F, (activ_glu_kind)3, x, dy, y, 8), ACTIV_ERR_KIND, "glu_forward16(kind 3)");
    MISUSE16(activ_glu_forward16(F, ACTIV_GEGLU, x, NULL, y, 8), ACTIV_ERR_NULL, "glu_forward16(b NULL)");
    MISUSE16(activ_glu_forward16(F, ACTIV_GEGLU, x, dy, dy + 1, 8), ACTIV_ERR_OVERLAP, "glu_forward16(y = b + 1)");
    MISUSE16(activ_glu_backward16(F, ACTIV_REGLU, x, dy, z, y, y + 4, 8), ACTIV_ERR_OVERLAP,
             "glu_backward16(db inside da)");
    MISUSE16(activ_glu_backward16(F, ACTIV_REGLU, x, dy, z, y, x + 2, 8), ACTIV_ERR_OVERLAP,
             "glu_backward16(db = a + 2)");
    MISUSE16(activ_glu_backward16(F, ACTIV_REGLU, x, dy, NULL, y, z, 8), ACTIV_ERR_NULL, "glu_backward16(dy NULL)");
    MISUSE16(activ_glu_split_forward16(F, ACTIV_SWIGLU, x, x + 8, 4, 8), ACTIV_ERR_OVERLAP,
             "glu_split_forward16(y inside x)");
    MISUSE16(activ_glu_split_forward16(F, ACTIV_SWIGLU, x, y, SIZE_MAX / 4, 8), ACTIV_ERR_SIZE,
             "glu_split_forward16(rows overflow)");
    MISUSE16(activ_glu_split_backward16(F, ACTIV_SWIGLU, x, dy, dy + 4, 4, 8), ACTIV_ERR_OVERLAP,
             "glu_split_backward16(dx over dy)");
    MISUSE16(activ_glu_split_backward16(F, ACTIV_SWIGLU, x, NULL, y, 4, 8), ACTIV_ERR_NULL,
             "glu_split_backward16(dy NULL)");
    /* empty calls: OK, nothing written, NULL arrays allowed */
    const size_t empty[2] = {0, 64};
    MISUSE16(activ_softmax_backward16(F, NULL, NULL, NULL, empty, 2, 0), ACTIV_OK, "softmax_backward16(empty)");
    MISUSE16(activ_glu_backward16(F, ACTIV_SWIGLU, NULL, NULL, NULL, NULL, NULL, 0), ACTIV_OK, "glu_backward16(n 0)");
    MISUSE16(activ_glu_split_forward16(F, ACTIV_SWIGLU, NULL, NULL, 0, 8), ACTIV_OK, "glu_split_forward16(rows 0)");
}

int main(void)
{
    eltwise();
    names_and_settings();
    half_rows();
#ifdef ACTIV_TEST_HAVE_NN
    nn_layers();
    nn_losses_optim_data();
#endif
    printf("test_misuse: %d element-wise entry points\n", nentries);
    return tu_finish("test_misuse");
}
