/* cmd_train.c - TODO: placeholder until 'activ train' lands; says so and fails. */
#include "cli.h"

int cmd_train(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_error("'activ train' is not built yet");
}
