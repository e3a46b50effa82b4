#!/usr/bin/python3
"""fit_special.py - the constants of src/kernels/special_coef.h, and the numbers quoted in
the error arguments of src/kernels/math_special.inc.

    /usr/bin/python3 scripts/fit_special.py          # prints the fits and their errors
    /usr/bin/python3 scripts/fit_special.py --header # prints special_coef.h

Needs numpy and mpmath (Debian: python3-numpy, python3-mpmath). Deterministic: the same
numbers every run.

What is fitted (relative error, as the kernels need it; 'err' is measured at 20000+ points
with the coefficients rounded to double and Horner evaluated in double, against mpmath at
50 digits):

  L(u)   = log1p(u)/u on u in [0, 1]: log1p(u) = u*L(u) (softplus, logsigmoid: u = e^-|x|)
  W(a)   = erfc(a/sqrt2) * e^(a^2/2) / 2 on a in [0, 24], as a polynomial in
           t = (a - K)/(a + K): Phi(-a) = e^(-a^2/2) * W(a) (gelu)
  the backward's roots: gelu', gelu_tanh' and mish' each have one zero x0 < 0, where the
  far formula cancels; inside |x - x0| < delta the kernels use f'(x) = d*S(d), d = x - x0
  (x0 as a double-double), S the Taylor series of f'(x0 + d)/d.
"""
import sys

import mpmath as mp
import numpy as np
from numpy.polynomial import Chebyshev, Polynomial

mp.mp.dps = 50


def horner(c, x):
    """c[0] + c[1] x + ... in double, as the kernels evaluate it"""
    r = np.zeros_like(x) + c[-1]
    for k in range(len(c) - 2, -1, -1):
        r = r * x + c[k]
    return r


def fit_rel(f, lo, hi, deg, npts=4000, iters=60):
    """Lawson-weighted least squares for the minimax relative error of a polynomial in x on
    [lo, hi]; returns the monomial coefficients (doubles) and the measured max rel. error"""
    k = np.arange(npts)
    xs = lo + (hi - lo) * (1 - np.cos(np.pi * (k + 0.5) / npts)) / 2
    ys = np.array([float(f(mp.mpf(float(v)))) for v in xs])
    lw = np.ones(npts)
    for _ in range(iters):
        w = np.sqrt(lw) / np.abs(ys)
        c = Chebyshev.fit(xs, ys, deg, domain=[lo, hi], w=w)
        e = np.abs(c(xs) - ys) / np.abs(ys)
        lw = lw * e
        lw /= lw.sum()
    p = c.convert(kind=Polynomial, domain=[lo, hi], window=[lo, hi])
    return [float(v) for v in p.coef]


def max_rel(f, coef, lo, hi, tmap=None, npts=20000):
    xs = np.linspace(lo, hi, npts)
    ts = tmap(xs) if tmap else xs
    got = horner(coef, ts)
    ex = np.array([float(f(mp.mpf(float(v)))) for v in xs])
    return float(np.max(np.abs(got - ex) / np.abs(ex)))


def log2(v):
    return float(mp.log(v, 2)) if v > 0 else float("-inf")


# ---- log1p -----------------------------------------------------------------------------
def L(u):
    return mp.log1p(u) / u if u != 0 else mp.mpf(1)


def fit_log1p(deg):
    c = fit_rel(L, 0.0, 1.0, deg)
    return c, max_rel(L, c, 0.0, 1.0)


# ---- W(a) for gelu ---------------------------------------------------------------------
WK = 3.5  # t = (a - K)/(a + K)
AMAX = 24.0


def W(a):
    return mp.erfc(a / mp.sqrt(2)) * mp.exp(a * a / 2) / 2


def W_of_t(t):
    a = WK * (1 + t) / (1 - t)
    return W(a)


def tmap(a):
    return (a - WK) / (a + WK)


def fit_W(deg):
    tmax = (AMAX - WK) / (AMAX + WK)
    c = fit_rel(W_of_t, -1.0, tmax, deg)
    return c, max_rel(W, c, 0.0, AMAX, tmap=tmap)


# ---- the backward roots ----------------------------------------------------------------
SQ2PI = mp.sqrt(2 / mp.pi)
KAPPA = mp.mpf("0.044715")


def gelu_d(x):
    return mp.erfc(-x / mp.sqrt(2)) / 2 + x * mp.exp(-x * x / 2) / mp.sqrt(2 * mp.pi)


def gelu_tanh_f(x):
    u = SQ2PI * (x + KAPPA * x**3)
    return x / (1 + mp.exp(-2 * u))


def gelu_tanh_d(x):
    return mp.diff(gelu_tanh_f, x)


def mish_f(x):
    return x * mp.tanh(mp.log1p(mp.exp(x)))


def mish_d(x):
    return mp.diff(mish_f, x)


def root_series(fd, guess, deg):
    x0 = mp.findroot(fd, guess)
    hi = float(x0)
    lo = float(x0 - hi)
    tc = mp.taylor(fd, x0, deg + 1)  # tc[0] = f'(x0) = 0
    S = [float(v) for v in tc[1:]]
    return x0, hi, lo, S


def window_check(fd, x0, hi, lo, S, delta):
    xs = np.linspace(float(x0) - delta, float(x0) + delta, 4001)
    worst = 0.0
    for x in xs:
        if abs(x - float(x0)) < 1e-12:
            continue
        d = (x - hi) - lo
        got = d * horner(S, np.array([d]))[0]
        ex = fd(mp.mpf(float(x)))
        worst = max(worst, abs(got - float(ex)) / abs(float(ex)))
    return worst


