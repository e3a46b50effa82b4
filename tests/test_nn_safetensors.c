/* test_nn_safetensors.c - save/load round trip, and rejection of truncated, corrupt,
 * wrong-shape and bad-offset files with ACTIV_ERR_FORMAT and a message. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "activ_nn.h"
#include "testutil.h"


static void make(activ_nn_model *m, int hidden, uint64_t seed)
{
    activ_nn_model_init(m, 6);
    activ_nn_model_add(m, hidden, ACTIV_PRELU);
    activ_nn_model_add(m, 4, ACTIV_SWISH);
    activ_nn_model_add(m, 3, ACTIV_NN_LINEAR);
    if (activ_nn_model_build(m, seed) != ACTIV_OK) {
        fprintf(stderr, "build failed\n");
        exit(1);
    }
}

static unsigned char *slurp(const char *path, long *n)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    *n = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char *b = malloc((size_t)*n + 1);
    if (fread(b, 1, (size_t)*n, f) != (size_t)*n) *n = -1;
    fclose(f);
    return b;
}

static void spit(const char *path, const void *b, size_t n)
{
    FILE *f = fopen(path, "wb");
    fwrite(b, 1, n, f);
    fclose(f);
}

/* loading must fail with want, say why, and leave the model untouched */
static void expect_reject(activ_nn_model *m, const char *path, activ_status want, const char *what)
{
    float *before = malloc(m->nparams * sizeof(float));
    memcpy(before, m->params, m->nparams * sizeof(float));
    char err[512] = "";
    activ_status s = activ_nn_model_load(m, path, err, sizeof err);
    printf("%-28s -> status %d: %s\n", what, s, err);
    CHECK(s == want, "%s: status %d, want %d", what, s, want);
    CHECK(err[0] != 0, "%s: no message", what);
    CHECK(!memcmp(before, m->params, m->nparams * sizeof(float)), "%s: model changed on failure", what);
    free(before);
}

/* writes a one-layer (2 -> 2 linear) file with the given header text and data bytes */
static void raw_file(const char *path, const char *json, size_t data_bytes)
{
    size_t hl = strlen(json);
    unsigned char *b = calloc(1, 8 + hl + data_bytes);
    for (int i = 0; i < 8; i++) b[i] = (unsigned char)((unsigned long long)hl >> (8 * i));
    memcpy(b + 8, json, hl);
    spit(path, b, 8 + hl + data_bytes);
    free(b);
}

