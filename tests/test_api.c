/* test_api.c - the C API contract: status strings, argument checks (NULL, n = 0, sizes that
 * overflow, prelu shapes, non-finite parameters, unsupported variants, unknown kinds),
 * version, kind and ISA names, default parameters, and the direct calls agreeing with the
 * generic entry points bit for bit. */
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

static void status_strings(void) {
    for (int s = 0; s <= 12; s++) {
        const char *m = activ_status_str((activ_status)s);
        CHECK(m && m[0], "activ_status_str(%d) is empty", s);
        for (int t = 0; t < s; t++)
            CHECK(m && strcmp(m, activ_status_str((activ_status)t)) != 0,
                  "status %d and %d share the message \"%s\"", s, t, m ? m : "");
    }
    const int unknown[] = {13, 99, -1, 1000000};
    for (int i = 0; i < 4; i++) {
        const char *m = activ_status_str((activ_status)unknown[i]);
        CHECK(m && m[0], "activ_status_str(%d) (unknown) is empty", unknown[i]);
    }
}

static void versions(void) {
    CHECK(strcmp(activ_version(), ACTIV_VERSION_STRING) == 0, "activ_version() = %s",
          activ_version());
    CHECK(activ_version_number() == ACTIV_VERSION_NUMBER, "activ_version_number() = %d",
          activ_version_number());
    CHECK(ACTIV_VERSION_NUMBER == ACTIV_VERSION_MAJOR * 10000 + ACTIV_VERSION_MINOR * 100 +
                                      ACTIV_VERSION_PATCH,
          "version macros agree");
}

static void names(void) {
    const char *want[] = {"relu", "leaky_relu", "prelu", "elu", "swish", "sigmoid", "tanh",
                          "relu6", "hardtanh", "hardsigmoid", "hardswish", "softsign", "relu2",
                          "thresholded_relu", "selu", "celu",
                          "gelu", "gelu_tanh", "softplus", "mish", "logsigmoid"};
    _Static_assert(sizeof want / sizeof want[0] == ACTIV_KIND_COUNT, "one name per kind");
    for (int k = 0; k < ACTIV_KIND_COUNT; k++) {
        const char *n = activ_kind_name((activ_kind)k);
        if (!want[k]) { /* a kind added without its name here */
            CHECK(0, "kind %d (%s) is missing from this test's list", k, n ? n : "(null)");
            continue;
        }
        CHECK(n && strcmp(n, want[k]) == 0, "kind %d name %s", k, n ? n : "(null)");
        activ_kind back = ACTIV_KIND_COUNT;
        CHECK_STATUS(activ_kind_from_name(want[k], &back), ACTIV_OK, "parse %s", want[k]);
        CHECK(back == (activ_kind)k, "%s parses to %d", want[k], (int)back);
    }
    activ_kind k = ACTIV_RELU;
    CHECK_STATUS(activ_kind_from_name("silu", &k), ACTIV_OK, "parse silu");
    CHECK(k == ACTIV_SWISH, "silu parses to swish (%d)", (int)k);
    const char *bad[] = {"Relu", "", "GELU", "relu ", "silu\n", "tanhh"};
    for (int i = 0; i < 6; i++)
        CHECK_STATUS(activ_kind_from_name(bad[i], &k), ACTIV_ERR_KIND, "parse \"%s\"", bad[i]);
    activ_status s = activ_kind_from_name(NULL, &k);
    CHECK(s == ACTIV_ERR_NULL || s == ACTIV_ERR_KIND, "parse NULL: %d", (int)s);
    CHECK_STATUS(activ_kind_from_name("relu", NULL), ACTIV_ERR_NULL, "parse into NULL");
    CHECK(activ_kind_name(ACTIV_KIND_COUNT) == NULL, "name of kind 7 is NULL");
    CHECK(activ_kind_name((activ_kind)-1) == NULL, "name of kind -1 is NULL");
    const char *isan[] = {"scalar", "sse2", "avx2", "avx512", "neon"};
    for (int i = 0; i < ACTIV_ISA_COUNT; i++) {
        const char *n = activ_isa_name((activ_isa)i);
        CHECK(n && strcmp(n, isan[i]) == 0, "isa %d name %s", i, n ? n : "(null)");
        int sup = activ_isa_supported((activ_isa)i);
        CHECK(sup == (activ_kernels_for((activ_isa)i) != NULL),
              "isa %s: supported %d but kernel table %p", isan[i], sup,
              (const void *)activ_kernels_for((activ_isa)i));
        activ_status st = activ_set_isa((activ_isa)i);
        CHECK(sup ? st == ACTIV_OK : st == ACTIV_ERR_UNSUPPORTED, "set_isa(%s): %d", isan[i],
              (int)st);
        if (sup) CHECK(activ_get_isa() == (activ_isa)i, "get_isa after set_isa(%s)", isan[i]);
    }
    CHECK(activ_isa_name(ACTIV_ISA_COUNT) == NULL, "isa name 5 is NULL");
    CHECK(activ_isa_supported(ACTIV_ISA_SCALAR) == 1, "scalar is always supported");
    CHECK(activ_set_isa(ACTIV_ISA_COUNT) != ACTIV_OK, "set_isa(5) fails");
    CHECK(activ_isa_supported(ACTIV_ISA_COUNT) == 0, "isa 5 unsupported");
}

