"""The CLI contract of `activ eval` and `activ grad`, checked from the outside.

Values are compared with float64 NumPy formulas (ULP tolerance), and with PyTorch's
conventions where torch is installed. Error paths must exit non-zero with a message and
leave no output file behind (and never clobber an existing one).
"""
import os

import numpy as np

import clitest
from clitest import check, path, run, save, tmp


def ulps(got, exact):
    """|got - exact| in fp32 ULPs at exact (float64 exact)."""
    got = got.astype(np.float64)
    e = np.abs(exact)
    ulp = np.where(e < 2.0 ** -126, 2.0 ** -149, 2.0 ** (np.floor(np.log2(np.maximum(e, 2.0 ** -126))) - 23))
    both_nan = np.isnan(got) & np.isnan(exact)
    same_inf = np.isinf(got) & (got == exact)
    d = np.where(both_nan | same_inf, 0.0, np.abs(got - exact) / ulp)
    return np.nan_to_num(d, nan=np.inf)


def sig(z):
    return np.where(z >= 0, 1 / (1 + np.exp(-np.abs(z))), np.exp(-np.abs(z)) / (1 + np.exp(-np.abs(z))))


# PyTorch's selu constants as the library's fp32 defaults
SA, SG = float(np.float32(1.6732632423543772)), float(np.float32(1.0507009873554805))
rng = np.random.default_rng(7)
x = (rng.standard_normal((3, 4, 5)) * 4).astype(np.float32)
x.flat[:6] = [0.0, -0.0, 1e-30, -1e-30, 80.0, -90.0]
x64 = x.astype(np.float64)
xin = save("x.npy", x)

forward = {
    "relu": lambda v: np.maximum(v, 0),
    "leaky_relu": lambda v: np.where(v > 0, v, 0.01 * v),
    "elu": lambda v: np.where(v > 0, v, np.expm1(np.minimum(v, 0))),
    "swish": lambda v: v * sig(v),
    "silu": lambda v: v * sig(v),
    "sigmoid": sig,
    "tanh": np.tanh,
    "relu6": lambda v: np.clip(v, 0, 6),
    "hardtanh": lambda v: np.clip(v, -1, 1),
    "hardsigmoid": lambda v: np.clip(v / 6 + 0.5, 0, 1),
    "hardswish": lambda v: v * np.clip(v + 3, 0, 6) / 6,
    "softsign": lambda v: v / (1 + np.abs(v)),
    "relu2": lambda v: np.maximum(v, 0) ** 2,
    "thresholded_relu": lambda v: np.where(v > 1, v, 0.0),
    "selu": lambda v: np.where(v > 0, SG * v, SG * SA * np.expm1(np.minimum(v, 0))),
    "celu": lambda v: np.where(v > 0, v, np.expm1(np.minimum(v, 0))),
}
deriv = {
    "relu": lambda v: (v > 0).astype(np.float64),
    "leaky_relu": lambda v: np.where(v > 0, 1.0, 0.01),
    "elu": lambda v: np.where(v > 0, 1.0, np.exp(np.minimum(v, 0))),
    "swish": lambda v: sig(v) + v * sig(v) * sig(-v),
    "sigmoid": lambda v: sig(v) * sig(-v),
    "tanh": lambda v: 1 - np.tanh(v) ** 2,
    "relu6": lambda v: ((v > 0) & (v < 6)).astype(np.float64),
    "hardtanh": lambda v: ((v > -1) & (v < 1)).astype(np.float64),
    "hardsigmoid": lambda v: np.where((v > -3) & (v < 3), 1 / 6, 0.0),
    "hardswish": lambda v: np.where(v < -3, 0.0, np.where(v > 3, 1.0, v / 3 + 0.5)),
    "softsign": lambda v: 1 / (1 + np.abs(v)) ** 2,
    "relu2": lambda v: 2 * np.maximum(v, 0),
    "thresholded_relu": lambda v: (v > 1).astype(np.float64),
    "selu": lambda v: np.where(v > 0, SG, SG * SA * np.exp(np.minimum(v, 0))),
    "celu": lambda v: np.where(v > 0, 1.0, np.exp(np.minimum(v, 0))),
}
for name, f in forward.items():
    rc, _, err = run("eval", name, xin, path("y.npy"))
    check(rc == 0, f"eval {name} exit {rc}: {err}")
    if rc == 0:
        y = np.load(path("y.npy"))
        check(y.dtype == np.float32 and y.shape == x.shape, f"eval {name} dtype/shape {y.dtype} {y.shape}")
        check(ulps(y, f(x64)).max() <= 1, f"eval {name} max ulp {ulps(y, f(x64)).max()}")

