/* fuzz_util.h - what the libFuzzer targets share: the readers take a path, so each input is
 * written to a scratch file first (in /dev/shm when it exists, a RAM file system). */
#ifndef ACTIV_FUZZ_UTIL_H
#define ACTIV_FUZZ_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char fuzz_paths[4][256];
static int fuzz_npaths;

static void fuzz_cleanup(void)
{
    for (int i = 0; i < fuzz_npaths; i++)
        unlink(fuzz_paths[i]);
}

/* "DIR/activ-fuzz-PID-TAG" into buf (at most 255 bytes); removed at exit */
static inline void fuzz_path(char *buf, size_t len, const char *tag)
{
    const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(buf, len, "%s/activ-fuzz-%ld-%s", dir, (long)getpid(), tag);
    if (fuzz_npaths == 0)
        atexit(fuzz_cleanup);
    if (fuzz_npaths < 4)
        snprintf(fuzz_paths[fuzz_npaths++], sizeof fuzz_paths[0], "%s", buf);
}

static inline void fuzz_write(const char *path, const void *data, size_t len)
{
    FILE *fp = fopen(path, "wb");
    if (!fp || (len && fwrite(data, 1, len, fp) != len) || fclose(fp) != 0) {
        perror(path);
        abort();
    }
}

/* a broken invariant: report and crash so libFuzzer keeps the input */
#define FUZZ_ASSERT(cond, ...)                                                  \
    do {                                                                        \
        if (!(cond)) {                                                          \
            fprintf(stderr, "fuzz invariant failed: %s: ", #cond);              \
            fprintf(stderr, __VA_ARGS__);                                       \
            fputc('\n', stderr);                                                \
            abort();                                                            \
        }                                                                       \
    } while (0)

#endif
