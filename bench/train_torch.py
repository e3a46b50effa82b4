#!/usr/bin/env python3
"""The PyTorch side of bench/train_vs_torch.sh: the same MLP 784-256-128-10 (ReLU), Adam,
batch 128, shuffled mini-batches, softmax cross-entropy, on Fashion-MNIST read from the same
IDX files. Prints one JSON line: per-epoch samples/s (training pass only) and test accuracy."""
import argparse, gzip, json, os, struct, sys, time

import numpy as np

try:
    import torch
except ImportError:
    print("torch not installed", file=sys.stderr)
    sys.exit(77)


def idx(path):
    op = gzip.open if path.endswith(".gz") else open
    with op(path, "rb") as f:
        b = f.read()
    zero, dtype, nd = struct.unpack(">HBB", b[:4])
    dims = struct.unpack(">" + "I" * nd, b[4:4 + 4 * nd])
    return np.frombuffer(b, dtype=np.uint8, offset=4 + 4 * nd).reshape(dims)


def find(d, name):
    p = os.path.join(d, name + ".gz")
    return p if os.path.exists(p) else os.path.join(d, name)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    xtr = torch.from_numpy(idx(find(a.data, "train-images-idx3-ubyte")).reshape(-1, 784).astype(np.float32) / 255)
    ytr = torch.from_numpy(idx(find(a.data, "train-labels-idx1-ubyte")).astype(np.int64))
    xte = torch.from_numpy(idx(find(a.data, "t10k-images-idx3-ubyte")).reshape(-1, 784).astype(np.float32) / 255)
    yte = torch.from_numpy(idx(find(a.data, "t10k-labels-idx1-ubyte")).astype(np.int64))
    model = torch.nn.Sequential(torch.nn.Linear(784, 256), torch.nn.ReLU(), torch.nn.Linear(256, 128),
                                torch.nn.ReLU(), torch.nn.Linear(128, 10))
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    lossf = torch.nn.CrossEntropyLoss()
    n = xtr.shape[0]
    epochs = []
    for e in range(a.epochs):
        model.train()
        perm = torch.randperm(n)
        t0 = time.perf_counter()
        correct = 0
        for s in range(0, n, a.batch):
            idb = perm[s:s + a.batch]
            xb, yb = xtr[idb], ytr[idb]
            out = model(xb)
            loss = lossf(out, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            correct += (out.argmax(1) == yb).sum().item()
        dt = time.perf_counter() - t0
        model.eval()
        with torch.no_grad():
            acc = sum((model(xte[i:i + 1000]).argmax(1) == yte[i:i + 1000]).sum().item()
                      for i in range(0, xte.shape[0], 1000)) / xte.shape[0]
        epochs.append({"epoch": e + 1, "samples_per_s": n / dt, "train_accuracy": correct / n,
                       "test_accuracy": acc})
        print(f"torch epoch {e + 1}: {n / dt:.0f} samples/s, test accuracy {acc:.4f}", file=sys.stderr)
    print(json.dumps({"torch": torch.__version__, "threads": a.threads, "epochs": epochs,
                      "mean_samples_per_s": sum(x["samples_per_s"] for x in epochs) / len(epochs),
                      "final_test_accuracy": epochs[-1]["test_accuracy"]}))


if __name__ == "__main__":
    main()
