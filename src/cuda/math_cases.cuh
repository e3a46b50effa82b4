/* math_cases.cuh - the (kind, alpha or slope, beta) sets the device math is checked with:
 * by tests/cuda/test_cuda_math_host on the CPU and by bench/gpu_sweep on the GPU, so the two
 * cover the same cases. The kind's other parameters are its defaults (activ_default_params). */
#ifndef ACTIV_CUDA_MATH_CASES_CUH
#define ACTIV_CUDA_MATH_CASES_CUH

#include "activ.h"

struct activ_math_case {
    int kind;
    float a, b;
};

static const activ_math_case activ_math_cases[] = {
    {ACTIV_RELU, 0, 1}, {ACTIV_LEAKY_RELU, 0.01f, 1}, {ACTIV_PRELU, 0.25f, 1},
    {ACTIV_ELU, 1.0f, 1}, {ACTIV_ELU, 0.5f, 1}, {ACTIV_SWISH, 0, 1.0f},
    {ACTIV_SWISH, 0, 1.702f}, {ACTIV_SWISH, 0, -0.5f}, {ACTIV_SWISH, 0, 0.0f},
    {ACTIV_SIGMOID, 0, 1}, {ACTIV_TANH, 0, 1}, {ACTIV_RELU6, 1, 1}, {ACTIV_HARDTANH, 1, 1},
    {ACTIV_HARDSIGMOID, 1.0f / 6.0f, 0.5f}, {ACTIV_HARDSIGMOID, 0.2f, 0.5f},
    {ACTIV_HARDSWISH, 1, 1}, {ACTIV_SOFTSIGN, 1, 1}, {ACTIV_RELU2, 1, 1},
    {ACTIV_THRESHOLDED_RELU, 1, 1}, {ACTIV_THRESHOLDED_RELU, 0.5f, 1},
    {ACTIV_SELU, 1.6732632f, 1}, {ACTIV_CELU, 1, 1}, {ACTIV_CELU, 0.5f, 1},
    {ACTIV_GELU, 0, 1}, {ACTIV_GELU_TANH, 0, 1}, {ACTIV_SOFTPLUS, 0, 1.0f},
    {ACTIV_SOFTPLUS, 0, 0.5f}, {ACTIV_MISH, 0, 1}, {ACTIV_LOGSIGMOID, 0, 1}};

#endif