static void defaults(void) {
    for (int k = 0; k < ACTIV_KIND_COUNT; k++) {
        activ_params p = activ_default_params((activ_kind)k);
        float a = k == ACTIV_LEAKY_RELU ? 0.01f : k == ACTIV_ELU ? 1.0f : k == ACTIV_PRELU ? 0.25f
                  : k == ACTIV_HARDSIGMOID ? 1.0f / 6.0f : k == ACTIV_SELU ? 1.6732632f : p.alpha;
        float b = k == ACTIV_HARDSIGMOID ? 0.5f : 1.0f;
        CHECK(p.alpha == a && p.beta == b && p.slopes == NULL && p.channels == 1 &&
                  p.inner == 1,
              "default params of %s: alpha %.9g beta %g slopes %p channels %zu inner %zu",
              tu_kind_str((activ_kind)k), (double)p.alpha, (double)p.beta,
              (const void *)p.slopes, p.channels, p.inner);
    }
    activ_params h = activ_default_params(ACTIV_HARDTANH), s = activ_default_params(ACTIV_SELU);
    CHECK(h.min_val == -1.0f && h.max_val == 1.0f, "hardtanh bounds %g %g", (double)h.min_val,
          (double)h.max_val);
    CHECK(s.gamma == 1.0507010f, "selu gamma %.9g", (double)s.gamma);
}

