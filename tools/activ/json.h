/* json.h - the CLI's one JSON writer (bench, table, experiment, train reports).
 *
 * Strings are escaped (", \ and control characters; UTF-8 passes through). Numbers that are
 * not finite have no JSON spelling: json_num writes null, json_num_named the strings "inf",
 * "-inf", "nan" (activ table's documented choice). -0 is written as 0.
 * A json_doc collects a document in memory and then writes it whole: to stdout for '-', else
 * to a file through the atomic temp-file + rename writer, so the file is complete or absent.
 */
#ifndef ACTIV_CLI_JSON_H
#define ACTIV_CLI_JSON_H

#include <stddef.h>
#include <stdio.h>

/* "s", escaped; null for s == NULL. */
void json_str(FILE *f, const char *s);
/* v through fmt (one double conversion: "%.6g", "%.17g", "%.6f" ...); null if not finite. */
void json_num(FILE *f, const char *fmt, double v);
/* The same, but a non-finite v as the string "inf", "-inf" or "nan". */
void json_num_named(FILE *f, const char *fmt, double v);
/* true or false. */
void json_bool(FILE *f, int b);

typedef struct json_doc {
    FILE *f; /* write the document here (a memory stream) */
    char *buf;
    size_t len;
} json_doc;

/* Opens the memory stream. Returns CLI_OK, or CLI_FAIL after saying so. */
int json_doc_open(json_doc *d);
/* Closes the stream and writes what it holds: path "-" to stdout, another path whole or not
 * at all, NULL nowhere (a failed run). Returns CLI_OK, or CLI_FAIL after saying so. Always
 * releases d. */
int json_doc_emit(json_doc *d, const char *path);

#endif
