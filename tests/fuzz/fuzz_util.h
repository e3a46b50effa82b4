/* fuzz_util.h - what the libFuzzer targets share: the readers take a path, so each input is
 * written to a scratch file first (in /dev/shm when it exists, a RAM file system). */
#ifndef ACTIV_FUZZ_UTIL_H
#define ACTIV_FUZZ_UTIL_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* "DIR/activ-fuzz-PID-TAG" into buf */
static inline void fuzz_path(char *buf, size_t len, const char *tag)
{
    const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
    snprintf(buf, len, "%s/activ-fuzz-%ld-%s", dir, (long)getpid(), tag);
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
