# Fashion-MNIST with activ.torch modules: python3 examples/python/train_fashion_mnist.py [epochs]
import gzip, sys, numpy as np, torch, activ.torch as at
D = "/usr/share/datasets/fashion-mnist/"   # Debian package dataset-fashion-mnist
def idx(name, off):  # IDX file: a header of `off` bytes, then uint8s
    return np.frombuffer(gzip.open(D + name).read(), np.uint8, offset=off)
X, Xt = (torch.from_numpy(idx(f"{s}-images-idx3-ubyte.gz", 16).reshape(-1, 784) / np.float32(255)) for s in ("train", "t10k"))
Y, Yt = (torch.from_numpy(idx(f"{s}-labels-idx1-ubyte.gz", 8).astype(np.int64)) for s in ("train", "t10k"))
torch.manual_seed(0)
model = torch.nn.Sequential(torch.nn.Linear(784, 256), at.PReLU(256), torch.nn.Linear(256, 128), at.Swish(), torch.nn.Linear(128, 10))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
for epoch in range(int(sys.argv[1]) if len(sys.argv) > 1 else 2):
    for i in torch.randperm(len(X)).split(128):
        loss = torch.nn.functional.cross_entropy(model(X[i]), Y[i]); opt.zero_grad(); loss.backward(); opt.step()
    with torch.no_grad(): acc = (model(Xt).argmax(1) == Yt).float().mean().item()
    print(f"epoch {epoch + 1}: loss {loss.item():.3f}, test accuracy {acc:.4f}, swish beta {model[3].beta.item():.3f}")
