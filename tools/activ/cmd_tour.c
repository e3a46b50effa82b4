/* cmd_tour.c - TODO: placeholder until 'activ tour' lands; says so and fails. */
#include "cli.h"

int cmd_tour(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    return cli_error("'activ tour' is not built yet");
}
