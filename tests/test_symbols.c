/* test_symbols.c - every symbol the shared library exports begins with activ_ (nm -D
 * --defined-only on ${ACTIV_BINARY_DIR}/src/libactiv.so). Skipped (77) without nm or the
 * library. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

int main(void) {
    const char *bin = getenv("ACTIV_BINARY_DIR");
    if (!bin) bin = "..";
    char lib[4096], cmd[4300];
    snprintf(lib, sizeof lib, "%s/src/libactiv.so", bin);
    FILE *f = fopen(lib, "rb");
    if (!f) return tu_skip("test_symbols", "no shared library at $ACTIV_BINARY_DIR/src/libactiv.so");
    fclose(f);
    if (system("nm --version > /dev/null 2>&1") != 0) return tu_skip("test_symbols", "no nm");
    snprintf(cmd, sizeof cmd, "nm -D --defined-only '%s'", lib);
    FILE *p = popen(cmd, "r");
    if (!p) return tu_skip("test_symbols", "popen failed");
    char line[1024];
    int n = 0, forward = 0;
    /* symbols the linker itself defines in some toolchains */
    const char *linker[] = {"_init", "_fini", "_edata", "_end", "__bss_start", NULL};
    while (fgets(line, sizeof line, p)) {
        char addr[64], type[8], name[900];
        if (sscanf(line, "%63s %7s %899s", addr, type, name) != 3) continue;
        int ok = strncmp(name, "activ_", 6) == 0;
        for (int i = 0; linker[i]; i++) ok |= strcmp(name, linker[i]) == 0;
        CHECK(ok, "exported symbol %s (%s) does not begin with activ_", name, type);
        n++;
        if (strcmp(name, "activ_forward") == 0) forward = 1;
        /* internal kernels must stay hidden */
        CHECK(strncmp(name, "activ_f32_", 10) != 0 && strncmp(name, "activ_ktab", 10) != 0 &&
                  strcmp(name, "activ_kernels_for") != 0,
              "internal symbol %s is exported", name);
    }
    int rc = pclose(p);
    CHECK(rc == 0, "nm exited with %d", rc);
    CHECK(forward, "activ_forward is exported (%d symbols seen)", n);
    printf("  %d exported symbols\n", n);
    return tu_finish("test_symbols");
}
