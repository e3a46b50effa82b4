/* test_isa_env.c - the ACTIV_ISA and ACTIV_NUM_THREADS environment variables, read in a fresh
 * process: the test re-executes itself (/proc/self/exe --child) with the variable set and
 * reads back which path and thread count the child's first call saw. */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"

static int child(void) {
    float x[40], y[40];
    for (int i = 0; i < 40; i++) x[i] = (float)i - 20;
    activ_status s = activ_tanh_forward(x, y, 40); /* a first call, then ask */
    printf("%s %d %d\n", activ_isa_name(activ_get_isa()), activ_get_num_threads(), (int)s);
    return 0;
}

/* Runs this program with --child and the given environment; returns its output line. */
static int run_child(const char *isa, const char *threads, char *out, size_t cap) {
    int fd[2];
    if (pipe(fd) != 0) return 0;
    pid_t pid = fork();
    if (pid < 0) return 0;
    if (pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        close(fd[1]);
        if (isa) setenv("ACTIV_ISA", isa, 1); else unsetenv("ACTIV_ISA");
        if (threads) setenv("ACTIV_NUM_THREADS", threads, 1); else unsetenv("ACTIV_NUM_THREADS");
        char *argv[] = {"test_isa_env", "--child", NULL};
        execv("/proc/self/exe", argv);
        _exit(127);
    }
    close(fd[1]);
    size_t n = 0;
    ssize_t k;
    while (n + 1 < cap && (k = read(fd[0], out + n, cap - 1 - n)) > 0) n += (size_t)k;
    out[n] = 0;
    close(fd[0]);
    int st = 0;
    waitpid(pid, &st, 0);
    return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--child") == 0) return child();
    char out[256], name[64];
    int thr = 0, st = -1;
    /* no variable: the best supported path */
    CHECK(run_child(NULL, NULL, out, sizeof out), "child without ACTIV_ISA ran");
    char best[64] = "";
    if (sscanf(out, "%63s %d %d", best, &thr, &st) == 3)
        CHECK(strcmp(best, activ_isa_name(activ_get_isa())) == 0,
              "default path in a child %s, here %s", best, activ_isa_name(activ_get_isa()));
    else
        CHECK(0, "child output \"%s\"", out);
    for (int i = 0; i < ACTIV_ISA_COUNT; i++) {
        const char *want = activ_isa_name((activ_isa)i);
        int sup = activ_isa_supported((activ_isa)i);
        CHECK(run_child(want, NULL, out, sizeof out), "child with ACTIV_ISA=%s ran", want);
        CHECK(sscanf(out, "%63s %d %d", name, &thr, &st) == 3 && st == 0, "child output \"%s\"", out);
        if (sup)
            CHECK(strcmp(name, want) == 0, "ACTIV_ISA=%s: the child used %s", want, name);
        else /* unsupported here: still a working supported path */
            CHECK(strcmp(name, want) != 0, "ACTIV_ISA=%s (unsupported): the child used %s", want, name);
    }
    /* nonsense falls back to the default without failing calls */
    CHECK(run_child("bogus", NULL, out, sizeof out), "child with ACTIV_ISA=bogus ran");
    CHECK(sscanf(out, "%63s %d %d", name, &thr, &st) == 3 && st == 0 && strcmp(name, best) == 0,
          "ACTIV_ISA=bogus: \"%s\", expected %s", out, best);
    /* ACTIV_NUM_THREADS */
    CHECK(run_child(NULL, "3", out, sizeof out), "child with ACTIV_NUM_THREADS=3 ran");
    CHECK(sscanf(out, "%63s %d %d", name, &thr, &st) == 3 && thr == 3,
          "ACTIV_NUM_THREADS=3: the child reports %d threads (\"%s\")", thr, out);
    /* with scalar forced through the environment, results match the scalar kernel table */
    return tu_finish("test_isa_env");
}