static void argument_checks(void) {
    float x[12] = {-2, -1, 0, 1, 2, 3, -3, 4, -4, 5, -5, 6}, y[12], dy[12], dx[12];
    for (int i = 0; i < 12; i++) dy[i] = 1;
    float slope = 0.25f, slopes3[3] = {0.1f, 0.2f, 0.3f};
    for (int k = 0; k < ACTIV_KIND_COUNT; k++) {
        activ_kind kind = (activ_kind)k;
        const char *kn = tu_kind_str(kind);
        activ_params p = activ_default_params(kind);
        if (kind == ACTIV_PRELU) p.slopes = &slope;
        int fo = tu_has_from_output(kind);
        /* NULL pointers */
        CHECK_STATUS(activ_forward(kind, &p, NULL, y, 12), ACTIV_ERR_NULL, "%s fwd x NULL", kn);
        CHECK_STATUS(activ_forward(kind, &p, x, NULL, 12), ACTIV_ERR_NULL, "%s fwd y NULL", kn);
        CHECK_STATUS(activ_backward(kind, &p, NULL, dy, dx, 12, NULL), ACTIV_ERR_NULL,
                     "%s bwd x NULL", kn);
        CHECK_STATUS(activ_backward(kind, &p, x, NULL, dx, 12, NULL), ACTIV_ERR_NULL,
                     "%s bwd dy NULL", kn);
        CHECK_STATUS(activ_backward(kind, &p, x, dy, NULL, 12, NULL), ACTIV_ERR_NULL,
                     "%s bwd dx NULL", kn);
        activ_status s = activ_forward(kind, NULL, x, y, 12);
        CHECK(s == ACTIV_OK || s == ACTIV_ERR_NULL || (kind == ACTIV_PRELU && s != ACTIV_OK),
              "%s fwd params NULL: %d", kn, (int)s);
        if (fo) {
            CHECK_STATUS(activ_backward_from_output(kind, &p, NULL, dy, dx, 12), ACTIV_ERR_NULL,
                         "%s bwdy y NULL", kn);
            CHECK_STATUS(activ_backward_from_output(kind, &p, x, dy, NULL, 12), ACTIV_ERR_NULL,
                         "%s bwdy dx NULL", kn);
        }
        /* n = 0: OK, pointers may be NULL, a requested dparam is zeroed */
        CHECK_STATUS(activ_forward(kind, &p, NULL, NULL, 0), ACTIV_OK, "%s fwd n=0", kn);
        float dp[3] = {9, 9, 9};
        activ_params p3 = p;
        if (kind == ACTIV_PRELU) p3.slopes = slopes3, p3.channels = 3;
        CHECK_STATUS(activ_backward(kind, &p3, NULL, NULL, NULL, 0, dp), ACTIV_OK,
                     "%s bwd n=0", kn);
        if (kind == ACTIV_PRELU)
            CHECK(dp[0] == 0 && dp[1] == 0 && dp[2] == 0, "prelu n=0: da = %g %g %g",
                  (double)dp[0], (double)dp[1], (double)dp[2]);
        if (kind == ACTIV_SWISH) CHECK(dp[0] == 0, "swish n=0: db = %g", (double)dp[0]);
        if (kind != ACTIV_PRELU && kind != ACTIV_SWISH)
            CHECK(dp[0] == 9, "%s writes dparam it does not have", kn);
        if (fo)
            CHECK_STATUS(activ_backward_from_output(kind, &p, NULL, NULL, NULL, 0), ACTIV_OK,
                         "%s bwdy n=0", kn);
        /* sizes that overflow the address space (checked before any access) */
        const size_t huge[] = {SIZE_MAX, SIZE_MAX / 2, SIZE_MAX / sizeof(float) + 1};
        for (int h = 0; h < 3; h++) {
            CHECK_STATUS(activ_forward(kind, &p, x, y, huge[h]), ACTIV_ERR_SIZE,
                         "%s fwd n=%zu", kn, huge[h]);
            CHECK_STATUS(activ_backward(kind, &p, x, dy, dx, huge[h], NULL), ACTIV_ERR_SIZE,
                         "%s bwd n=%zu", kn, huge[h]);
            if (fo)
                CHECK_STATUS(activ_backward_from_output(kind, &p, x, dy, dx, huge[h]),
                             ACTIV_ERR_SIZE, "%s bwdy n=%zu", kn, huge[h]);
        }
        /* unsupported from-output */
        if (!fo)
            CHECK_STATUS(activ_backward_from_output(kind, &p, x, dy, dx, 12),
                         ACTIV_ERR_UNSUPPORTED, "%s from-output", kn);
    }
    /* unknown kinds */
    activ_params d = activ_default_params(ACTIV_RELU);
    const int badk[] = {ACTIV_KIND_COUNT, 100, -1};
    for (int i = 0; i < 3; i++) {
        CHECK_STATUS(activ_forward((activ_kind)badk[i], &d, x, y, 12), ACTIV_ERR_KIND,
                     "fwd kind %d", badk[i]);
        CHECK_STATUS(activ_backward((activ_kind)badk[i], &d, x, dy, dx, 12, NULL),
                     ACTIV_ERR_KIND, "bwd kind %d", badk[i]);
        CHECK_STATUS(activ_backward_from_output((activ_kind)badk[i], &d, x, dy, dx, 12),
                     ACTIV_ERR_KIND, "bwdy kind %d", badk[i]);
    }
    /* prelu shapes */
    activ_params pp = activ_default_params(ACTIV_PRELU);
    pp.slopes = slopes3;
    pp.channels = 3;
    pp.inner = 1;
    CHECK_STATUS(activ_forward(ACTIV_PRELU, &pp, x, y, 12), ACTIV_OK, "prelu 3 ch, n=12");
    CHECK_STATUS(activ_forward(ACTIV_PRELU, &pp, x, y, 10), ACTIV_ERR_SHAPE, "prelu 3 ch, n=10");
    CHECK_STATUS(activ_backward(ACTIV_PRELU, &pp, x, dy, dx, 11, NULL), ACTIV_ERR_SHAPE,
                 "prelu bwd 3 ch, n=11");
    pp.inner = 2;
    CHECK_STATUS(activ_forward(ACTIV_PRELU, &pp, x, y, 12), ACTIV_OK, "prelu 3x2, n=12");
    pp.inner = 5;
    CHECK_STATUS(activ_forward(ACTIV_PRELU, &pp, x, y, 12), ACTIV_ERR_SHAPE, "prelu 3x5, n=12");
    CHECK_STATUS(activ_prelu_forward(x, y, 12, slopes3, 3, 3), ACTIV_ERR_SHAPE,
                 "prelu_forward 3x3, n=12");
    CHECK_STATUS(activ_prelu_backward(x, dy, dx, 9, slopes3, 3, 1, NULL), ACTIV_OK,
                 "prelu_backward 3x1, n=9");
    pp.inner = 0;
    CHECK(activ_forward(ACTIV_PRELU, &pp, x, y, 12) != ACTIV_OK, "prelu inner 0 rejected");
    pp.inner = 1;
    pp.channels = 0;
    CHECK(activ_forward(ACTIV_PRELU, &pp, x, y, 12) != ACTIV_OK, "prelu channels 0 rejected");
    pp.channels = SIZE_MAX / 2;
    pp.inner = 4;
    CHECK_STATUS(activ_forward(ACTIV_PRELU, &pp, x, y, 12), ACTIV_ERR_SIZE,
                 "prelu channels*inner overflows");
    pp.channels = 3;
    pp.inner = 1;
    pp.slopes = NULL;
    CHECK_STATUS(activ_forward(ACTIV_PRELU, &pp, x, y, 12), ACTIV_ERR_NULL, "prelu slopes NULL");
    CHECK_STATUS(activ_prelu_forward(x, y, 12, NULL, 3, 1), ACTIV_ERR_NULL,
                 "prelu_forward slopes NULL");
    /* non-finite parameters */
    const float nonfinite[] = {NAN, INFINITY, -INFINITY};
    for (int i = 0; i < 3; i++) {
        float v = nonfinite[i];
        CHECK_STATUS(activ_leaky_relu_forward(x, y, 12, v), ACTIV_ERR_PARAM, "leaky alpha %g", (double)v);
        CHECK_STATUS(activ_leaky_relu_backward(x, dy, dx, 12, v), ACTIV_ERR_PARAM, "leaky bwd alpha %g", (double)v);
        CHECK_STATUS(activ_leaky_relu_backward_from_output(x, dy, dx, 12, v), ACTIV_ERR_PARAM, "leaky bwdy alpha %g", (double)v);
        CHECK_STATUS(activ_elu_forward(x, y, 12, v), ACTIV_ERR_PARAM, "elu alpha %g", (double)v);
        CHECK_STATUS(activ_elu_backward(x, dy, dx, 12, v), ACTIV_ERR_PARAM, "elu bwd alpha %g", (double)v);
        CHECK_STATUS(activ_elu_backward_from_output(x, dy, dx, 12, v), ACTIV_ERR_PARAM, "elu bwdy alpha %g", (double)v);
        CHECK_STATUS(activ_swish_forward(x, y, 12, v), ACTIV_ERR_PARAM, "swish beta %g", (double)v);
        CHECK_STATUS(activ_swish_backward(x, dy, dx, 12, v, NULL), ACTIV_ERR_PARAM, "swish bwd beta %g", (double)v);
        float sl[3] = {0.1f, v, 0.2f};
        CHECK_STATUS(activ_prelu_forward(x, y, 12, sl, 3, 1), ACTIV_ERR_PARAM, "prelu slope %g", (double)v);
        CHECK_STATUS(activ_prelu_backward(x, dy, dx, 12, sl, 3, 1, NULL), ACTIV_ERR_PARAM, "prelu bwd slope %g", (double)v);
        activ_params q = activ_default_params(ACTIV_ELU);
        q.alpha = v;
        CHECK_STATUS(activ_forward(ACTIV_ELU, &q, x, y, 12), ACTIV_ERR_PARAM, "generic elu alpha %g", (double)v);
    }
    /* from-output parameter ranges */
    CHECK_STATUS(activ_leaky_relu_backward_from_output(x, dy, dx, 12, 0.0f), ACTIV_ERR_PARAM, "leaky bwdy a=0");
    CHECK_STATUS(activ_leaky_relu_backward_from_output(x, dy, dx, 12, -0.1f), ACTIV_ERR_PARAM, "leaky bwdy a<0");
    CHECK_STATUS(activ_elu_backward_from_output(x, dy, dx, 12, -0.1f), ACTIV_ERR_PARAM, "elu bwdy a<0");
    CHECK_STATUS(activ_elu_backward_from_output(x, dy, dx, 12, 0.0f), ACTIV_OK, "elu bwdy a=0");
    CHECK_STATUS(activ_leaky_relu_forward(x, y, 12, -0.1f), ACTIV_OK, "leaky negative alpha is finite");
    /* thread count */
    CHECK_STATUS(activ_set_num_threads(-3), ACTIV_ERR_PARAM, "set_num_threads(-3)");
}