int main(void)
{
    activ_nn_model a, b, c;
    make(&a, 5, 1);
    make(&b, 5, 2);
    make(&c, 7, 1);
    CHECK(activ_nn_model_save(&a, "nn_model.safetensors") == ACTIV_OK, "save");
    CHECK(memcmp(a.params, b.params, a.nparams * sizeof(float)) != 0, "different seeds, same params");
    char err[512] = "";
    CHECK(activ_nn_model_load(&b, "nn_model.safetensors", err, sizeof err) == ACTIV_OK, "load: %s", err);
    CHECK(!memcmp(a.params, b.params, a.nparams * sizeof(float)), "round trip changed the parameters");
    printf("round trip of %zu parameters: %s\n", a.nparams,
           memcmp(a.params, b.params, a.nparams * sizeof(float)) ? "DIFFERENT" : "bit-identical");

    /* the header is the documented JSON */
    long n = 0;
    unsigned char *file = slurp("nn_model.safetensors", &n);
    if (!file || n <= 8) {
        fprintf(stderr, "FAIL: cannot reread nn_model.safetensors\n");
        return 1;
    }
    unsigned long long hl = 0;
    for (int i = 7; i >= 0; i--) hl = hl << 8 | file[i];
    CHECK(hl % 8 == 0 && 8 + hl < (unsigned long long)n, "header length %llu", hl);
    char *hdr = calloc(1, hl + 1);
    memcpy(hdr, file + 8, hl);
    CHECK(strstr(hdr, "\"dense_0.weight\":{\"dtype\":\"F32\",\"shape\":[6,5],\"data_offsets\":[0,120]}") != NULL,
          "weight entry: %s", hdr);
    CHECK(strstr(hdr, "\"dense_0.prelu_alpha\"") && strstr(hdr, "\"dense_1.swish_beta\"") &&
          strstr(hdr, "\"dense_2.bias\""), "tensor names: %s", hdr);
    size_t expect_size = 8 + hl + a.nparams * 4;
    CHECK((size_t)n == expect_size, "file is %ld bytes, want %zu", n, expect_size);

    /* rejections */
    expect_reject(&b, "does-not-exist.safetensors", ACTIV_ERR_IO, "missing file");
    expect_reject(&c, "nn_model.safetensors", ACTIV_ERR_FORMAT, "wrong shape");
    spit("nn_trunc.safetensors", file, 5);
    expect_reject(&b, "nn_trunc.safetensors", ACTIV_ERR_FORMAT, "truncated length");
    spit("nn_trunc.safetensors", file, 8 + hl / 2);
    expect_reject(&b, "nn_trunc.safetensors", ACTIV_ERR_FORMAT, "truncated header");
    spit("nn_trunc.safetensors", file, (size_t)n - 4);
    expect_reject(&b, "nn_trunc.safetensors", ACTIV_ERR_FORMAT, "truncated data");
    unsigned char *bad = malloc((size_t)n);
    memcpy(bad, file, (size_t)n);
    bad[8] = 'x';
    spit("nn_bad.safetensors", bad, (size_t)n);
    expect_reject(&b, "nn_bad.safetensors", ACTIV_ERR_FORMAT, "corrupt JSON");
    memcpy(bad, file, (size_t)n);
    bad[6] = 0x7f; /* header length far past the end */
    spit("nn_bad.safetensors", bad, (size_t)n);
    expect_reject(&b, "nn_bad.safetensors", ACTIV_ERR_FORMAT, "huge header length");
    memcpy(bad, file, (size_t)n);
    char *f32 = strstr((char *)bad + 8, "F32");
    if (f32) f32[1] = '1', f32[2] = '6';
    spit("nn_bad.safetensors", bad, (size_t)n);
    expect_reject(&b, "nn_bad.safetensors", ACTIV_ERR_FORMAT, "dtype F16");
    free(bad);

    /* hand-made files for a 2 -> 2 linear model */
    activ_nn_model s;
    activ_nn_model_init(&s, 2);
    activ_nn_model_add(&s, 2, ACTIV_NN_LINEAR);
    activ_nn_model_build(&s, 3);
    raw_file("nn_raw.safetensors",
             "{\"dense_0.weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},"
             "\"dense_0.bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[16,24]}}", 24);
    CHECK(activ_nn_model_load(&s, "nn_raw.safetensors", err, sizeof err) == ACTIV_OK, "raw ok: %s", err);
    raw_file("nn_raw.safetensors",
             "{\"dense_0.weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},"
             "\"dense_0.bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[16,28]}}", 24);
    expect_reject(&s, "nn_raw.safetensors", ACTIV_ERR_FORMAT, "offset past the data");
    raw_file("nn_raw.safetensors",
             "{\"dense_0.weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[8,0]},"
             "\"dense_0.bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[16,24]}}", 24);
    expect_reject(&s, "nn_raw.safetensors", ACTIV_ERR_FORMAT, "reversed offsets");
    raw_file("nn_raw.safetensors",
             "{\"dense_0.weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]}}", 16);
    expect_reject(&s, "nn_raw.safetensors", ACTIV_ERR_FORMAT, "missing tensor");
    raw_file("nn_raw.safetensors",
             "{\"dense_0.weight\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]},"
             "\"dense_0.bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[16,24]}}", 24);
    expect_reject(&s, "nn_raw.safetensors", ACTIV_ERR_FORMAT, "flattened weight shape");
    raw_file("nn_raw.safetensors",
             "{\"dense_0.weight\":{\"dtype\":\"F32\",\"shape\":[2,2],\"data_offsets\":[0,16]},"
             "\"dense_0.bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[16,24]},"
             "\"dense_9.bias\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[16,24]}}", 24);
    expect_reject(&s, "nn_raw.safetensors", ACTIV_ERR_FORMAT, "unexpected tensor");

    activ_nn_model_free(&s);
    activ_nn_model_free(&a);
    activ_nn_model_free(&b);
    activ_nn_model_free(&c);
    free(file);
    free(hdr);
    return tu_finish("test_nn_safetensors");
}