dy = rng.standard_normal(x.shape).astype(np.float32)
dyin = save("dy.npy", dy)
for name, d in deriv.items():
    rc, _, err = run("grad", name, xin, dyin, path("dx.npy"))
    check(rc == 0, f"grad {name} exit {rc}: {err}")
    if rc == 0:
        dx = np.load(path("dx.npy"))
        exact = dy.astype(np.float64) * d(x64)
        check(ulps(dx, exact).max() <= 2, f"grad {name} max ulp {ulps(dx, exact).max()}")

# relu keeps NaN and -0; PyTorch's kink conventions at 0
special = np.array([np.nan, -0.0, 0.0, np.inf, -np.inf], np.float32)
sp = save("sp.npy", special)
run("eval", "relu", sp, path("r.npy"))
r = np.load(path("r.npy"))
check(np.isnan(r[0]) and r[1] == 0 and np.signbit(r[1]) and r[3] == np.inf and r[4] == 0, f"relu specials {r}")
run("eval", "sigmoid", sp, path("s.npy"))
s = np.load(path("s.npy"))
check(np.isnan(s[0]) and s[1] == 0.5 and s[3] == 1 and s[4] == 0 and not np.signbit(s[4]), f"sigmoid specials {s}")
run("eval", "elu", "--alpha", "2", sp, path("e.npy"))
e = np.load(path("e.npy"))
check(np.isnan(e[0]) and np.signbit(e[1]) and e[4] == -2, f"elu specials {e}")
k = save("k.npy", np.array([0.0, -0.0], np.float32))
ones = save("ones.npy", np.ones(2, np.float32))
for name, want in [("relu", 0.0), ("leaky_relu", 0.01), ("elu", 1.0)]:
    run("grad", name, k, ones, path("g.npy"))
    g = np.load(path("g.npy"))
    check(np.all(g == np.float32(want)), f"{name}'(0) = {g}, PyTorch gives {want}")

# the kinks of the clamp family follow PyTorch (hardtanh_backward, hardswish_backward)
kk = save("kk.npy", np.array([-3.0, 0.0, 3.0, 6.0, -1.0, 1.0], np.float32))
ones6 = save("ones6.npy", np.ones(6, np.float32))
for name, want in [("relu6", [0, 0, 1, 0, 0, 1]), ("hardtanh", [0, 1, 0, 0, 0, 0]),
                   ("hardsigmoid", [0, 1 / 6, 0, 0, 1 / 6, 1 / 6]),
                   ("hardswish", [-0.5, 0.5, 1.5, 1, 1 / 6, 5 / 6])]:
    rc, _, err = run("grad", name, kk, ones6, path("g.npy"))
    g = np.load(path("g.npy")) if rc == 0 else None
    check(rc == 0 and np.array_equal(g, np.array(want, np.float32)), f"{name}' at its kinks: {g} want {want} {err}")
run("eval", "hardswish", kk, path("hs.npy"))
hs = np.load(path("hs.npy"))
check(hs[0] == 0 and np.signbit(hs[0]) and hs[2] == 3, f"hardswish(-3) = -0 and (3) = 3: {hs}")

