#!/usr/bin/env python3
"""softmax_vs_torch.py - activ's softmax and log_softmax (fp32, forward and backward) against
PyTorch's CPU kernels, side by side in one process: the same arrays, the same clock
(time.perf_counter), calls interleaved round by round, median of the rounds, 1 thread on
both sides (activ_set_num_threads(1), torch.set_num_threads(1)). activ is called through
ctypes on build/src/libactiv.so (a call costs ~1 us of ctypes on top, included).

Shapes: rows of 1024 along the last axis, 64 and 1024 rows (64K and 1M elements, the shapes
of activ_bench16 --rows). Backward: from the forward's output (PyTorch:
torch._softmax_backward_data / torch._log_softmax_backward_data, the kernels autograd runs).
Prints one table; the ratio is activ's elements per second over PyTorch's.

Usage: /usr/bin/python3 bench/softmax_vs_torch.py [--lib build/src/libactiv.so] [--rounds 7]
"""
import argparse
import ctypes
import os
import statistics
import sys
import time

import numpy as np

try:
    import torch
except ImportError:
    print("torch not installed", file=sys.stderr)
    sys.exit(77)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def per_call(fn, min_time=0.02):
    """seconds per call: repeat fn for at least min_time"""
    fn()
    reps, t = 1, 0.0
    while True:
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        t = time.perf_counter() - t0
        if t >= min_time:
            return t / reps
        reps *= 2


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--lib", default=os.path.join(ROOT, "build/src/libactiv.so"))
    ap.add_argument("--rounds", type=int, default=7)
    a = ap.parse_args()
    lib = ctypes.CDLL(a.lib)
    lib.activ_set_num_threads(1)
    torch.set_num_threads(1)
    P = ctypes.POINTER(ctypes.c_float)
    for name in ("activ_softmax_forward", "activ_log_softmax_forward"):
        getattr(lib, name).argtypes = [P, P, ctypes.POINTER(ctypes.c_size_t), ctypes.c_int, ctypes.c_int]
    for name in ("activ_softmax_backward", "activ_log_softmax_backward"):
        getattr(lib, name).argtypes = [P, P, P, ctypes.POINTER(ctypes.c_size_t), ctypes.c_int, ctypes.c_int]
    lib.activ_isa_name.restype = ctypes.c_char_p
    isa = lib.activ_isa_name(lib.activ_get_isa()).decode()
    print(f"softmax_vs_torch: activ path {isa}, PyTorch {torch.__version__}, 1 thread; "
          f"Gelem/s, median of {a.rounds} interleaved rounds")
    print(f"{'kind':<12} {'dir':<4} {'n':>8} {'activ':>8} {'torch':>8} {'ratio':>6}")
    rng = np.random.default_rng(1)
    worst = None
    for rows in (64, 1024):
        n = rows * 1024
        x = (rng.standard_normal((rows, 1024)) * 3).astype(np.float32)
        g = rng.standard_normal((rows, 1024)).astype(np.float32)
        shape = (ctypes.c_size_t * 2)(rows, 1024)
        tx, tg = torch.from_numpy(x), torch.from_numpy(g)
        for logf in (0, 1):
            kind = "log_softmax" if logf else "softmax"
            y = np.empty_like(x)
            d = np.empty_like(x)
            ptr = lambda arr: arr.ctypes.data_as(P)
            fwd = lib.activ_log_softmax_forward if logf else lib.activ_softmax_forward
            bwd = lib.activ_log_softmax_backward if logf else lib.activ_softmax_backward
            tf = torch.log_softmax if logf else torch.softmax
            ty = tf(tx, -1)
            if logf:
                tb = lambda: torch._log_softmax_backward_data(tg, ty, -1, torch.float32)
            else:
                tb = lambda: torch._softmax_backward_data(tg, ty, -1, torch.float32)
            fwd(ptr(x), ptr(y), shape, 2, -1)
            sides = {
                "fwd": (lambda: fwd(ptr(x), ptr(y), shape, 2, -1), lambda: tf(tx, -1)),
                "bwd": (lambda: bwd(ptr(y), ptr(g), ptr(d), shape, 2, -1), tb),
            }
            for dirn, (fa, ft) in sides.items():
                ta, tt = [], []
                for _ in range(a.rounds):
                    ta.append(per_call(fa))
                    tt.append(per_call(ft))
                ga, gt = n / statistics.median(ta) / 1e9, n / statistics.median(tt) / 1e9
                ratio = ga / gt
                worst = ratio if worst is None else min(worst, ratio)
                print(f"{kind:<12} {dirn:<4} {n:>8} {ga:>8.3f} {gt:>8.3f} {ratio:>6.2f}")
    print(f"smallest ratio activ/torch: {worst:.2f}")


if __name__ == "__main__":
    main()
