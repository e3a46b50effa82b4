#!/usr/bin/env python3
"""The PyTorch side of bench/cnn_vs_torch.sh: the reference CNN of issue 14,
conv64k3p1-bn-relu-pool2-dropout0.25, conv128k3p1-bn-relu-pool2-dropout0.25, flatten,
dense128-bn-relu-dropout0.5, dense10,
Adam, batch 128, shuffled mini-batches, softmax cross-entropy, on Fashion-MNIST read from the
same IDX files. Prints one JSON line: per-epoch samples/s (training pass only) and test accuracy.
The loop is torch_common.train, shared with train_torch.py."""
from torch_common import load, parse_args, torch, train


def main():
    a = parse_args(default_epochs=1)
    nn = torch.nn
    model = nn.Sequential(nn.Conv2d(1, 64, 3, padding=1), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Dropout(0.25),
                          nn.Conv2d(64, 128, 3, padding=1), nn.BatchNorm2d(128), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Dropout(0.25),
                          nn.Flatten(), nn.Linear(128 * 7 * 7, 128), nn.BatchNorm1d(128), nn.ReLU(),
                          nn.Dropout(0.5), nn.Linear(128, 10))
    train(model, a, load(a, (1, 28, 28)), eval_batch=500, min_batch=2)


if __name__ == "__main__":
    main()
