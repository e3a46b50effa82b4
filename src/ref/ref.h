/* ref.h - the scalar double-precision oracle (internal; tests, the sweep and `activ table`).
 *
 * One straightforward formula per function, in double with libm (exp, expm1, tanh), written
 * independently of the kernels so that every fast path on every backend is checked against
 * the same thing. The formulas are chosen to stay accurate in the tails (expm1 for elu near
 * 0, e/(1+e)^2 instead of s*(1-s) for the sigmoid slope) and follow include/activ.h's
 * semantics exactly: NaN in gives NaN out, infinities give the mathematical limits, signed
 * zero is kept where the math keeps it, and kinks use PyTorch's conventions.
 */
#ifndef ACTIV_REF_H
#define ACTIV_REF_H

#include "activ.h"

/* f(x) for kind; alpha is leaky/elu alpha or the prelu channel's slope, beta is swish beta. */
double activ_ref_forward(activ_kind kind, float x, float alpha, float beta);
/* f'(x), with the header's kink conventions (f' at 0 is the x <= 0 branch) and the limits
 * of f' at +-inf. NaN for NaN x. */
double activ_ref_derivative(activ_kind kind, float x, float alpha, float beta);
/* g(y) of the header's from-output table (relu, leaky_relu, elu, sigmoid, tanh); NaN for
 * prelu, swish and unknown kinds. */
double activ_ref_derivative_from_output(activ_kind kind, float y, float alpha);
/* d f / d beta of swish at x: x^2 * s(bx) * (1 - s(bx)) (0 at x = +-inf for b != 0). */
double activ_ref_swish_dbeta(float x, float beta);

/* The same with every parameter of the kind (activ_params; for prelu, alpha is the
 * channel's slope and slopes is not read). The calls above are these with the kind's
 * defaults and the given alpha and beta. */
double activ_ref_forward_p(activ_kind kind, float x, const activ_params *p);
double activ_ref_derivative_p(activ_kind kind, float x, const activ_params *p);
double activ_ref_derivative_from_output_p(activ_kind kind, float y, const activ_params *p);

/* The exact backward result dy * f'(x) (an IEEE product in double: inf * 0 is NaN). */
double activ_ref_backward(activ_kind kind, float x, float dy, float alpha, float beta);
/* The exact from-output result dy * g(y). */
double activ_ref_backward_from_output(activ_kind kind, float y, float dy, float alpha);

/* |got - exact| in units of the fp32 ULP at exact (2^-149 in the subnormal range, the ULP of
 * FLT_MAX beyond FLT_MAX). Both NaN: 0; one NaN: INFINITY; equal infinities: 0; an infinite
 * exact against anything else: INFINITY. An infinite got against a finite exact of the same
 * sign counts the infinity as 2^128 (IEEE overflow): 0 where exact rounds to it
 * (|exact| >= 2^128 - 2^103), 1 at FLT_MAX; INFINITY for the other sign.
 * -0 against +0 is 0 (signs of zero are tested apart). */
double activ_ulp_error(float got, double exact);
/* The fp32 ULP at |exact| as above (exact finite). */
double activ_ulp_of(double exact);

#endif