def amp_outside(ampf, lo, hi, x0, delta, n=6000):
    xs = [v for v in np.linspace(lo, hi, n) if abs(v - float(x0)) >= delta]
    return max(float(ampf(mp.mpf(float(v)))) for v in xs)


def amp_gelu(x):  # W's relative error through W - a c (x < 0, a = -x)
    a = -x
    w = W(a)
    return w / abs(w - a / mp.sqrt(2 * mp.pi))


def amp_gelu_tanh(x):  # e = e^{2u}'s relative error through 1 + e + v (x < 0)
    u = SQ2PI * (x + KAPPA * x**3)
    e = mp.exp(2 * u)
    v = 2 * SQ2PI * x * (1 + 3 * KAPPA * x * x)
    return e / abs(1 + e + v)


def amp_mish(x):  # u = e^x's relative error through B(u) (x < 0)
    u = mp.exp(x)
    B = (u + 2) * (u * u + 2 * u + 2) + 4 * x * (1 + u)
    dB = (u * u + 2 * u + 2) + (u + 2) * (2 * u + 2) + 4 * x
    return abs(u * dB / B)


ROOTS = [
    # name, f', guess, Taylor degree, window half-width, amplification, x range for it
    ("GELU", gelu_d, -0.75, 7, 0.03125, amp_gelu, (-24.0, 0.0)),
    ("GELU_TANH", gelu_tanh_d, -0.75, 7, 0.03125, amp_gelu_tanh, (-12.0, 0.0)),
    ("MISH", mish_d, -1.19, 7, 0.03125, amp_mish, (-40.0, 0.0)),
]

LOG1P_DEG = 11
W_DEG = 13


def main():
    header = "--header" in sys.argv
    out = []
    cl, el = fit_log1p(LOG1P_DEG)
    cw, ew = fit_W(W_DEG)
    if not header:
        for d in range(LOG1P_DEG - 3, LOG1P_DEG + 1):
            print(f"log1p(u)/u degree {d}: max rel err 2^{log2(fit_log1p(d)[1]):.2f}")
        for d in range(W_DEG - 3, W_DEG + 1):
            print(f"W(a) in t degree {d} (K={WK}): max rel err 2^{log2(fit_W(d)[1]):.2f}")
    out.append(f"/* log1p(u) = u * L(u), u in [0, 1]: degree {LOG1P_DEG}, max rel. error "
               f"2^{log2(el):.2f} (double Horner) */")
    out.append(f"#define ACTIV_LOG1P_DEG {LOG1P_DEG}")
    out.append("#define ACTIV_LOG1P_C { " + ", ".join(v.hex() for v in cl) + " }")
    out.append(f"/* W(a) = erfc(a/sqrt2) e^(a^2/2) / 2 = P(t), t = (a - K)/(a + K), a in [0, {AMAX:g}]: "
               f"degree {W_DEG}, max rel. error 2^{log2(ew):.2f} */")
    out.append(f"#define ACTIV_GELU_W_K {WK!r}")
    out.append(f"#define ACTIV_GELU_W_AMAX {AMAX!r}")
    out.append(f"#define ACTIV_GELU_W_DEG {W_DEG}")
    out.append("#define ACTIV_GELU_W_C { " + ", ".join(v.hex() for v in cw) + " }")
    for name, fd, guess, deg, delta, ampf, rng in ROOTS:
        x0, hi, lo, S = root_series(fd, guess, deg)
        wc = window_check(fd, x0, hi, lo, S, delta)
        amp = amp_outside(ampf, rng[0], rng[1], x0, delta)
        ampw = amp_outside(ampf, float(x0) - 2 * delta, float(x0) + 2 * delta, x0, delta, 400)
        if not header:
            print(f"{name}: x0 = {mp.nstr(x0, 25)}  window |d| < {delta}: Taylor degree {deg} "
                  f"rel err 2^{log2(wc):.2f}; amplification outside <= {amp:.2f} "
                  f"(at the window edge {ampw:.2f})")
        out.append(f"/* {name.lower()}' has its zero at x0 = {mp.nstr(x0, 22)}; for |x - x0| < "
                   f"{delta}: f'(x) = d * S(d), d = (x - X0_HI) - X0_LO, S of degree {len(S) - 1} "
                   f"(rel. error 2^{log2(wc):.2f}); outside, the far formula's amplification of "
                   f"its input error is <= {amp:.2f} */")
        out.append(f"#define ACTIV_{name}_X0_HI {hi.hex()}")
        out.append(f"#define ACTIV_{name}_X0_LO {lo.hex()}")
        out.append(f"#define ACTIV_{name}_WIN {delta!r}")
        out.append(f"#define ACTIV_{name}_S_DEG {len(S) - 1}")
        out.append(f"#define ACTIV_{name}_S_C {{ " + ", ".join(v.hex() for v in S) + " }")
    if header:
        print("/* special_coef.h - GENERATED by scripts/fit_special.py --header; do not edit.")
        print(" * Polynomial constants shared by the CPU kernels (src/kernels/math_special.inc) and")
        print(" * the device math (src/cuda/math.cuh). Errors: see the script and math_special.inc. */")
        print("#ifndef ACTIV_SPECIAL_COEF_H")
        print("#define ACTIV_SPECIAL_COEF_H")
        print("\n".join(out))
        print("#endif")


if __name__ == "__main__":
    main()
