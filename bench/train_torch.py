#!/usr/bin/env python3
"""The PyTorch side of bench/train_vs_torch.sh: the same MLP 784-256-128-10 (ReLU), Adam,
batch 128, shuffled mini-batches, softmax cross-entropy, on Fashion-MNIST read from the same
IDX files. Prints one JSON line: per-epoch samples/s (training pass only) and test accuracy.
The loop is torch_common.train, shared with train_cnn_torch.py."""
from torch_common import load, parse_args, torch, train


def main():
    a = parse_args(default_epochs=10)
    nn = torch.nn
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 128), nn.ReLU(), nn.Linear(128, 10))
    train(model, a, load(a, (784,)), eval_batch=1000)


if __name__ == "__main__":
    main()
