"""`activ eval` / `activ grad` for softmax, log_softmax, the gated units (two inputs and
--split, F.glu's halves) and 16-bit data (float16 '<f2', bfloat16 as '<u2' with --dtype),
checked from the outside against float64 NumPy formulas and, where torch is installed,
against PyTorch's functions and conventions. Error paths must exit 1 or 2 with a message and
leave no output behind.
"""
import os

import numpy as np

import clitest
from clitest import check, path, run, save

try:
    import torch
    import torch.nn.functional as F
except ImportError:  # the torch comparisons are skipped, the NumPy ones still run
    torch = None


def ulps(got, exact, mant=23, emin=-126):
    got = got.astype(np.float64)
    e = np.abs(exact)
    ulp = 2.0 ** (np.floor(np.log2(np.maximum(e, 2.0 ** emin))) - mant)
    both_nan = np.isnan(got) & np.isnan(exact)
    d = np.where(both_nan | (got == exact), 0.0, np.abs(got - exact) / ulp)
    return np.nan_to_num(d, nan=np.inf)


def softmax64(x, ax):
    m = x.max(axis=ax, keepdims=True)
    e = np.exp(x - m)
    return e / e.sum(axis=ax, keepdims=True)


rng = np.random.default_rng(7)
x = (rng.standard_normal((3, 4, 5)) * 6).astype(np.float32)
dy = rng.standard_normal(x.shape).astype(np.float32)
xf, dyf = save("x.npy", x), save("dy.npy", dy)
worst = {}
for ax in (-3, -2, -1, 0, 1, 2):
    x64 = x.astype(np.float64)
    rc, _, err = run("eval", "softmax", "--axis", ax, xf, path("y.npy"))
    check(rc == 0, f"softmax axis {ax}: rc {rc} {err}")
    y = np.load(path("y.npy"))
    check(y.dtype == np.float32 and y.shape == x.shape, "softmax keeps dtype and shape")
    e = ulps(y, softmax64(x64, ax)).max()
    worst["softmax"] = max(worst.get("softmax", 0), e)
    check(e <= 1, f"softmax axis {ax}: {e} ULP")
    rc, _, _ = run("eval", "log_softmax", "--axis", ax, xf, path("ly.npy"))
    ly = np.load(path("ly.npy"))
    m = x64.max(axis=ax, keepdims=True)
    ref = (x64 - m) - np.log(np.exp(x64 - m).sum(axis=ax, keepdims=True))
    e = ulps(ly, ref).max()
    worst["log_softmax"] = max(worst.get("log_softmax", 0), e)
    check(rc == 0 and e <= 1.01, f"log_softmax axis {ax}: {e} ULP")
    # backward from the output, against the formula on the fp32 output
    y64, ly64, d64 = y.astype(np.float64), ly.astype(np.float64), dy.astype(np.float64)
    rc, _, _ = run("grad", "softmax", "--axis", ax, path("y.npy"), dyf, path("dx.npy"))
    ref = y64 * (d64 - (d64 * y64).sum(axis=ax, keepdims=True))
    e = ulps(np.load(path("dx.npy")), ref).max()
    worst["softmax grad"] = max(worst.get("softmax grad", 0), e)
    check(rc == 0 and e <= 2, f"softmax grad axis {ax}: {e} ULP")
    rc, _, _ = run("grad", "log_softmax", "--axis", ax, path("ly.npy"), dyf, path("dx.npy"))
    ref = d64 - np.exp(ly64) * d64.sum(axis=ax, keepdims=True)
    dx = np.load(path("dx.npy")).astype(np.float64)
    check(rc == 0 and np.max(np.abs(dx - ref)) <= 1e-6 * np.max(np.abs(ref)), f"log_softmax grad axis {ax}")
    if torch is not None:
        t = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        F.softmax(t, dim=ax).backward(torch.tensor(dy, dtype=torch.float64))
        rc, _, _ = run("grad", "softmax", "--axis", ax, path("y.npy"), dyf, path("dx.npy"))
        check(np.allclose(np.load(path("dx.npy")), t.grad.numpy(), rtol=1e-5, atol=1e-6),
              f"softmax grad axis {ax} matches torch")
rc, _, err = run("eval", "softmax", "--axis", 3, xf, path("bad.npy"))
check(rc == 1 and "axis" in err and not os.path.exists(path("bad.npy")), "axis out of range: exit 1, no file")
rc, _, err = run("eval", "softmax", "--axsi", 1, xf, path("bad.npy"))
check(rc == 2 and "--axis" in err, "misspelled option: exit 2 with a suggestion")
rc, out, _ = run("eval", "softmax", "--help")
check(rc == 0 and "--axis" in out, "softmax --help")

