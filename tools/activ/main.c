/* main.c - the activ command: dispatches to one subcommand per file (cmd_*.c). */
#include <stdio.h>
#include <string.h>

#include "activ.h"
#include "cli.h"

typedef struct {
    const char *name;
    int (*fn)(int, char **);
    const char *summary;
} command;

static const command commands[] = {
    {"tour", cmd_tour, "walk through activ: the seed's examples, table, plots, training"},
    {"eval", cmd_eval, "apply an activation to an fp32 .npy file"},
    {"grad", cmd_grad, "backward pass: dx (and dalpha/dbeta) from .npy files"},
    {"table", cmd_table, "the comparison table, every column measured"},
    {"plot", cmd_plot, "draw functions and derivatives to SVG, PNG or PDF"},
    {"bench", cmd_bench, "time every kernel against memcpy (and oneDNN/XNNPACK)"},
    {"train", cmd_train, "train an MLP on Fashion-MNIST"},
    {"experiment", cmd_experiment, "vanishing | dying | centering: the seed's claims, measured"},
};
#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f)
{
    fprintf(f, "activ %s - neural-network activation functions, exact to 1 ULP\n\n", activ_version());
    fprintf(f, "Usage: activ COMMAND [OPTIONS] [ARGS]\n\nCommands:\n");
    for (size_t i = 0; i < NCOMMANDS; i++)
        fprintf(f, "  %-11s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\nFunctions: relu leaky_relu prelu elu swish (silu) sigmoid tanh\n");
    fprintf(f, "\nExamples:\n"
               "  activ tour\n"
               "  activ eval relu in.npy out.npy\n"
               "  activ grad swish --beta 1.5 x.npy dy.npy dx.npy --dparam dbeta.npy\n"
               "  activ table relu sigmoid tanh leaky_relu\n"
               "  activ plot relu elu --derivative -o relu.svg\n"
               "\nRun 'activ COMMAND --help' for a command's options. See activ(1).\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    const char *cmd = argv[1];
    if (!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
        usage(stdout);
        return CLI_OK;
    }
    if (!strcmp(cmd, "--version") || !strcmp(cmd, "-V")) {
        printf("activ %s\n", activ_version());
        return CLI_OK;
    }
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (!strcmp(cmd, commands[i].name))
            return commands[i].fn(argc - 1, argv + 1);
    const char *names[NCOMMANDS];
    for (size_t i = 0; i < NCOMMANDS; i++)
        names[i] = commands[i].name;
    const char *s = cli_suggest(cmd, names, NCOMMANDS);
    if (s)
        return cli_usage(NULL, "unknown command '%s' (did you mean '%s'?)", cmd, s);
    return cli_usage(NULL, "unknown command '%s'", cmd);
}
