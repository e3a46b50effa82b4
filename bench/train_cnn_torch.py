#!/usr/bin/env python3
"""The PyTorch side of bench/cnn_vs_torch.sh: the reference CNN of issue 14,
conv32k3-bn-relu-pool2, conv64k3-bn-relu-pool2, flatten, dense128-relu-dropout0.3, dense10,
Adam, batch 128, shuffled mini-batches, softmax cross-entropy, on Fashion-MNIST read from the
same IDX files. Prints one JSON line: per-epoch samples/s (training pass only) and test accuracy.
The loop is torch_common.train, shared with train_torch.py."""
from torch_common import load, parse_args, torch, train


def main():
    a = parse_args(default_epochs=1)
    nn = torch.nn
    model = nn.Sequential(nn.Conv2d(1, 32, 3), nn.BatchNorm2d(32), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(32, 64, 3), nn.BatchNorm2d(64), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Flatten(), nn.Linear(64 * 5 * 5, 128), nn.ReLU(), nn.Dropout(0.3),
                          nn.Linear(128, 10))
    train(model, a, load(a, (1, 28, 28)), eval_batch=500, min_batch=2)


if __name__ == "__main__":
    main()