# gated units
a = (rng.standard_normal((5, 7)) * 3).astype(np.float32)
b = rng.standard_normal((5, 7)).astype(np.float32)
g = rng.standard_normal((5, 7)).astype(np.float32)
af, bf, gf = save("a.npy", a), save("b.npy", b), save("g.npy", g)
a64, b64, g64 = a.astype(np.float64), b.astype(np.float64), g.astype(np.float64)
sig = 1 / (1 + np.exp(-a64))
from math import erfc, pi, sqrt
Phi = 0.5 * np.vectorize(erfc)(-a64 / sqrt(2))  # no 1 + erf cancellation for a < 0
fs = {"swiglu": (a64 * sig, sig + a64 * sig * (1 - sig)),
      "geglu": (a64 * Phi, Phi + a64 * np.exp(-a64 * a64 / 2) / sqrt(2 * pi)),
      "reglu": (np.maximum(a64, 0), (a64 > 0).astype(np.float64))}
for name, (f, df) in fs.items():
    rc, _, err = run("eval", name, af, bf, path("o.npy"))
    e = ulps(np.load(path("o.npy")), f * b64).max()
    worst[name] = e
    check(rc == 0 and e <= 1, f"{name}: rc {rc}, {e} ULP {err}")
    rc, _, _ = run("grad", name, af, bf, gf, path("da.npy"), path("db.npy"))
    ea = ulps(np.load(path("da.npy")), g64 * b64 * df).max()
    eb = ulps(np.load(path("db.npy")), g64 * f).max()
    check(rc == 0 and ea <= 2 and eb <= 2, f"{name} grad: {ea}, {eb} ULP")
    # --split: X = [b | a] along the last axis (F.glu: first half linear, second gated)
    xs = np.concatenate([b, a], axis=-1)
    xsf = save("xs.npy", xs)
    rc, _, _ = run("eval", name, "--split", xsf, path("os.npy"))
    check(rc == 0 and np.array_equal(np.load(path("os.npy")), np.load(path("o.npy"))), f"{name} --split = two-array form")
    rc, _, _ = run("grad", name, "--split", xsf, gf, path("dxs.npy"))
    dxs = np.load(path("dxs.npy"))
    check(rc == 0 and dxs.shape == xs.shape and np.array_equal(dxs[:, :7], np.load(path("db.npy")))
          and np.array_equal(dxs[:, 7:], np.load(path("da.npy"))), f"{name} --split grad = [db | da]")
if torch is not None:
    xs = np.concatenate([b, a], axis=-1)
    t = torch.tensor(xs, dtype=torch.float64)
    rc, _, _ = run("eval", "swiglu", "--split", save("xs.npy", xs), path("os.npy"))
    lin, gate = t.chunk(2, dim=-1)
    check(np.allclose(np.load(path("os.npy")), (lin * F.silu(gate)).numpy(), rtol=1e-6, atol=1e-7),
          "swiglu --split = x[..., :H] * silu(x[..., H:]) (F.glu's halves)")
    rc, _, _ = run("eval", "geglu", af, bf, path("o.npy"))
    check(np.allclose(np.load(path("o.npy")), (F.gelu(torch.tensor(a64)) * torch.tensor(b64)).numpy(), rtol=1e-6, atol=1e-7),
          "geglu = F.gelu (erf) * b")
rc, _, err = run("eval", "swiglu", af, save("b3.npy", b[:3]), path("bad.npy"))
check(rc == 1 and "shapes differ" in err and not os.path.exists(path("bad.npy")), "gated shape mismatch")
rc, _, err = run("eval", "swiglu", "--split", save("odd.npy", a[:, :5]), path("bad.npy"))
check(rc == 1 and "even" in err and not os.path.exists(path("bad.npy")), "--split odd last axis")
rc, _, err = run("eval", "swiglu", af, path("bad.npy"))
check(rc == 2, "swiglu with one input and no --split: usage error")

# 16-bit data
h = (rng.standard_normal(3000) * 4).astype(np.float16)
hf = save("h.npy", h)
rc, _, err = run("eval", "tanh", hf, path("ho.npy"))
ho = np.load(path("ho.npy"))
e = ulps(ho, np.tanh(h.astype(np.float64)), mant=10, emin=-14).max()
worst["f16 tanh"] = e
check(rc == 0 and ho.dtype == np.float16 and e <= 1, f"float16 in, float16 out: {e} ULP16 {err}")
hg = save("hg.npy", rng.standard_normal(3000).astype(np.float16))
rc, _, _ = run("grad", "sigmoid", "--from-output", path("ho.npy"), hg, path("hdx.npy"))
check(rc == 0 and np.load(path("hdx.npy")).dtype == np.float16, "float16 grad --from-output")
rc, _, err = run("grad", "tanh", hf, save("g32.npy", np.zeros(3000, np.float32)), path("bad.npy"))
check(rc == 1 and not os.path.exists(path("bad.npy")), "16-bit x with fp32 dy: exit 1")
bits = (rng.standard_normal(3000).astype(np.float32).view(np.uint32) >> 16).astype(np.uint16)
bff = save("bf.npy", bits)
rc, _, err = run("eval", "sigmoid", bff, path("bad.npy"))
check(rc == 1 and "--dtype bf16" in err and not os.path.exists(path("bad.npy")), "uint16 data needs --dtype bf16")
rc, _, err = run("eval", "sigmoid", "--dtype", "bf16", bff, path("bo.npy"))
bo = np.load(path("bo.npy"))
xin = (bits.astype(np.uint32) << 16).view(np.float32).astype(np.float64)
got = (bo.astype(np.uint32) << 16).view(np.float32)
e = ulps(got, 1 / (1 + np.exp(-xin)), mant=7).max()
worst["bf16 sigmoid"] = e
check(rc == 0 and bo.dtype == np.uint16 and e <= 1, f"bf16 sigmoid: {e} ULP16 {err}")
rc, _, err = run("eval", "relu", "--dtype", "f8", hf, path("bad.npy"))
check(rc == 2 and not os.path.exists(path("bad.npy")), "unknown --dtype: usage error")