/* Each direct call is the generic call with its parameters. */
static void direct_calls(void) {
    enum { M = 203 };
    static float x[M], dy[M], a[M], b[M];
    float da = 0, db = 0;
    tu_rng r;
    tu_rng_seed(&r, 17);
    for (int i = 0; i < M; i++) x[i] = tu_rng_range(&r, -6, 6), dy[i] = tu_rng_range(&r, -1, 1);
    activ_params p;
#define SAME(what)                                                                   \
    do {                                                                             \
        int ok = 1;                                                                  \
        for (int i = 0; i < M; i++) ok &= tu_same(a[i], b[i]);                       \
        CHECK(ok, "direct call %s differs from the generic call", what);             \
    } while (0)
    p = activ_default_params(ACTIV_RELU);
    activ_relu_forward(x, a, M); activ_forward(ACTIV_RELU, &p, x, b, M); SAME("relu fwd");
    activ_relu_backward(x, dy, a, M); activ_backward(ACTIV_RELU, &p, x, dy, b, M, NULL); SAME("relu bwd");
    activ_relu_backward_from_output(x, dy, a, M); activ_backward_from_output(ACTIV_RELU, &p, x, dy, b, M); SAME("relu bwdy");
    p = activ_default_params(ACTIV_LEAKY_RELU); p.alpha = 0.3f;
    activ_leaky_relu_forward(x, a, M, 0.3f); activ_forward(ACTIV_LEAKY_RELU, &p, x, b, M); SAME("leaky fwd");
    activ_leaky_relu_backward(x, dy, a, M, 0.3f); activ_backward(ACTIV_LEAKY_RELU, &p, x, dy, b, M, NULL); SAME("leaky bwd");
    activ_leaky_relu_backward_from_output(x, dy, a, M, 0.3f); activ_backward_from_output(ACTIV_LEAKY_RELU, &p, x, dy, b, M); SAME("leaky bwdy");
    p = activ_default_params(ACTIV_ELU); p.alpha = 1.5f;
    activ_elu_forward(x, a, M, 1.5f); activ_forward(ACTIV_ELU, &p, x, b, M); SAME("elu fwd");
    activ_elu_backward(x, dy, a, M, 1.5f); activ_backward(ACTIV_ELU, &p, x, dy, b, M, NULL); SAME("elu bwd");
    activ_elu_backward_from_output(x, dy, a, M, 1.5f); activ_backward_from_output(ACTIV_ELU, &p, x, dy, b, M); SAME("elu bwdy");
    p = activ_default_params(ACTIV_SWISH); p.beta = 0.7f;
    activ_swish_forward(x, a, M, 0.7f); activ_forward(ACTIV_SWISH, &p, x, b, M); SAME("swish fwd");
    activ_swish_backward(x, dy, a, M, 0.7f, &da); activ_backward(ACTIV_SWISH, &p, x, dy, b, M, &db); SAME("swish bwd");
    CHECK(da == db, "swish db direct %g generic %g", (double)da, (double)db);
    p = activ_default_params(ACTIV_SIGMOID);
    activ_sigmoid_forward(x, a, M); activ_forward(ACTIV_SIGMOID, &p, x, b, M); SAME("sigmoid fwd");
    activ_sigmoid_backward(x, dy, a, M); activ_backward(ACTIV_SIGMOID, &p, x, dy, b, M, NULL); SAME("sigmoid bwd");
    activ_sigmoid_backward_from_output(x, dy, a, M); activ_backward_from_output(ACTIV_SIGMOID, &p, x, dy, b, M); SAME("sigmoid bwdy");
    p = activ_default_params(ACTIV_TANH);
    activ_tanh_forward(x, a, M); activ_forward(ACTIV_TANH, &p, x, b, M); SAME("tanh fwd");
    activ_tanh_backward(x, dy, a, M); activ_backward(ACTIV_TANH, &p, x, dy, b, M, NULL); SAME("tanh bwd");
    activ_tanh_backward_from_output(x, dy, a, M); activ_backward_from_output(ACTIV_TANH, &p, x, dy, b, M); SAME("tanh bwdy");
    float sl[7] = {0.1f, 0.2f, -0.3f, 0.4f, 0.5f, 0.6f, 0.7f}, da7[7], db7[7];
    p = activ_default_params(ACTIV_PRELU); p.slopes = sl; p.channels = 7; p.inner = 29;
    activ_prelu_forward(x, a, M, sl, 7, 29); activ_forward(ACTIV_PRELU, &p, x, b, M); SAME("prelu fwd");
    activ_prelu_backward(x, dy, a, M, sl, 7, 29, da7); activ_backward(ACTIV_PRELU, &p, x, dy, b, M, db7); SAME("prelu bwd");
    CHECK(memcmp(da7, db7, sizeof da7) == 0, "prelu da direct vs generic");
    /* swish with beta = 1 is silu; the generic call with the default params is the same */
    p = activ_default_params(ACTIV_SWISH);
    activ_swish_forward(x, a, M, 1.0f); activ_forward(ACTIV_SWISH, &p, x, b, M); SAME("silu fwd");
#undef SAME
}

