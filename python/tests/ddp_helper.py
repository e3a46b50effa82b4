"""The model and the per-rank worker of test_ddp.py (a module of its own so that the spawned
processes can import it)."""
import os

import torch

import activ.torch as at

STEPS = 3
LR = 0.1


def model():
    torch.manual_seed(11)
    return torch.nn.Sequential(torch.nn.Linear(10, 16), at.PReLU(16, 0.2), torch.nn.Linear(16, 16),
                               at.Swish(1.0), torch.nn.Linear(16, 16), at.ELU(0.5), torch.nn.Linear(16, 3))


def data():
    g = torch.Generator().manual_seed(12)
    return torch.randn(STEPS, 32, 10, generator=g), torch.randn(STEPS, 32, 3, generator=g)


def train(net, X, Y, rank=0, world=1):
    """STEPS steps of SGD on the global batch (this rank's slice of it); returns the
    gradients of each step, as lists of tensors."""
    opt = torch.optim.SGD(net.parameters(), lr=LR)
    grads = []
    share = X.shape[1] // world
    for s in range(STEPS):
        x = X[s, rank * share:(rank + 1) * share]
        y = Y[s, rank * share:(rank + 1) * share]
        loss = torch.nn.functional.mse_loss(net(x), y)
        opt.zero_grad()
        loss.backward()
        grads.append([p.grad.detach().clone() for p in net.parameters()])
        opt.step()
    return grads


def worker(rank, world, port, outdir):
    import torch.distributed as dist
    os.environ["MASTER_ADDR"] = "127.0.0.1"
    os.environ["MASTER_PORT"] = str(port)
    torch.set_num_threads(1)
    dist.init_process_group("gloo", rank=rank, world_size=world)
    try:
        net = torch.nn.parallel.DistributedDataParallel(model())
        X, Y = data()
        grads = train(net, X, Y, rank, world)
        torch.save({"grads": grads, "params": [p.detach() for p in net.module.parameters()]},
                   os.path.join(outdir, f"rank{rank}.pt"))
    finally:
        dist.destroy_process_group()