# 16-bit softmax and gated units (the library's activ_*16 calls)
hx = (rng.standard_normal((4, 7, 5)) * 5).astype(np.float16)
rc, _, err = run("eval", "softmax", "--axis", "1", save("hx.npy", hx), path("hs.npy"))
hs = np.load(path("hs.npy"))
e = ulps(hs, softmax64(hx.astype(np.float64), 1), mant=10, emin=-14).max()
worst["f16 softmax"] = e
check(rc == 0 and hs.dtype == np.float16 and e <= 1, f"float16 softmax along axis 1: {e} ULP16 {err}")
hdy = rng.standard_normal(hx.shape).astype(np.float16)
rc, _, err = run("grad", "log_softmax", path("hs.npy"), save("hdy.npy", hdy), path("hsd.npy"))
y64, d64 = hs.astype(np.float64), hdy.astype(np.float64)
e = ulps(np.load(path("hsd.npy")), d64 - np.exp(y64) * d64.sum(axis=-1, keepdims=True), mant=10, emin=-14).max()
worst["f16 log_softmax grad"] = e
check(rc == 0 and e <= 1, f"float16 log_softmax backward from y: {e} ULP16 {err}")
ha = (rng.standard_normal((6, 8)) * 3).astype(np.float16)
hb = rng.standard_normal((6, 8)).astype(np.float16)
rc, _, err = run("eval", "swiglu", save("ha.npy", ha), save("hb.npy", hb), path("hg.npy"))
a64, b64 = ha.astype(np.float64), hb.astype(np.float64)
e = ulps(np.load(path("hg.npy")), a64 / (1 + np.exp(-a64)) * b64, mant=10, emin=-14).max()
worst["f16 swiglu"] = e
check(rc == 0 and np.load(path("hg.npy")).dtype == np.float16 and e <= 1, f"float16 swiglu: {e} ULP16 {err}")
hbits = (rng.standard_normal((5, 12)).astype(np.float32).view(np.uint32) >> 16).astype(np.uint16)
rc, _, err = run("grad", "reglu", "--split", "--dtype", "bf16", save("hsx.npy", hbits),
                 save("hsdy.npy", hbits[:, :6].copy()), path("hsdx.npy"))
xs = (hbits.astype(np.uint32) << 16).view(np.float32).astype(np.float64)
dys = xs[:, :6]
want = np.concatenate([dys * np.maximum(xs[:, 6:], 0), dys * xs[:, :6] * (xs[:, 6:] > 0)], axis=1)
got = (np.load(path("hsdx.npy")).astype(np.uint32) << 16).view(np.float32)
e = ulps(got, want, mant=7).max()
worst["bf16 reglu --split grad"] = e
check(rc == 0 and e <= 1, f"bfloat16 reglu --split backward: {e} ULP16 {err}")
rc, _, err = run("eval", "softmax", "--dtype", "bf16", path("hx.npy"), path("bad.npy"))
check(rc == 1 and "'<u2'" in err and not os.path.exists(path("bad.npy")), "float16 data with --dtype bf16: exit 1")
rc, _, err = run("eval", "geglu", path("ha.npy"), save("hb32.npy", hb.astype(np.float32)), path("bad.npy"))
check(rc == 1 and not os.path.exists(path("bad.npy")), "float16 a with fp32 b: exit 1")

rc, _, err = run("eval", "swiglu", "--dtype", "f8", path("ha.npy"), path("hb.npy"), path("bad.npy"))
check(rc == 2 and "--dtype" in err and not os.path.exists(path("bad.npy")), "gated --dtype f8: usage error")
rc, _, err = run("eval", "softmax", path("hx.npy"), path("bad.npy"), "--dtype")
check(rc == 2 and not os.path.exists(path("bad.npy")), "softmax --dtype without a value: usage error")
rc, _, err = run("grad", "softmax", path("hs.npy"), save("hdy_short.npy", hdy[:2]), path("bad.npy"))
check(rc == 1 and "shapes differ" in err and not os.path.exists(path("bad.npy")), "float16 softmax grad shape mismatch")

print("evalx:", ", ".join(f"{k} max {v:.3f} ULP" for k, v in worst.items()))
clitest.finish("evalx")
