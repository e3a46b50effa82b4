/* cli.c - messages, exit codes and name suggestions shared by the subcommands. */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_color(int fd)
{
    const char *nc = getenv("NO_COLOR");
    if (nc && nc[0])
        return 0;
    return isatty(fd);
}

static void vmsg(const char *label, const char *color, const char *fmt, va_list ap)
{
    int c = label && cli_color(2);
    fputs("activ: ", stderr);
    if (label)
        fprintf(stderr, "%s%s:%s ", c ? color : "", label, c ? "\033[0m" : "");
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
}

int cli_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg("error", "\033[1;31m", fmt, ap);
    va_end(ap);
    return CLI_FAIL;
}

int cli_usage(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg("error", "\033[1;31m", fmt, ap);
    va_end(ap);
    if (cmd)
        fprintf(stderr, "Try 'activ %s --help'.\n", cmd);
    else
        fprintf(stderr, "Try 'activ --help'.\n");
    return CLI_USAGE;
}

void cli_warn(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg("warning", "\033[1;33m", fmt, ap);
    va_end(ap);
}

void cli_info(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vmsg(NULL, "", fmt, ap);
    va_end(ap);
}

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return (size_t)-1;
    size_t prev[65], cur[65];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = j;
    for (size_t i = 1; i <= la; i++) {
        cur[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = prev[j] + 1, ins = cur[j - 1] + 1;
            cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
        memcpy(prev, cur, (lb + 1) * sizeof *prev);
    }
    return prev[lb];
}

const char *cli_suggest(const char *word, const char *const *cands, size_t ncands)
{
    const char *best = NULL;
    size_t bestd = (size_t)-1;
    for (size_t i = 0; i < ncands; i++) {
        size_t d = edit_distance(word, cands[i]);
        /* a prefix match ("sig" -> "sigmoid") also counts as close */
        if (strncmp(word, cands[i], strlen(word)) == 0 && strlen(word) >= 2)
            d = d < 1 ? d : 1;
        if (d < bestd) {
            bestd = d;
            best = cands[i];
        }
    }
    size_t len = strlen(word);
    size_t limit = len <= 3 ? 1 : len / 2;
    return bestd <= limit ? best : NULL;
}

int cli_parse_kind(const char *cmd, const char *name, activ_kind *kind)
{
    if (activ_kind_from_name(name, kind) == ACTIV_OK)
        return CLI_OK;
    const char *names[ACTIV_KIND_COUNT + 1];
    char list[1024] = "";
    for (int k = 0; k < ACTIV_KIND_COUNT; k++) {
        names[k] = activ_kind_name((activ_kind)k);
        strcat(list, k ? ", " : "");
        strcat(list, names[k]);
    }
    names[ACTIV_KIND_COUNT] = "silu";
    strcat(list, " (silu = swish)");
    const char *s = cli_suggest(name, names, ACTIV_KIND_COUNT + 1);
    if (s)
        return cli_usage(cmd, "unknown function '%s' (did you mean '%s'?); valid functions: %s", name, s, list);
    return cli_usage(cmd, "unknown function '%s'; valid functions: %s", name, list);
}

int cli_parse_double(const char *s, double *out)
{
    if (!s || !*s)
        return -1;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (*end || errno == ERANGE || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

int cli_parse_float(const char *s, float *out)
{
    double d;
    if (cli_parse_double(s, &d) || !isfinite((float)d))
        return -1;
    *out = (float)d;
    return 0;
}

int cli_parse_long(const char *s, long *out)
{
    if (!s || !*s)
        return -1;
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (*end || errno == ERANGE)
        return -1;
    *out = v;
    return 0;
}

int cli_parse_float_list(const char *s, float *out, int max)
{
    if (!s || !*s)
        return -1;
    char buf[1024];
    if (strlen(s) >= sizeof buf)
        return -1;
    strcpy(buf, s);
    int n = 0;
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        if (n >= max || cli_parse_float(tok, &out[n]))
            return -1;
        n++;
    }
    return n ? n : -1;
}

int cli_unknown_option(const char *cmd, const char *opt, const char *const *opts, size_t nopts)
{
    const char *s = cli_suggest(opt, opts, nopts);
    if (s)
        return cli_usage(cmd, "unknown option '%s' (did you mean '%s'?)", opt, s);
    return cli_usage(cmd, "unknown option '%s'", opt);
}
