/* train_model.h - layer-spec networks for 'activ train --model', 'activ experiment cnn' and the tour. */
#ifndef ACTIV_TRAIN_MODEL_H
#define ACTIV_TRAIN_MODEL_H

#include "activ_nn.h"

/* The reference CNN (issue 14): two conv blocks with BatchNorm, ReLU and max pooling, then
 * Dense 128 with Dropout 0.3 and the 10-way output. */
#define ACTIV_REFERENCE_CNN "conv32k3-bn-relu-pool2,conv64k3-bn-relu-pool2,flatten,dense128-relu-dropout0.3,dense10"

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
