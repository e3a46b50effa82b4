"""python -m activ.bench: activ from Python against the C library itself, torch.nn.functional
and NumPy expressions, in one process, for the seven functions at 64K and 1M floats, forward
and backward (dx = dy * f'(x) from x; from the output y for sigmoid and tanh, as
autograd runs them in activ.torch and in PyTorch).

Columns (GB/s counts the bytes a call must move: 8 per float forward, 12 backward):
  C         the C library in a C loop (activ._activ.c_loop) on the same arrays as "py out="
  py out=   activ.<f>(x, out=y) from Python: the binding's per-call cost on top of C
  py/C      their ratio (the target is >= 0.9 at 64K)
  py        activ.<f>(x): allocating the result, as torch and NumPy do
  torch     torch.nn.functional (forward) / torch.ops.aten.*_backward (backward), allocating
  numpy     the NumPy expression a user would write, allocating
  xTorch, xNumPy   py / torch and py / numpy (> 1: activ is faster)
Every timing is the best of several rounds of back-to-back calls; the methods are
interleaved round by round so that a noisy neighbour hits them alike. Threads: 1 for activ
and torch unless --threads says otherwise.
"""
import argparse
import json
import os
import platform
import sys
import time

import numpy as np

import activ
from activ import _activ

FUNCS = ["relu", "leaky_relu", "prelu", "elu", "swish", "sigmoid", "tanh"]
CHANNELS = 16  # prelu: x is (n / (16 * 64), 16, 64), one slope per channel


def machine():
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{cpu}, {os.cpu_count()} CPUs visible, activ {activ.__version__} ({activ.get_isa()} path)"


def _numpy_exprs(slopes):
    s3 = slopes[None, :, None]
    fwd = {
        "relu": lambda x: np.maximum(x, 0),
        "leaky_relu": lambda x: np.where(x > 0, x, np.float32(0.01) * x),
        "prelu": lambda x: np.where(x > 0, x, s3 * x),
        "elu": lambda x: np.where(x > 0, x, np.expm1(x)),
        "swish": lambda x: x / (1 + np.exp(-x)),
        "sigmoid": lambda x: 1 / (1 + np.exp(-x)),
        "tanh": lambda x: np.tanh(x),
    }

    def swish_b(x, dy):
        s = 1 / (1 + np.exp(-x))
        return dy * (s + x * s * (1 - s))

    def sigmoid_b(x, dy):
        s = 1 / (1 + np.exp(-x))
        return dy * s * (1 - s)

    bwd = {
        "relu": lambda x, dy: dy * (x > 0),
        "leaky_relu": lambda x, dy: np.where(x > 0, dy, np.float32(0.01) * dy),
        "prelu": lambda x, dy: np.where(x > 0, dy, s3 * dy),
        "elu": lambda x, dy: np.where(x > 0, dy, dy * np.exp(x)),
        "swish": swish_b,
        "sigmoid": sigmoid_b,
        "tanh": lambda x, dy: dy * (1 - np.tanh(x) ** 2),
    }
    return fwd, bwd


def _torch_ops(torch, slopes_t):
    F = torch.nn.functional
    aten = torch.ops.aten
    fwd = {
        "relu": F.relu, "leaky_relu": lambda x: F.leaky_relu(x, 0.01),
        "prelu": lambda x: F.prelu(x, slopes_t), "elu": F.elu, "swish": F.silu,
        "sigmoid": torch.sigmoid, "tanh": torch.tanh,
    }
    # the kernels autograd runs (sigmoid and tanh take the output, as in autograd)
    bwd = {
        "relu": lambda x, dy: aten.threshold_backward(dy, x, 0),
        "leaky_relu": lambda x, dy: aten.leaky_relu_backward(dy, x, 0.01, False),
        "prelu": lambda x, dy: aten.prelu_backward(dy, x, slopes_t),
        "elu": lambda x, dy: aten.elu_backward(dy, 1.0, 1.0, 1.0, False, x),
        "swish": lambda x, dy: aten.silu_backward(dy, x),
        "sigmoid": lambda y, dy: aten.sigmoid_backward(dy, y),
        "tanh": lambda y, dy: aten.tanh_backward(dy, y),
    }
    return fwd, bwd


