/* test_nn_idx.c - the IDX reader on small synthetic files (plain and gzip): good files load,
 * missing, truncated, mismatched, corrupt and trailing-byte files fail with a message. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "activ_nn.h"
#include "testutil.h"


/* an IDX ubyte file: magic, dims, then `count` bytes of data (i * 7 % 256) */
static size_t idx_bytes(unsigned char *b, int ndim, const unsigned *dims, size_t count)
{
    size_t k = 0;
    b[k++] = 0, b[k++] = 0, b[k++] = 8, b[k++] = (unsigned char)ndim;
    for (int i = 0; i < ndim; i++)
        b[k++] = (unsigned char)(dims[i] >> 24), b[k++] = (unsigned char)(dims[i] >> 16),
        b[k++] = (unsigned char)(dims[i] >> 8), b[k++] = (unsigned char)dims[i];
    for (size_t i = 0; i < count; i++)
        b[k++] = (unsigned char)(i * 7 % 256);
    return k;
}

static unsigned long crc32_of(const unsigned char *b, size_t n)
{
    unsigned long c = 0xffffffffUL;
    for (size_t i = 0; i < n; i++) {
        c ^= b[i];
        for (int k = 0; k < 8; k++)
            c = (c >> 1) ^ (0xedb88320UL & (0UL - (c & 1)));
    }
    return c ^ 0xffffffffUL;
}

/* gz: a gzip member with one stored (uncompressed) deflate block, written by hand so the
 * test needs no zlib of its own (n < 65536) */
