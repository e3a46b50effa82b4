#!/usr/bin/env python3
"""The PyTorch side of bench/cnn_vs_torch.sh: the reference CNN of issue 14,
conv32k3-bn-relu-pool2, conv64k3-bn-relu-pool2, flatten, dense128-relu-dropout0.3, dense10,
Adam, batch 128, shuffled mini-batches, softmax cross-entropy, on Fashion-MNIST read from the
same IDX files. Prints one JSON line: per-epoch samples/s (training pass only) and test accuracy."""
import argparse, json, sys, time

import numpy as np

try:
    import torch
except ImportError:
    print("torch not installed", file=sys.stderr)
    sys.exit(77)

from train_torch import find, idx


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--limit", type=int, default=0, help="training samples (0: all)")
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    img = lambda n: torch.from_numpy(idx(find(a.data, n)).reshape(-1, 1, 28, 28).astype(np.float32) / 255)
    lab = lambda n: torch.from_numpy(idx(find(a.data, n)).astype(np.int64))
    xtr, ytr = img("train-images-idx3-ubyte"), lab("train-labels-idx1-ubyte")
    xte, yte = img("t10k-images-idx3-ubyte"), lab("t10k-labels-idx1-ubyte")
    if a.limit:
        xtr, ytr = xtr[:a.limit], ytr[:a.limit]
    nn = torch.nn
    model = nn.Sequential(nn.Conv2d(1, 32, 3), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(32, 64, 3), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Dropout(0.3),
                          nn.Linear(128, 10))
    opt = torch.optim.Adam(model.parameters(), lr=a.lr)
    lossf = nn.CrossEntropyLoss()
    n = xtr.shape[0]
    epochs = []
    for e in range(a.epochs):
        model.train()
        perm = torch.randperm(n)
        t0 = time.perf_counter()
        correct = 0
        for s in range(0, n, a.batch):
            idb = perm[s:s + a.batch]
            if len(idb) < 2:
                break
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
            acc = sum((model(xte[i:i + 500]).argmax(1) == yte[i:i + 500]).sum().item()
                      for i in range(0, xte.shape[0], 500)) / xte.shape[0]
        epochs.append({"epoch": e + 1, "samples_per_s": n / dt, "train_accuracy": correct / n,
                       "test_accuracy": acc})
        print(f"torch epoch {e + 1}: {n / dt:.0f} samples/s, test accuracy {acc:.4f}", file=sys.stderr)
    print(json.dumps({"torch": torch.__version__, "threads": a.threads, "epochs": epochs,
                      "mean_samples_per_s": sum(x["samples_per_s"] for x in epochs) / len(epochs),
                      "final_test_accuracy": epochs[-1]["test_accuracy"]}))


if __name__ == "__main__":
    main()