/* The shared checks (src/validate.c): everything before anything is written, n = 0 too,
 * and the parameter ranges of the newer kinds. */
static void validate_first(void) {
    float x[12] = {0}, dy[12] = {0}, dx[12], sl[4] = {0.1f, 0.2f, 0.3f, 0.4f}, da[4];
    /* n = 0 with bad prelu shapes: the status, and da untouched */
    for (int i = 0; i < 4; i++) da[i] = 9;
    CHECK_STATUS(activ_prelu_backward(NULL, NULL, NULL, 0, sl, 0, 1, da), ACTIV_ERR_SHAPE,
                 "prelu bwd n=0 channels=0");
    CHECK_STATUS(activ_prelu_backward(NULL, NULL, NULL, 0, sl, 4, SIZE_MAX, da), ACTIV_ERR_SIZE,
                 "prelu bwd n=0 channels*inner overflows");
    CHECK_STATUS(activ_prelu_backward(NULL, NULL, NULL, 0, NULL, 4, 1, da), ACTIV_ERR_NULL,
                 "prelu bwd n=0 slopes NULL");
    /* da overlapping the slopes: refused before the zeroing */
    CHECK_STATUS(activ_prelu_backward(NULL, NULL, NULL, 0, da, 4, 1, da + 1), ACTIV_ERR_OVERLAP,
                 "prelu bwd n=0 dslopes over slopes");
    CHECK(da[0] == 9 && da[1] == 9 && da[2] == 9 && da[3] == 9, "da written before the checks: %g %g",
          (double)da[0], (double)da[1]);
    /* slopes overlapping an output */
    float buf[16] = {0};
    CHECK_STATUS(activ_prelu_forward(x, buf, 12, buf + 4, 4, 1), ACTIV_ERR_OVERLAP,
                 "prelu slopes inside y");
    CHECK_STATUS(activ_prelu_backward(x, dy, buf, 12, buf + 11, 4, 1, NULL), ACTIV_ERR_OVERLAP,
                 "prelu slopes overlapping dx");
    CHECK_STATUS(activ_prelu_backward(x, dy, dx, 12, sl, 4, 1, da), ACTIV_OK, "prelu bwd ok");
    /* ranges */
    activ_params p = activ_default_params(ACTIV_HARDTANH);
    p.min_val = 2;
    CHECK_STATUS(activ_forward(ACTIV_HARDTANH, &p, x, dx, 12), ACTIV_ERR_PARAM, "hardtanh min > max");
    CHECK_STATUS(activ_forward(ACTIV_HARDTANH, &p, NULL, NULL, 0), ACTIV_ERR_PARAM,
                 "hardtanh min > max, n = 0");
    p.min_val = p.max_val = 0.5f;
    CHECK_STATUS(activ_forward(ACTIV_HARDTANH, &p, x, dx, 12), ACTIV_OK, "hardtanh min == max");
    p.max_val = __builtin_inff();
    CHECK_STATUS(activ_forward(ACTIV_HARDTANH, &p, x, dx, 12), ACTIV_ERR_PARAM, "hardtanh max inf");
    p = activ_default_params(ACTIV_CELU);
    p.alpha = 0;
    CHECK_STATUS(activ_forward(ACTIV_CELU, &p, x, dx, 12), ACTIV_ERR_PARAM, "celu alpha 0");
    p = activ_default_params(ACTIV_SELU);
    p.gamma = __builtin_nanf("");
    CHECK_STATUS(activ_forward(ACTIV_SELU, &p, x, dx, 12), ACTIV_ERR_PARAM, "selu gamma NaN");
    p.gamma = -1;
    CHECK_STATUS(activ_forward(ACTIV_SELU, &p, x, dx, 12), ACTIV_OK, "selu gamma -1 forward");
    CHECK_STATUS(activ_backward_from_output(ACTIV_SELU, &p, x, dy, dx, 12), ACTIV_ERR_PARAM,
                 "selu from-output gamma -1");
    p = activ_default_params(ACTIV_THRESHOLDED_RELU);
    p.alpha = -0.5f;
    CHECK_STATUS(activ_backward_from_output(ACTIV_THRESHOLDED_RELU, &p, x, dy, dx, 12),
                 ACTIV_ERR_PARAM, "thresholded_relu from-output alpha < 0");
    CHECK_STATUS(activ_backward_from_output(ACTIV_HARDSWISH, NULL, x, dy, dx, 12),
                 ACTIV_ERR_UNSUPPORTED, "hardswish from-output");
}

