"""float64 NumPy references for the kinds the tests know, and a ULP measure.

f(x, p) and df(x, p) = f'(x) follow the table in include/activ.h; g(y, p) is the
from-output factor. p is the dict of keyword parameters (defaults filled in)."""
import numpy as np

DEFAULTS = {"relu": {}, "leaky_relu": {"alpha": 0.01}, "elu": {"alpha": 1.0},
            "swish": {"beta": 1.0}, "sigmoid": {}, "tanh": {}}


def _sig(z):
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-z))


def _dsig(z):
    """s(z) * (1 - s(z)) without the cancellation in 1 - s(z)."""
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(-np.abs(z))
        return e / (1.0 + e) ** 2


def _nan_in(x, d):
    return np.where(np.isnan(x), np.nan, d)


def f(kind, x, p):
    x = x.astype(np.float64)
    with np.errstate(over="ignore", invalid="ignore"):
        if kind == "relu":
            return np.where(x > 0, x, np.where(np.isnan(x), x, np.copysign(0.0, x)))
        if kind == "leaky_relu":
            return np.where(x > 0, x, p["alpha"] * x)
        if kind == "elu":
            return np.where(x > 0, x, p["alpha"] * np.expm1(np.minimum(x, 0)))
        if kind == "swish":
            return np.where(np.isneginf(x), -0.0, x * _sig(p["beta"] * x))   # beta > 0 here
        if kind == "sigmoid":
            return _sig(x)
        if kind == "tanh":
            return np.tanh(x)
    raise KeyError(kind)


def df(kind, x, p):
    x = x.astype(np.float64)
    return _nan_in(x, _df(kind, x, p))


def _df(kind, x, p):
    with np.errstate(over="ignore", invalid="ignore"):
        if kind == "relu":
            return np.where(x > 0, 1.0, 0.0)
        if kind == "leaky_relu":
            return np.where(x > 0, 1.0, p["alpha"])
        if kind == "elu":
            return np.where(x > 0, 1.0, p["alpha"] * np.exp(np.minimum(x, 0)))
        if kind == "swish":
            b = p["beta"]
            bx = np.where(np.isfinite(x), b * x, 0.0)   # the limit: s' -> 0 faster than x grows
            return _sig(b * x) + bx * _dsig(b * x)
        if kind == "sigmoid":
            return _dsig(x)
        if kind == "tanh":
            return 1 / np.cosh(x) ** 2
    raise KeyError(kind)


def g(kind, y, p):
    y = y.astype(np.float64)
    return _nan_in(y, _g(kind, y, p))


def _g(kind, y, p):
    if kind == "relu":
        return np.where(y > 0, 1.0, 0.0)
    if kind == "leaky_relu":
        return np.where(y > 0, 1.0, p["alpha"])
    if kind == "elu":
        return np.where(y > 0, 1.0, y + p["alpha"])
    if kind == "sigmoid":
        return y * (1 - y)
    if kind == "tanh":
        return 1 - y * y
    raise KeyError(kind)


def ulp_error(got, exact):
    """|got - exact| in units of the last place of exact's fp32 binade (subnormal spacing
    below the normal range). NaN where both are NaN counts 0; equal infinities count 0;
    a NaN on one side only or a finite/infinite mismatch counts inf."""
    got = got.astype(np.float64)
    exact = np.asarray(exact, dtype=np.float64)
    _, e = np.frexp(exact)
    ulp = np.maximum(np.ldexp(1.0, e - 24), 2.0 ** -149)
    with np.errstate(invalid="ignore", over="ignore"):
        err = np.abs(got - exact) / ulp
    both_nan = np.isnan(got) & np.isnan(exact)
    same_inf = np.isinf(got) & (got == exact)
    err = np.where(both_nan | same_inf, 0.0, err)
    return np.where(np.isnan(err), np.inf, err)


def inputs(n, seed):
    """n fp32 inputs: special values, then half uniform over all finite fp32 bit patterns,
    half uniform in [-30, 30] (where the functions bend)."""
    rng = np.random.default_rng(seed)
    special = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 1e-45, -1e-45, 1.17549435e-38,
                        -1.17549435e-38, 3.4028235e38, -3.4028235e38, 1.0, -1.0, 88.7, -88.7,
                        -103.9, 15.9, -15.9, 9.01, -9.01], dtype=np.float32)
    m = (n - special.size) // 2
    bits = rng.integers(0, 2 ** 32, size=m, dtype=np.uint64).astype(np.uint32)
    wide = bits.view(np.float32)
    wide = wide[np.isfinite(wide)]
    mid = rng.uniform(-30, 30, size=n - special.size - wide.size).astype(np.float32)
    return np.concatenate([special, wide, mid])
