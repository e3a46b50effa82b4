/* cmd_table.c - TODO: placeholder until 'activ table' lands; says so and fails. */
#include "cli.h"

int cmd_table(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_error("'activ table' is not built yet");
}
