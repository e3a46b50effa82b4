/* json.c - the CLI's one JSON writer (json.h). */
#define _GNU_SOURCE /* open_memstream */
#include "json.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "activ_internal/io.h"
#include "cli.h"

void json_str(FILE *f, const char *s)
{
    if (!s) {
        fputs("null", f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\')
            fprintf(f, "\\%c", c);
        else if (c < 0x20)
            fprintf(f, "\\u%04x", c);
        else
            fputc(c, f);
    }
    fputc('"', f);
}

void json_num(FILE *f, const char *fmt, double v)
{
    if (isfinite(v))
        fprintf(f, fmt, v + 0.0); /* + 0.0: -0 becomes +0 */
    else
        fputs("null", f);
}

void json_num_named(FILE *f, const char *fmt, double v)
{
    if (isnan(v))
        fputs("\"nan\"", f);
    else if (isinf(v))
        fputs(v > 0 ? "\"inf\"" : "\"-inf\"", f);
    else
        fprintf(f, fmt, v + 0.0);
}

void json_bool(FILE *f, int b)
{
    fputs(b ? "true" : "false", f);
}

int json_doc_open(json_doc *d)
{
    memset(d, 0, sizeof *d);
    d->f = open_memstream(&d->buf, &d->len);
    return d->f ? CLI_OK : cli_error("out of memory");
}

int json_doc_emit(json_doc *d, const char *path)
{
    int rc = CLI_OK;
    if (d->f && fclose(d->f))
        rc = path ? cli_error("out of memory") : CLI_OK;
    d->f = NULL;
    if (rc == CLI_OK && path && !strcmp(path, "-")) {
        if (fwrite(d->buf, 1, d->len, stdout) != d->len || fflush(stdout))
            rc = cli_error("cannot write the JSON to stdout");
    } else if (rc == CLI_OK && path) {
        activ_status s = activ_write_file_atomic(path, d->buf, d->len);
        if (s != ACTIV_OK)
            rc = cli_write_error(path, s);
    }
    free(d->buf);
    d->buf = NULL;
    d->len = 0;
    return rc;
}
