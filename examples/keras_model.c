/* keras_model.c - Keras' Sequential([Dense(units=2, activation='relu', input_shape=(2,))])
 * and model.summary(), in C with activ. The summary shows 6 parameters (2x2 weights + 2
 * biases). */
#include <stdio.h>

#include "activ_nn.h"

int main(void)
{
    activ_nn_model model;
    activ_status s = activ_nn_model_init(&model, 2);     // input_shape=(2,)
    if (s == ACTIV_OK)
        s = activ_nn_model_add(&model, 2, ACTIV_RELU);   // Dense(units=2, activation='relu')
    if (s == ACTIV_OK)
        s = activ_nn_model_build(&model, 42);            // He init, seed 42
    if (s == ACTIV_OK)
        s = activ_nn_model_summary(&model, stdout);
    if (s == ACTIV_OK) {
        float x[2] = {1, 2}, *y;
        s = activ_nn_model_reserve(&model, 1);
        if (s == ACTIV_OK)
            s = activ_nn_model_forward(&model, x, 1, &y);
        if (s == ACTIV_OK)
            printf("model([[1, 2]]) = [[%g, %g]]\n", y[0], y[1]);
    }
    activ_nn_model_free(&model);
    if (s != ACTIV_OK) {
        fprintf(stderr, "keras_model: %s\n", activ_status_str(s));
        return 1;
    }
    return 0;
}