# parameters: one spelling per field (--alpha --beta --gamma --min_val --max_val)
for args, f in [(["hardtanh", "--min_val", "-2", "--max_val", "0.5"], lambda v: np.clip(v, -2, 0.5)),
                (["hardsigmoid", "--alpha", "0.2", "--beta", "0.5"],
                 lambda v: np.clip(np.float64(np.float32(0.2)) * v + 0.5, 0, 1)),
                (["selu", "--alpha", "2", "--gamma", "3"], lambda v: np.where(v > 0, 3 * v, 6 * np.expm1(np.minimum(v, 0)))),
                (["celu", "--alpha", "2"], lambda v: np.where(v > 0, v, 2 * np.expm1(np.minimum(v, 0) / 2))),
                (["thresholded_relu", "--alpha", "0.5"], lambda v: np.where(v > 0.5, v, 0.0))]:
    rc, _, err = run("eval", *args, xin, path("y.npy"))
    check(rc == 0, f"eval {args}: {err}")
    if rc == 0:
        e = ulps(np.load(path("y.npy")), f(x64)).max()
        check(e <= 1, f"eval {args} max ulp {e}")
# options a function does not take are usage errors; values out of range are refused
for args in (["relu6", "--alpha", "1"], ["hardtanh", "--gamma", "1"], ["selu", "--beta", "1"]):
    rc, _, err = run("eval", *args, xin, path("bad.npy"))
    check(rc == 2, f"eval {args} should be a usage error: rc {rc}")
for args in (["hardtanh", "--min_val", "2"], ["celu", "--alpha", "0"]):
    rc, _, err = run("eval", *args, xin, path("bad.npy"))
    check(rc in (1, 2) and "parameter" in err, f"eval {args} should be refused: rc {rc} {err}")
check(not os.path.exists(path("bad.npy")), "a refused call left an output file")
rc, _, _ = run("grad", "hardswish", "--from-output", xin, dyin, path("bad.npy"))
check(rc == 2, f"hardswish --from-output must be a usage error (rc {rc})")

# --from-output agrees with the x form
for name in ["relu", "leaky_relu", "elu", "sigmoid", "tanh", "relu6", "hardtanh", "hardsigmoid",
             "softsign", "relu2", "thresholded_relu", "selu", "celu"]:
    run("eval", name, xin, path("y.npy"))
    rc, _, err = run("grad", name, "--from-output", path("y.npy"), dyin, path("dxy.npy"))
    check(rc == 0, f"grad --from-output {name}: {err}")
    run("grad", name, xin, dyin, path("dx.npy"))
    a, b = np.load(path("dxy.npy")), np.load(path("dx.npy"))
    tol = 1e-6 if name in ("relu", "leaky_relu", "relu6", "hardtanh", "hardsigmoid", "thresholded_relu") else 2e-3
    check(np.allclose(a, b, rtol=tol, atol=1e-6), f"from-output {name} differs: {np.abs(a - b).max()}")

# prelu: slopes along axis 1, or the last axis; dalpha has one value per channel
slopes = np.array([0.1, 0.2, 0.3, 0.4], np.float32)
al = save("alpha.npy", slopes)
rc, _, err = run("eval", "prelu", "--alpha-npy", al, xin, path("p.npy"))
check(rc == 0, f"prelu eval: {err}")
p = np.load(path("p.npy"))
want = np.where(x > 0, x, slopes[None, :, None] * x)
check(np.array_equal(p, want), "prelu (N,C,S) values")
rc, _, err = run("grad", "prelu", "--alpha-npy", al, xin, dyin, path("pdx.npy"), "--dparam", path("da.npy"))
check(rc == 0, f"prelu grad: {err}")
da = np.load(path("da.npy"))
want_da = (dy.astype(np.float64) * np.minimum(x64, 0)).sum(axis=(0, 2))
check(da.shape == (4,) and np.allclose(da, want_da, rtol=1e-6, atol=1e-6), f"prelu dalpha {da} vs {want_da}")
xl = np.ascontiguousarray(np.moveaxis(x, 1, -1))
dyl = np.ascontiguousarray(np.moveaxis(dy, 1, -1))
rc, _, err = run("grad", "prelu", "--alpha-npy", al, "--channels-last", save("xl.npy", xl), save("dyl.npy", dyl),
                 path("pdxl.npy"), "--dparam", path("dal.npy"))
