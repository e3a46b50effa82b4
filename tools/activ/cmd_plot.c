/* cmd_plot.c - TODO: placeholder until 'activ plot' lands; says so and fails. */
#include "cli.h"

int cmd_plot(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_error("'activ plot' is not built yet");
}
