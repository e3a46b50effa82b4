/* cli_paths.c - output paths checked before the work starts: same-file tests, writability,
 * and messages that name the path and the system's reason. */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli.h"
#include "activ_internal/io.h"

/* path with its directory resolved (the file itself may not exist yet), into buf */
static int resolve(const char *path, char *buf, size_t len)
{
    const char *slash = strrchr(path, '/');
    char dir[PATH_MAX];
    const char *base = slash ? slash + 1 : path;
    if (slash) {
        size_t dl = (size_t)(slash - path);
        if (dl >= sizeof dir)
            return -1;
        memcpy(dir, path, dl);
        dir[dl] = 0;
        if (dl == 0)
            strcpy(dir, "/");
    } else {
        strcpy(dir, ".");
    }
    char real[PATH_MAX];
    if (!realpath(dir, real))
        return -1;
    return snprintf(buf, len, "%s/%s", real, base) < (int)len ? 0 : -1;
}

int cli_same_file(const char *a, const char *b)
{
    if (!a || !b)
        return 0;
    if (!strcmp(a, b))
        return 1;
    struct stat sa, sb;
    int ea = stat(a, &sa) == 0, eb = stat(b, &sb) == 0;
    if (ea && eb)
        return sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
    if (ea != eb)
        return 0;
    char ra[2 * PATH_MAX], rb[2 * PATH_MAX];
    return resolve(a, ra, sizeof ra) == 0 && resolve(b, rb, sizeof rb) == 0 && !strcmp(ra, rb);
}

int cli_check_output(const char *path)
{
    struct stat sb;
    if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
        return cli_error("cannot write '%s': %s", path, strerror(EISDIR));
    activ_afile f;
    if (activ_afile_open(&f, path) != ACTIV_OK)
        return cli_error("cannot write '%s': %s", path, strerror(errno));
    activ_afile_abort(&f);
    return CLI_OK;
}

int cli_write_error(const char *path, activ_status s)
{
    if (s == ACTIV_ERR_IO)
        return cli_error("cannot write '%s': %s", path, errno ? strerror(errno) : activ_status_str(s));
    return cli_error("cannot write '%s': %s", path, activ_status_str(s));
}