check(rc == 0, f"prelu channels-last grad: {err}")
check(np.allclose(np.load(path("dal.npy")), want_da, rtol=1e-6, atol=1e-6), "prelu channels-last dalpha")
check(np.array_equal(np.moveaxis(np.load(path("pdxl.npy")), -1, 1), np.load(path("pdx.npy"))), "prelu layouts agree")

# swish dbeta has shape (1,)
rc, _, err = run("grad", "swish", "--beta", "1.5", xin, dyin, path("sdx.npy"), "--dparam", path("db.npy"))
db = np.load(path("db.npy"))
s15 = sig(1.5 * x64)
want_db = (dy * x64 ** 2 * s15 * sig(-1.5 * x64)).sum()
check(rc == 0 and db.shape == (1,) and abs(db[0] - want_db) <= 1e-6 * max(1, abs(want_db)), f"swish dbeta {db} vs {want_db}")

# torch agrees where present
try:
    import torch
    t = torch.from_numpy(x)
    for name, fn in [("relu", torch.relu), ("silu", torch.nn.functional.silu), ("tanh", torch.tanh)]:
        run("eval", name, xin, path("y.npy"))
        check(np.allclose(np.load(path("y.npy")), fn(t).numpy(), rtol=1e-6, atol=1e-30), f"{name} vs torch")
    # gelu, gelu_tanh, softplus (also beta/threshold: x = 2.5 sits on the switch for beta 2,
    # threshold 5), mish, logsigmoid: values and gradients
    # against torch in float64 (autograd), within 1 ULP forward and 2 ULP backward. x stays in
    # [-5, 30], where torch's float64 formulas (0.5 x (1 + erf), ...) are themselves accurate
    # to far better than an fp32 ULP; gradients are compared where |f'| > 1e-6 (torch's
    # f' = Phi + x phi cancels near its zero).
    F = torch.nn.functional
    xs = np.concatenate([np.clip(rng.standard_normal(3000) * 3, -5, 30), [0.0, -0.0, 1.0, 19.9, 20.0, 20.1, 2.5, 2.5000002]]).astype(np.float32)
    dys = rng.standard_normal(xs.shape).astype(np.float32)
    cases = [("gelu", [], lambda t: F.gelu(t)), ("gelu_tanh", [], lambda t: F.gelu(t, approximate="tanh")),
             ("softplus", [], lambda t: F.softplus(t)),
             ("softplus", ["--beta", "2", "--threshold", "5"], lambda t: F.softplus(t, beta=2, threshold=5)),
             ("mish", [], lambda t: F.mish(t)), ("logsigmoid", [], lambda t: F.logsigmoid(t))]
    for name, opts, fn in cases:
        t64 = torch.from_numpy(xs.astype(np.float64)).requires_grad_(True)
        y64 = fn(t64)
        (g64,) = torch.autograd.grad(y64, t64, torch.from_numpy(dys.astype(np.float64)))
        rc, _, err = run("eval", name, *opts, save("sx.npy", xs), path("sy.npy"))
        check(rc == 0, f"{name} {opts} eval: {err}")
        u = ulps(np.load(path("sy.npy")), y64.detach().numpy())
        check(u.max() <= 1.0, f"{name} {opts} vs torch: {u.max():.3f} ULP at x={xs[u.argmax()]!r}")
        rc, _, err = run("grad", name, *opts, path("sx.npy"), save("sdy.npy", dys), path("sdx.npy"))
        check(rc == 0, f"{name} {opts} grad: {err}")
        g = g64.numpy()
        keep = np.abs(g) > 1e-6 * np.abs(dys)
        u = ulps(np.load(path("sdx.npy"))[keep], g[keep])
        check(u.max() <= 2.0, f"{name} {opts} grad vs torch: {u.max():.3f} ULP")
        print(f"{name} {' '.join(opts)} vs torch float64: forward and gradient within bounds")