def _best(fn, calls):
    t0 = time.perf_counter()
    for _ in range(calls):
        fn()
    return (time.perf_counter() - t0) / calls


def run(sizes, rounds, min_batch_s, threads, with_torch, with_numpy):
    torch = None
    if with_torch:
        try:
            import torch
            torch.set_num_threads(threads)
        except ImportError:
            torch = None
    activ.set_num_threads(threads)
    slopes = np.linspace(0.05, 0.3, CHANNELS, dtype=np.float32)
    np_f, np_b = _numpy_exprs(slopes)
    if torch is not None:
        t_f, t_b = _torch_ops(torch, torch.from_numpy(slopes))
    rows = []
    for n in sizes:
        x = np.linspace(-6, 6, n, endpoint=False, dtype=np.float32)
        x3 = x.reshape(n // (CHANNELS * 64), CHANNELS, 64)
        dy = np.ones_like(x3)
        out = np.empty_like(x3)
        for name in FUNCS:
            params = {"slopes": slopes} if name == "prelu" else {}
            # backward as autograd runs it in both libraries: from the output for sigmoid and
            # tanh (activ.torch and PyTorch alike), from the input otherwise
            from_y = name in ("sigmoid", "tanh")
            xin = getattr(activ, name)(x3, **params)
            for direction in (_activ.FORWARD, _activ.BACKWARD_FROM_OUTPUT if from_y else _activ.BACKWARD):
                fwd = direction == _activ.FORWARD
                op = getattr(activ, name if fwd else name + ("_backward_from_output" if from_y else "_backward"))
                a3 = x3 if fwd or not from_y else xin
                # (no **params for the kinds without: it would add a dict to every call)
                if name == "prelu":
                    if fwd:
                        m = {"py out=": lambda: op(x3, out=out, slopes=slopes), "py": lambda: op(x3, slopes=slopes)}
                    else:
                        m = {"py out=": lambda: op(x3, dy, out=out, slopes=slopes),
                             "py": lambda: op(x3, dy, slopes=slopes)}
                elif fwd:
                    m = {"py out=": lambda: op(x3, out=out), "py": lambda: op(x3)}
                else:
                    m = {"py out=": lambda: op(a3, dy, out=out), "py": lambda: op(a3, dy)}
                if torch is not None:
                    xt, dyt = torch.from_numpy(x3), torch.from_numpy(dy)
                    if fwd:
                        m["torch"] = (lambda f: lambda: f(xt))(t_f[name])
                    else:
                        arg = t_f[name](xt) if name in ("sigmoid", "tanh") else xt
                        m["torch"] = (lambda f, a: lambda: f(a, dyt))(t_b[name], arg)
                if with_numpy:
                    m["numpy"] = (lambda f: lambda: f(x3))(np_f[name]) if fwd else \
                        (lambda f: lambda: f(x3, dy))(np_b[name])
                # calls per batch so that a batch lasts about min_batch_s
                calls = {}
                for k, fn in m.items():
                    fn()
                    t = _best(fn, 1)
                    calls[k] = max(1, int(min_batch_s / max(t, 1e-9)))
                c_reps = calls["py out="]
                best = {k: float("inf") for k in m}
                best["C"] = float("inf")
                for _ in range(rounds):
                    best["C"] = min(best["C"], _activ.c_loop(name, direction, a3, None if fwd else dy, out,
                                                               c_reps, 1, **params))
                    for k, fn in m.items():
                        best[k] = min(best[k], _best(fn, calls[k]))
                bpe = 8 if fwd else 12
                gbs = {k: bpe * n / v / 1e9 for k, v in best.items()}
                rows.append({"function": name, "n": n,
                             "direction": "forward" if fwd else "backward(y)" if from_y else "backward",
                             "gbs": gbs, "us": {k: v * 1e6 for k, v in best.items()}})
                _print_row(rows[-1])
    return rows


def per_call_cost(rounds, calls=20000):
    """The fixed cost of one call: relu on a single float, from Python (less the cost of the
    timing loop and lambda, measured alike) and in the C loop."""
    x = np.ones(1, np.float32)
    o = np.empty_like(x)
    relu, fwd = activ.relu, activ.forward
    t = {"out=": lambda: relu(x, out=o), "allocating": lambda: relu(x),
         "generic out=": lambda: fwd("relu", x, out=o), "empty": lambda: None}
    best = {k: float("inf") for k in t}
    c = float("inf")
    for _ in range(2 * rounds):          # interleaved, best kept, as in the table
        for k, fn in t.items():
            best[k] = min(best[k], _best(fn, calls))
        c = min(c, _activ.c_loop("relu", _activ.FORWARD, x, None, o, calls, 1))
    ns = {k: (v - best["empty"]) * 1e9 for k, v in best.items()}
    return ("# per-call cost at n = 1: activ.relu(x, out=o) {:.0f} ns, activ.relu(x) {:.0f} ns, "
            "activ.forward('relu', x, out=o) {:.0f} ns; the library call in a C loop {:.0f} ns".format(
                ns["out="], ns["allocating"], ns["generic out="], c * 1e9))


HEAD = ("| function | n | dir | C GB/s | py out= GB/s | py/C | py GB/s | torch GB/s | numpy GB/s "
        "| xTorch | xNumPy |")


def _print_row(r):
    g = r["gbs"]

    def f(k):
        return f"{g[k]:.1f}" if k in g else "-"

    def ratio(a, b):
        return f"{g[a] / g[b]:.2f}" if a in g and b in g else "-"

    n = f"{r['n'] // 1024}K" if r["n"] < 1 << 20 else f"{r['n'] >> 20}M"
    print(f"| {r['function']} | {n} | {r['direction'][:3] + ('(y)' if '(y)' in r['direction'] else '')} | {f('C')} | {f('py out=')} | {ratio('py out=', 'C')} "
          f"| {f('py')} | {f('torch')} | {f('numpy')} | {ratio('py', 'torch')} | {ratio('py', 'numpy')} |",
          flush=True)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m activ.bench", description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="65536,1048576", help="comma-separated float counts (multiples of 1024)")
    ap.add_argument("--rounds", type=int, default=7, help="timed rounds per method (best kept)")
    ap.add_argument("--batch-ms", type=float, default=2.0, help="length of one round, milliseconds")
    ap.add_argument("--threads", type=int, default=1, help="threads for activ and torch (default 1)")
    ap.add_argument("--no-torch", action="store_true")
    ap.add_argument("--no-numpy", action="store_true")
    ap.add_argument("--json", help="also write the numbers as JSON to this file")
    a = ap.parse_args(argv)
    sizes = [int(s) for s in a.sizes.split(",")]
    if any(s <= 0 or s % 1024 for s in sizes):
        ap.error("--sizes: positive multiples of 1024")
    print(f"# activ.bench on {machine()}; threads {a.threads}; Python {platform.python_version()}, "
          f"NumPy {np.__version__}", end="")
    try:
        import torch
        print(f", PyTorch {torch.__version__}" if not a.no_torch else "")
    except ImportError:
        print(" (no PyTorch)")
    print(HEAD)
    print("|" + "---|" * (HEAD.count("|") - 1))
    rows = run(sizes, a.rounds, a.batch_ms / 1e3, a.threads, not a.no_torch, not a.no_numpy)
    print(per_call_cost(a.rounds))
    at64 = [r["gbs"]["py out="] / r["gbs"]["C"] for r in rows if r["n"] == 65536]
    if at64:
        print(f"# binding / C at 64K: min {min(at64):.2f}, median {sorted(at64)[len(at64) // 2]:.2f} "
              f"(target >= 0.9)")
    if a.json:
        with open(a.json + ".tmp", "w") as f:
            json.dump({"machine": machine(), "threads": a.threads, "rows": rows}, f, indent=1)
        os.replace(a.json + ".tmp", a.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
