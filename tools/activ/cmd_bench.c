/* cmd_bench.c - TODO: placeholder until 'activ bench' lands; says so and fails. */
#include "cli.h"

int cmd_bench(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_error("'activ bench' is not built yet");
}