except ImportError:
    print("torch not installed: skipped the torch comparison")


# errors: clear message, non-zero exit, no output left behind, existing output untouched
def expect_error(args, code, words, out=None):
    if out and os.path.exists(out):
        os.remove(out)
    rc, so, se = run(*args)
    check(rc == code, f"{args} exit {rc}, want {code}")
    check(all(w in se for w in words), f"{args} stderr lacks {words}: {se!r}")
    if out:
        check(not os.path.exists(out), f"{args} left {out} behind")
    leftovers = [f for f in os.listdir(tmp) if f.startswith(".")]
    check(not leftovers, f"temp files left: {leftovers}")


out = path("out.npy")
expect_error(["eval", "relux", xin, out], 2, ["relux", "relu", "sigmoid", "tanh"], out)
expect_error(["eval", "sigmod", xin, out], 2, ["did you mean 'sigmoid'"], out)
expect_error(["eval", "relu", "--alpah", "1", xin, out], 2, ["--alpha"], out)
expect_error(["eval", "relu", xin], 2, ["OUT"], None)
expect_error(["eval", "relu", save("f64.npy", x64), out], 1, ["float32"], out)
expect_error(["eval", "relu", save("i32.npy", np.arange(4, dtype=np.int32)), out], 1, ["float32"], out)
raw = open(xin, "rb").read()
with open(path("trunc.npy"), "wb") as fh:
    fh.write(raw[:-7])
expect_error(["eval", "relu", path("trunc.npy"), out], 1, ["truncated"], out)
with open(path("hdr.npy"), "wb") as fh:
    fh.write(raw[:40])
expect_error(["eval", "relu", path("hdr.npy"), out], 1, ["trunc"], out)
with open(path("junk.npy"), "wb") as fh:
    fh.write(b"hello world, not numpy")
expect_error(["eval", "relu", path("junk.npy"), out], 1, ["not a .npy"], out)
expect_error(["eval", "relu", path("missing.npy"), out], 1, ["cannot open"], out)
expect_error(["grad", "relu", xin, save("dy2.npy", dy[:2]), out], 1, ["shapes differ"], out)
expect_error(["eval", "prelu", "--alpha-npy", save("a3.npy", slopes[:3]), xin, out], 1, ["3 slopes"], out)
expect_error(["eval", "sigmoid", "--alpha", "2", xin, out], 2, ["--alpha"], out)
expect_error(["grad", "swish", "--from-output", xin, dyin, out], 2, ["--from-output"], out)
expect_error(["grad", "leaky_relu", "--alpha", "-0.5", "--from-output", xin, dyin, out], 1, ["parameter"], out)
expect_error(["eval", "leaky_relu", "--alpha", "nan", xin, out], 2, ["finite"], out)
# a failing run never clobbers an existing output
with open(out, "wb") as fh:
    fh.write(b"keep me")
run("eval", "relu", path("trunc.npy"), out)
check(open(out, "rb").read() == b"keep me", "existing output clobbered by a failed run")
# an unwritable destination is an error, not a crash
rc, _, se = run("eval", "relu", xin, "/nonexistent-dir/y.npy")
check(rc == 1 and "cannot write" in se, f"unwritable output: {rc} {se!r}")
# empty tensors and 0-d arrays work
rc, _, _ = run("eval", "tanh", save("empty.npy", np.zeros((0, 3), np.float32)), path("e0.npy"))
check(rc == 0 and np.load(path("e0.npy")).shape == (0, 3), "empty tensor")
rc, _, _ = run("eval", "relu", save("scalar.npy", np.array(-2.0, np.float32)), path("s0.npy"))
check(rc == 0 and np.load(path("s0.npy")).shape == () and np.load(path("s0.npy")) == 0, "0-d array")
# help works and exits 0
rc, so, _ = run("eval", "--help")
check(rc == 0 and "Usage: activ eval" in so, "eval --help")

clitest.finish("eval_grad")
