/* matmul_relu.c - TensorFlow's tf.nn.relu(tf.matmul(x, W) + b), in C with activ.
 *
 *   x = [[1, 2], [3, 4]]   W = [[0.5, 1], [1.5, 2]]   b = [0.1, 0.2]
 *   prints [[3.6, 5.2], [7.6, 11.2]]
 *
 * One Dense layer: W is (in, out) row-major, exactly as TensorFlow/Keras store it. The
 * GEMM goes through CBLAS; bias and ReLU are applied in one pass by libactiv.
 */
#include <stdio.h>

#include "activ_nn.h"

int main(void)
{
    float x[2 * 2] = {1, 2, 3, 4};        // (B=2, in=2)
    float w[2 * 2] = {0.5f, 1, 1.5f, 2};  // (in=2, out=2)
    float b[2] = {0.1f, 0.2f};            // (out=2)
    float y[2 * 2];                       // (B=2, out=2)
    activ_nn_dense layer = {.in = 2, .out = 2, .act = ACTIV_RELU, .w = w, .b = b};
    activ_status s = activ_nn_dense_forward(&layer, x, NULL, y, 2);
    if (s != ACTIV_OK) {
        fprintf(stderr, "matmul_relu: %s\n", activ_status_str(s));
        return 1;
    }
    printf("[[%g, %g], [%g, %g]]\n", y[0], y[1], y[2], y[3]);
    return 0;
}
