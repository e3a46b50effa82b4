/* train_model.h - layer-spec networks for 'activ train --model', 'activ experiment cnn' and the tour. */
#ifndef ACTIV_TRAIN_MODEL_H
#define ACTIV_TRAIN_MODEL_H

#include "activ_nn.h"

/* The reference CNN (issue 14): two conv blocks (3x3 'same' convolution, BatchNorm, ReLU,
 * 2x2 max pooling, dropout 0.25), then Dense 128 with BatchNorm, ReLU and Dropout 0.5, and the
 * 10-way output. BatchNorm before the dense ReLU keeps its units alive: without it half of them
 * were dead from the second epoch on (README, "Convolutional networks").
 * _FMT: the same network with the activation as a %s in each of its three places. */
#define ACTIV_REFERENCE_CNN_FMT \
    "conv64k3p1-bn-%s-pool2-dropout0.25,conv128k3p1-bn-%s-pool2-dropout0.25,flatten,dense128-bn-%s-dropout0.5,dense10"
#define ACTIV_REFERENCE_CNN "conv64k3p1-bn-relu-pool2-dropout0.25,conv128k3p1-bn-relu-pool2-dropout0.25,flatten,dense128-bn-relu-dropout0.5,dense10"

/* Init + parse + build for samples of dim values (a square image, or flat). err gets the reason. */
activ_status tm_build(activ_nn_net *n, const char *spec, int dim, uint64_t seed, int conv_algo,
                      char *err, size_t errlen);
/* "conv_0", "bn_1", ... */
void tm_layer_label(const activ_nn_net *n, int l, char *buf, size_t len);
/* The layer's fused activation or ACTIV_NN_LINEAR. */
int tm_layer_act(const activ_nn_layer *L);
/* 'activ train --model ...' (argv as given to cmd_train). */
int cmd_train_model(int argc, char **argv);
/* 'activ experiment cnn ...'. */
int experiment_cnn(int argc, char **argv);

#endif
