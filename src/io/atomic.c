/* atomic.c - whole-file writes: temp file in the target's directory, fsync, rename. */
#define _GNU_SOURCE
#include "io.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The process umask without changing it (umask() is not thread-safe to probe): Linux
 * reports it in /proc/self/status; 022 if that is unavailable. */
static mode_t current_umask(void)
{
    mode_t um = 022;
    FILE *fp = fopen("/proc/self/status", "r");
    if (!fp)
        return um;
    char line[128];
    unsigned v;
    while (fgets(line, sizeof line, fp))
        if (sscanf(line, "Umask: %o", &v) == 1) {
            um = (mode_t)v;
            break;
        }
    fclose(fp);
    return um;
}

activ_status activ_afile_open(activ_afile *f, const char *path)
{
    memset(f, 0, sizeof *f);
    if (!path || !*path)
        return ACTIV_ERR_NULL;
    size_t len = strlen(path);
    f->path = malloc(len + 1);
    f->tmp = malloc(len + 16);
    if (!f->path || !f->tmp) {
        activ_afile_abort(f);
        return ACTIV_ERR_NOMEM;
    }
    memcpy(f->path, path, len + 1);
    /* ".NAME.XXXXXX" beside NAME, so rename() stays within one file system. NAME is cut to
     * its first 200 bytes there, so that a legal name of up to 255 bytes still has a legal
     * temporary name (a name the system refuses fails at rename, with its errno). */
    const char *slash = strrchr(path, '/');
    size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
    memcpy(f->tmp, path, dirlen);
    sprintf(f->tmp + dirlen, ".%.200s.XXXXXX", path + dirlen);
    int fd = mkstemp(f->tmp);
    if (fd < 0) {
        int e = errno;
        free(f->tmp);
        f->tmp = NULL;
        activ_afile_abort(f);
        errno = e;
        return ACTIV_ERR_IO;
    }
    /* mkstemp makes 0600; give the file the usual umask-governed permissions */
    (void)fchmod(fd, 0666 & ~current_umask());
    f->fp = fdopen(fd, "wb");
    if (!f->fp) {
        int e = errno;
        close(fd);
        activ_afile_abort(f);
        errno = e;
        return ACTIV_ERR_IO;
    }
    return ACTIV_OK;
}

void activ_afile_abort(activ_afile *f)
{
    if (!f)
        return;
    int e = errno;
    if (f->fp)
        fclose(f->fp);
    if (f->tmp)
        unlink(f->tmp);
    free(f->tmp);
    free(f->path);
    memset(f, 0, sizeof *f);
    errno = e;
}

activ_status activ_afile_commit(activ_afile *f)
{
    if (!f || !f->fp)
        return ACTIV_ERR_NULL;
    int bad = ferror(f->fp) || fflush(f->fp) != 0 || fsync(fileno(f->fp)) != 0;
    int e = errno;
    if (fclose(f->fp) != 0 && !bad) {
        bad = 1;
        e = errno;
    }
    f->fp = NULL;
    if (!bad && rename(f->tmp, f->path) != 0) {
        bad = 1;
        e = errno;
    }
    if (bad) {
        activ_afile_abort(f);
        errno = e;
        return ACTIV_ERR_IO;
    }
    free(f->tmp);
    free(f->path);
    memset(f, 0, sizeof *f);
    return ACTIV_OK;
}

activ_status activ_write_file_atomic(const char *path, const void *data, size_t len)
{
    activ_afile f;
    activ_status s = activ_afile_open(&f, path);
    if (s != ACTIV_OK)
        return s;
    if (len && fwrite(data, 1, len, f.fp) != len) {
        activ_afile_abort(&f);
        return ACTIV_ERR_IO;
    }
    return activ_afile_commit(&f);
}

activ_status activ_afile_commit_all(activ_afile *f, int n)
{
    int bad = 0, e = 0;
    for (int i = 0; i < n; i++) {
        if (!f[i].fp) {
            bad = 1;
            continue;
        }
        if (ferror(f[i].fp) || fflush(f[i].fp) != 0 || fsync(fileno(f[i].fp)) != 0)
            bad = 1, e = errno;
        if (fclose(f[i].fp) != 0 && !bad)
            bad = 1, e = errno;
        f[i].fp = NULL;
    }
    int done = 0;
    while (!bad && done < n) {
        if (rename(f[done].tmp, f[done].path) != 0)
            bad = 1, e = errno;
        else
            done++;
    }
    for (int i = 0; i < n; i++) {
        if (bad && i < done) /* published already: take it back, all or nothing */
            unlink(f[i].path);
        if (bad && i >= done)
            activ_afile_abort(&f[i]);
        free(f[i].tmp);
        free(f[i].path);
        memset(&f[i], 0, sizeof f[i]);
    }
    errno = e;
    return bad ? ACTIV_ERR_IO : ACTIV_OK;
}