/* activ_parallel_for_each: every task runs exactly once for any thread count, a task may
 * call it again (then serially), and bad arguments give a status. */
typedef struct par_ctx {
    _Atomic int *hits;
    size_t n;
    int nested;
} par_ctx;
static void par_task(void *ctx, size_t i) {
    par_ctx *c = ctx;
    if (i < c->n) c->hits[i]++;
    if (c->nested && i == 0) {
        par_ctx inner = {c->hits + c->n, c->n, 0};
        CHECK_STATUS(activ_parallel_for_each(c->n, par_task, &inner), ACTIV_OK, "nested parallel_for_each");
    }
}
static void parallel_tasks(void) {
    enum { N = 1000 };
    static _Atomic int hits[2 * N];
    const int threads[] = {1, 2, 3, 8};
    for (int t = 0; t < 4; t++)
        for (int nested = 0; nested < 2; nested++) {
            for (int i = 0; i < 2 * N; i++) hits[i] = 0;
            activ_set_num_threads(threads[t]);
            par_ctx c = {hits, N, nested};
            CHECK_STATUS(activ_parallel_for_each(N, par_task, &c), ACTIV_OK, "parallel_for_each threads=%d", threads[t]);
            int bad = 0;
            for (int i = 0; i < N; i++) bad += hits[i] != 1 || hits[N + i] != nested;
            CHECK(bad == 0, "threads=%d nested=%d: %d tasks ran other than once", threads[t], nested, bad);
        }
    activ_set_num_threads(0);
    CHECK_STATUS(activ_parallel_for_each(3, NULL, NULL), ACTIV_ERR_NULL, "parallel_for_each NULL fn");
    CHECK_STATUS(activ_parallel_for_each(0, NULL, NULL), ACTIV_OK, "parallel_for_each n=0");
}

int main(void) {
    status_strings();
    versions();
    names();
    defaults();
    argument_checks();
    direct_calls();
    validate_first();
    parallel_tasks();
    return tu_finish("test_api");
}