static void put(const char *path, const unsigned char *b, size_t n, int gz)
{
    if (gz) {
        FILE *f = fopen(path, "wb");
        const unsigned char hdr[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
        fwrite(hdr, 1, 10, f);
        unsigned char blk[5] = {1, (unsigned char)n, (unsigned char)(n >> 8), (unsigned char)~n,
                                (unsigned char)(~n >> 8)};
        fwrite(blk, 1, 5, f);
        fwrite(b, 1, n, f);
        unsigned long crc = crc32_of(b, n);
        unsigned char tail[8] = {(unsigned char)crc, (unsigned char)(crc >> 8), (unsigned char)(crc >> 16),
                                 (unsigned char)(crc >> 24), (unsigned char)n, (unsigned char)(n >> 8),
                                 (unsigned char)(n >> 16), (unsigned char)(n >> 24)};
        fwrite(tail, 1, 8, f);
        fclose(f);
    } else {
        FILE *f = fopen(path, "wb");
        fwrite(b, 1, n, f);
        fclose(f);
    }
}

static void expect_fail(const char *img, const char *lab, activ_status want, const char *what,
                        const char *needle)
{
    activ_nn_dataset d;
    char err[512] = "";
    activ_status s = activ_nn_dataset_load(img, lab, &d, err, sizeof err);
    printf("%-26s -> status %d: %s\n", what, s, err);
    CHECK(s == want, "%s: status %d, want %d", what, s, want);
    CHECK(err[0] && (!needle || strstr(err, needle)), "%s: message '%s' lacks '%s'", what, err,
          needle ? needle : "");
    CHECK(d.x == NULL && d.labels == NULL, "%s: data left allocated", what);
}

int main(void)
{
    unsigned char buf[4096];
    const unsigned idim[3] = {5, 3, 2}, ldim[1] = {5}, ldim4[1] = {4};
    size_t ni = idx_bytes(buf, 3, idim, 30);
    put("nn_img.idx", buf, ni, 0);
    put("nn_img.idx.gz", buf, ni, 1);
    put("nn_img_trunc.idx", buf, ni - 3, 0);
    put("nn_img_trail.idx", buf, ni, 0);
    FILE *f = fopen("nn_img_trail.idx", "ab");
    fputc(1, f);
    fclose(f);
    /* a gzip file cut in the middle of the stream */
    put("nn_img_cut.idx.gz", buf, ni, 1);
    struct stat st;
    stat("nn_img.idx.gz", &st);
    if (truncate("nn_img_cut.idx.gz", st.st_size / 2) != 0)
        CHECK(0, "cannot truncate nn_img_cut.idx.gz");
    unsigned char lb[64];
    size_t nl = idx_bytes(lb, 1, ldim, 5);
    for (int i = 0; i < 5; i++) lb[8 + i] = (unsigned char)(i % 3);
    put("nn_lab.idx", lb, nl, 0);
    put("nn_lab.idx.gz", lb, nl, 1);
    size_t nl4 = idx_bytes(lb, 1, ldim4, 4);
    put("nn_lab4.idx", lb, nl4, 0);
    unsigned char badmagic[16];
    memcpy(badmagic, buf, 16);
    badmagic[0] = 0x1f;
    put("nn_badmagic.idx", badmagic, 16, 0);
    unsigned char badtype[16];
    memcpy(badtype, buf, 16);
    badtype[2] = 0x0d;
    put("nn_badtype.idx", badtype, 16, 0);

    const char *pairs[][2] = {{"nn_img.idx", "nn_lab.idx"}, {"nn_img.idx.gz", "nn_lab.idx.gz"}};
    for (int p = 0; p < 2; p++) {
        activ_nn_dataset d;
        char err[512] = "";
        activ_status s = activ_nn_dataset_load(pairs[p][0], pairs[p][1], &d, err, sizeof err);
        CHECK(s == ACTIV_OK, "%s: %s", pairs[p][0], err);
        if (s != ACTIV_OK) continue;
        CHECK(d.n == 5 && d.dim == 6 && d.classes == 3, "%s: n %d dim %d classes %d", pairs[p][0], d.n, d.dim, d.classes);
        int bad = 0;
        for (int i = 0; i < 30; i++) bad += d.x[i] != (float)(i * 7 % 256) / 255.0f;
        for (int i = 0; i < 5; i++) bad += d.labels[i] != i % 3;
        CHECK(!bad, "%s: %d wrong values", pairs[p][0], bad);
        printf("%-26s -> ok: %d samples of %d pixels, %d classes\n", pairs[p][0], d.n, d.dim, d.classes);
        activ_nn_dataset_free(&d);
    }
    expect_fail("nn_missing.idx", "nn_lab.idx", ACTIV_ERR_IO, "missing images", "nn_missing.idx");
    expect_fail("nn_img.idx", "nn_missing.idx", ACTIV_ERR_IO, "missing labels", "nn_missing.idx");
    expect_fail("nn_img_trunc.idx", "nn_lab.idx", ACTIV_ERR_FORMAT, "truncated images", "truncated");
    expect_fail("nn_img_cut.idx.gz", "nn_lab.idx", ACTIV_ERR_FORMAT, "truncated gzip", NULL);
    expect_fail("nn_img_trail.idx", "nn_lab.idx", ACTIV_ERR_FORMAT, "trailing bytes", "trailing");
    expect_fail("nn_img.idx", "nn_lab4.idx", ACTIV_ERR_FORMAT, "5 images, 4 labels", "mismatch");
    expect_fail("nn_badmagic.idx", "nn_lab.idx", ACTIV_ERR_FORMAT, "bad magic", "magic");
    expect_fail("nn_badtype.idx", "nn_lab.idx", ACTIV_ERR_FORMAT, "float type code", "unsigned byte");
    expect_fail("nn_lab.idx", "nn_lab.idx", ACTIV_ERR_FORMAT, "labels as images", "3 dimensions");
    expect_fail("nn_img.idx", "nn_img.idx", ACTIV_ERR_FORMAT, "images as labels", "1 dimension");

    /* the directory loader: .gz first, then plain names */
    mkdir("nn_mnist", 0755);
    put("nn_mnist/train-images-idx3-ubyte.gz", buf, ni, 1);
    put("nn_mnist/train-labels-idx1-ubyte", lb, idx_bytes(lb, 1, ldim, 5), 0);
    put("nn_mnist/t10k-images-idx3-ubyte", buf, ni, 0);
    put("nn_mnist/t10k-labels-idx1-ubyte.gz", lb, idx_bytes(lb, 1, ldim, 5), 1);
    activ_nn_dataset tr, te;
    char err[512] = "";
    CHECK(activ_nn_mnist_load("nn_mnist", &tr, &te, err, sizeof err) == ACTIV_OK, "mnist dir: %s", err);
    CHECK(tr.n == 5 && te.n == 5 && tr.classes == te.classes, "mnist dir sizes");
    activ_nn_dataset_free(&tr);
    activ_nn_dataset_free(&te);
    activ_status s = activ_nn_mnist_load("nn_no_such_dir", &tr, &te, err, sizeof err);
    printf("%-26s -> status %d: %s\n", "missing directory", s, err);
    CHECK(s == ACTIV_ERR_IO && strstr(err, "train-images-idx3-ubyte"), "missing dir: %d %s", s, err);

    return tu_finish("test_nn_idx");
}
