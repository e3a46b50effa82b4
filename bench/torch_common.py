"""What the PyTorch sides of bench/train_vs_torch.sh (train_torch.py, an MLP) and
bench/cnn_vs_torch.sh (train_cnn_torch.py, the reference CNN) share: the IDX reader, the
options, and the training loop that mirrors activ train (shuffled mini-batches, Adam,
softmax cross-entropy, test accuracy after each epoch). Prints one JSON line."""
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


def parse_args(default_epochs):
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="/usr/share/datasets/fashion-mnist")
    ap.add_argument("--epochs", type=int, default=default_epochs)
    ap.add_argument("--limit", type=int, default=0, help="training samples (0: all)")
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    return a


def load(a, shape):
    """Fashion-MNIST from a.data: images as float32 in [0, 1] of shape (-1, *shape), labels."""
    img = lambda n: torch.from_numpy(idx(find(a.data, n)).reshape(-1, *shape).astype(np.float32) / 255)
    lab = lambda n: torch.from_numpy(idx(find(a.data, n)).astype(np.int64))
    xtr, ytr = img("train-images-idx3-ubyte"), lab("train-labels-idx1-ubyte")
    xte, yte = img("t10k-images-idx3-ubyte"), lab("t10k-labels-idx1-ubyte")
    if a.limit:
        xtr, ytr = xtr[:a.limit], ytr[:a.limit]
    return xtr, ytr, xte, yte


def train(model, a, data, eval_batch, min_batch=1):
    """a.epochs epochs of model on data; batches smaller than min_batch are dropped (BatchNorm
    needs 2). Prints progress on stderr and the JSON line on stdout."""
    xtr, ytr, xte, yte = data
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
            if len(idb) < min_batch:
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
            acc = sum((model(xte[i:i + eval_batch]).argmax(1) == yte[i:i + eval_batch]).sum().item()
                      for i in range(0, xte.shape[0], eval_batch)) / xte.shape[0]
        epochs.append({"epoch": e + 1, "samples_per_s": n / dt, "train_accuracy": correct / n,
                       "test_accuracy": acc})
        print(f"torch epoch {e + 1}: {n / dt:.0f} samples/s, test accuracy {acc:.4f}", file=sys.stderr)
    print(json.dumps({"torch": torch.__version__, "threads": a.threads, "epochs": epochs,
                      "mean_samples_per_s": sum(x["samples_per_s"] for x in epochs) / len(epochs),
                      "final_test_accuracy": epochs[-1]["test_accuracy"]}))
