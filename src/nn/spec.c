/* spec.c - the layer spec: "conv64k3p1-bn-relu-pool2-dropout0.25,conv128k3p1-bn-relu-pool2-dropout0.25,flatten,dense128-bn-relu-dropout0.5,dense10".
 * Tokens are separated by '-' or ','; the grammar is in include/activ_nn.h and docs/activ.1. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "nn_internal.h"

/* "NAME: <why> at column C\n  SPEC\n  ^^^^" into err */
/* The message names the token (its first 40 characters) and its column, then shows the
 * spec with a caret line under the token. A long spec is shown as a window (40 characters
 * before the token, 40 of it, 20 after, "..." where cut), so the whole message stays under
 * 400 bytes and the caret fits in any err of 512 bytes or more. */
static void spec_error(char *err, size_t errlen, const char *spec, size_t at, size_t len,
                       const char *why)
{
    if (!err || !errlen)
        return;
    enum { BEFORE = 40, TOKEN = 40, AFTER = 20 };
    size_t total = strlen(spec), from = at > BEFORE ? at - BEFORE : 0;
    size_t tok = len < TOKEN ? len : TOKEN;
    size_t show = at - from + tok + AFTER;
    if (show > total - from)
        show = total - from;
    const char *pre = from ? "..." : "", *post = from + show < total ? "..." : "";
    char mark[BEFORE + TOKEN + 8];
    size_t k = 0;
    for (size_t i = 0; i < strlen(pre) + (at - from); i++)
        mark[k++] = ' ';
    for (size_t i = 0; i < (tok ? tok : 1); i++)
        mark[k++] = '^';
    mark[k] = 0;
    nn_seterr(err, errlen, "bad layer '%.*s%s' at column %zu: %s\n  %s%.*s%s\n  %s", (int)tok, spec + at,
              len > tok ? "..." : "", at + 1, why, pre, (int)show, spec + from, post, mark);
}

/* Reads a positive integer at *p (at most 1e6); advances. -1 if none. */
static int read_int(const char **p, const char *end)
{
    const char *q = *p;
    long v = 0;
    if (q >= end || !isdigit((unsigned char)*q))
        return -1;
    while (q < end && isdigit((unsigned char)*q)) {
        v = v * 10 + (*q++ - '0');
        if (v > 1000000)
            return -1;
    }
    *p = q;
    return (int)v;
}

static int starts(const char *p, const char *end, const char *w)
{
    size_t n = strlen(w);
    return (size_t)(end - p) >= n && !memcmp(p, w, n);
}

/* "convNkK[sS][pP][nobias]", p after "conv". */
static activ_status parse_conv(activ_nn_net *n, const char *p, const char *end, const char **why)
{
    int oc = read_int(&p, end);
    if (oc < 1)
        return *why = "expected the number of filters after 'conv', as in conv32k3", ACTIV_ERR_PARAM;
    if (p >= end || *p != 'k')
        return *why = "expected 'k' and the kernel size, as in conv32k3", ACTIV_ERR_PARAM;
    p++;
    int k = read_int(&p, end), st = 1, pad = 0, bias = 1;
    if (k < 1)
        return *why = "expected the kernel size after 'k', as in conv32k3", ACTIV_ERR_PARAM;
    while (p < end) {
        if (*p == 's') {
            p++;
            if ((st = read_int(&p, end)) < 1)
                return *why = "expected a stride >= 1 after 's', as in conv32k3s2", ACTIV_ERR_PARAM;
        } else if (*p == 'p') {
            p++;
            if ((pad = read_int(&p, end)) < 0)
                return *why = "expected a padding after 'p', as in conv32k3p1", ACTIV_ERR_PARAM;
        } else if (starts(p, end, "nobias")) {
            p += 6;
            bias = 0;
        } else
            return *why = "unexpected text after the kernel size (allowed: sS, pP, nobias)", ACTIV_ERR_PARAM;
    }
    activ_status s = activ_nn_net_add_conv2d(n, oc, k, st, pad, bias, ACTIV_NN_LINEAR);
    if (s == ACTIV_ERR_SHAPE)
        *why = n->nlayers && n->layers[n->nlayers - 1].orank == 1
                   ? "a conv needs an image (c, h, w) input, not flat features"
                   : "the kernel does not fit the input (or too many layers)";
    return s;
}

/* "poolK[sS]" (max or average), p after the name. */
static activ_status parse_pool(activ_nn_net *n, int is_max, const char *p, const char *end, const char **why)
{
    int k = read_int(&p, end), st = 0;
    if (k < 1)
        return *why = "expected the window size, as in pool2", ACTIV_ERR_PARAM;
    if (p < end && *p == 's') {
        p++;
        if ((st = read_int(&p, end)) < 1)
            return *why = "expected a stride >= 1 after 's', as in pool3s2", ACTIV_ERR_PARAM;
    }
    if (p != end)
        return *why = "unexpected text after the window size (allowed: sS)", ACTIV_ERR_PARAM;
    activ_status s = activ_nn_net_add_pool2d(n, is_max, k, st);
    if (s == ACTIV_ERR_SHAPE)
        *why = "pooling needs an image input at least as large as the window";
    return s;
}

