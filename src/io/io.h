/* io.h - file formats and whole-file writes shared by the CLI and libactiv_nn (internal).
 *
 * Every writer goes through activ_afile: the bytes go to a temporary file in the target's
 * directory, which is flushed, fsync'ed and renamed over the target only when complete, so
 * an output file is either whole or absent (the temp file is removed on any failure).
 */
#ifndef ACTIV_IO_H
#define ACTIV_IO_H

#include <stdio.h>
#include <stddef.h>
#include <stdint.h>
#include "activ.h"

typedef struct activ_afile {
    FILE *fp;   /* write here between open and commit */
    char *path; /* the final name */
    char *tmp;  /* the temporary name */
} activ_afile;

/* Opens a temp file next to path. Returns ACTIV_OK or ACTIV_ERR_IO (errno is kept). */
activ_status activ_afile_open(activ_afile *f, const char *path);
/* Flushes, syncs, closes and renames over path. On any failure removes the temp file and
 * returns ACTIV_ERR_IO. Always releases f. */
activ_status activ_afile_commit(activ_afile *f);
/* Drops the temp file and releases f. Safe on a zeroed or already released f. */
void activ_afile_abort(activ_afile *f);
/* Commits n files together: all are flushed and synced first; if any step fails, none is
 * left (names already renamed are unlinked again) and ACTIV_ERR_IO is returned with errno.
 * Always releases every f[i]. */
activ_status activ_afile_commit_all(activ_afile *f, int n);
/* One-shot: writes len bytes of data to path whole. */
activ_status activ_write_file_atomic(const char *path, const void *data, size_t len);

/* ---- .npy (NumPy format 1.0/2.0/3.0), little-endian fp32 C-order only ---------------- */

#define ACTIV_NPY_MAXDIM 16

typedef struct activ_npy {
    float *data;                    /* n floats, malloc'ed; NULL when n == 0 */
    size_t n;                       /* product of shape */
    int ndim;                       /* 0 for a scalar array */
    size_t shape[ACTIV_NPY_MAXDIM];
} activ_npy;

/* Elements of a shape: the product, 0 if any dimension is 0, SIZE_MAX when the bytes
 * (4 per element) would exceed PTRDIFF_MAX. */
size_t activ_npy_count(const size_t *shape, int ndim);
/* Reads an fp32 .npy. On failure returns ACTIV_ERR_IO (cannot open/read) or
 * ACTIV_ERR_FORMAT (not .npy, not '<f4', Fortran order, truncated, trailing bytes...) and
 * writes a one-line reason into err (if err != NULL). out is zeroed on failure. */
activ_status activ_npy_read(const char *path, activ_npy *out, char *err, size_t errlen);
/* Writes a '<f4' C-order .npy to an open stream (an activ_afile's fp). Returns ACTIV_OK,
 * ACTIV_ERR_PARAM / SIZE / NULL for bad arguments, ACTIV_ERR_IO (errno kept). */
activ_status activ_npy_fwrite(FILE *fp, const float *data, const size_t *shape, int ndim);
/* Writes data with the given shape as '<f4' C-order .npy, whole or not at all. */
activ_status activ_npy_write(const char *path, const float *data, const size_t *shape, int ndim);
void activ_npy_free(activ_npy *a);

/* 16-bit arrays: '<f2' (IEEE binary16, numpy float16) or '<u2' (uint16 bit patterns: how
 * bfloat16 data is stored, numpy having no bfloat16). descr is "<f2" or "<u2". */
typedef struct activ_npy16 {
    uint16_t *data;
    size_t n;
    int ndim;
    size_t shape[ACTIV_NPY_MAXDIM];
    char descr[4];
} activ_npy16;
activ_status activ_npy_read16(const char *path, activ_npy16 *out, char *err, size_t errlen);
activ_status activ_npy_write16(const char *path, const uint16_t *data, const char *descr,
                               const size_t *shape, int ndim);
void activ_npy16_free(activ_npy16 *a);

#endif
