/* cmd_experiment.c - TODO: placeholder until 'activ experiment' lands; says so and fails. */
#include "cli.h"

int cmd_experiment(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_error("'activ experiment' is not built yet");
}