/* "dropoutR", p after "dropout". */
static activ_status parse_dropout(activ_nn_net *n, const char *p, const char *end, const char **why)
{
    char num[32];
    size_t m = (size_t)(end - p);
    if (m == 0 || m >= sizeof num)
        return *why = "expected a rate in [0, 1) after 'dropout', as in dropout0.3", ACTIV_ERR_PARAM;
    memcpy(num, p, m);
    num[m] = 0;
    char *e;
    double r = strtod(num, &e);
    if (*e || !(r >= 0 && r < 1) || !isdigit((unsigned char)num[0]))
        return *why = "expected a rate in [0, 1) after 'dropout', as in dropout0.3", ACTIV_ERR_PARAM;
    return activ_nn_net_add_dropout(n, (float)r);
}

/* An activation name (or 'linear'): fused into the previous conv, dense or bn. */
static activ_status parse_act(activ_nn_net *n, const char *tok, size_t len, const char **why)
{
    char word[64];
    if (len >= sizeof word)
        return *why = "unknown layer", ACTIV_ERR_PARAM;
    memcpy(word, tok, len);
    word[len] = 0;
    int act;
    activ_kind kind;
    if (!strcmp(word, "linear"))
        act = ACTIV_NN_LINEAR;
    else if (activ_kind_from_name(word, &kind) == ACTIV_OK)
        act = (int)kind;
    else
        return *why = "unknown layer (conv, dense, bn, pool, maxpool, avgpool, dropout, flatten or "
                      "an activation name)", ACTIV_ERR_PARAM;
    if (act == ACTIV_NN_LINEAR && n->nlayers)
        return ACTIV_OK; /* 'linear' leaves the previous layer as it is */
    activ_status s = activ_nn_net_set_last_act(n, act);
    if (s == ACTIV_ERR_SHAPE)
        *why = "an activation must follow a conv, dense or bn that has none yet";
    else if (s == ACTIV_ERR_PARAM)
        *why = "prelu has learned slopes and cannot be fused into bn; put it on the conv or dense";
    return s;
}

/* One token [tok, end). Returns ACTIV_OK or an error with why filled. */
static activ_status one(activ_nn_net *n, const char *tok, const char *end, const char **why)
{
    const char *p = tok;
    activ_status s;
    size_t len = (size_t)(end - tok);
    if (starts(p, end, "conv"))
        return parse_conv(n, p + 4, end, why);
    if (starts(p, end, "maxpool"))
        return parse_pool(n, 1, p + 7, end, why);
    if (starts(p, end, "avgpool"))
        return parse_pool(n, 0, p + 7, end, why);
    if (starts(p, end, "pool"))
        return parse_pool(n, 1, p + 4, end, why);
    if (starts(p, end, "dense")) {
        p += 5;
        int u = read_int(&p, end);
        if (u < 1 || p != end)
            return *why = "expected the number of units, as in dense128", ACTIV_ERR_PARAM;
        s = activ_nn_net_add_dense(n, u, ACTIV_NN_LINEAR);
        if (s == ACTIV_ERR_SHAPE)
            *why = "dense needs flat input: put 'flatten' before it";
        return s;
    }
    if (starts(p, end, "dropout"))
        return parse_dropout(n, p + 7, end, why);
    if ((len == 2 && starts(p, end, "bn")) || (len == 7 && starts(p, end, "flatten"))) {
        s = len == 2 ? activ_nn_net_add_batchnorm(n, ACTIV_NN_LINEAR) : activ_nn_net_add_flatten(n);
        if (s == ACTIV_ERR_SHAPE)
            *why = "too many layers";
        return s;
    }
    return parse_act(n, tok, len, why);
}

activ_status activ_nn_net_parse(activ_nn_net *n, const char *spec, char *err, size_t errlen)
{
    if (!n || !spec)
        return ACTIV_ERR_NULL;
    const char *p = spec;
    if (!*p) {
        spec_error(err, errlen, spec, 0, 0, "the spec is empty");
        return ACTIV_ERR_PARAM;
    }
    for (;;) {
        const char *e = p;
        while (*e && *e != '-' && *e != ',')
            e++;
        if (e == p) {
            spec_error(err, errlen, spec, (size_t)(p - spec), 0, "empty layer between separators");
            return ACTIV_ERR_PARAM;
        }
        const char *why = "cannot add this layer";
        activ_status s = one(n, p, e, &why);
        if (s != ACTIV_OK) {
            spec_error(err, errlen, spec, (size_t)(p - spec), (size_t)(e - p), why);
            return s;
        }
        if (!*e)
            break;
        p = e + 1;
    }
    return ACTIV_OK;
}
