"""Scale-out through an existing engine: a model built with activ.torch modules (PReLU and
Swish with learnable parameters, ELU) trains under DistributedDataParallel, 2 processes,
gloo on the CPU, and its gradients equal those of one process on the same global batch.

Tolerance: DDP averages the two ranks' gradients (each a mean over 16 samples) where the
single process takes one mean over 32, so the sums run in another order: a few fp32 roundings
apart, ~1e-7 relative. rtol 1e-5 (atol 1e-7 for gradients near 0) is 100x that, and a rank
that saw the wrong data or skipped activ's parameter gradients would be off at order 1."""
import socket

import pytest

torch = pytest.importorskip("torch")
dist = pytest.importorskip("torch.distributed")
if not dist.is_available() or not dist.is_gloo_available():
    pytest.skip("this PyTorch has no gloo backend", allow_module_level=True)

import ddp_helper  # noqa: E402


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_ddp_gradients_equal_single_process(tmp_path):
    torch.multiprocessing.spawn(ddp_helper.worker, args=(2, _free_port(), str(tmp_path)), nprocs=2, join=True)
    X, Y = ddp_helper.data()
    net = ddp_helper.model()
    single = ddp_helper.train(net, X, Y)
    worst = 0.0
    for rank in range(2):
        got = torch.load(tmp_path / f"rank{rank}.pt")
        for step, (gs, gd) in enumerate(zip(single, got["grads"])):
            for a, b in zip(gs, gd):
                assert torch.allclose(b, a, rtol=1e-5, atol=1e-7), (rank, step, a, b)
                worst = max(worst, ((b - a).abs().max() / a.abs().max()).item())
        for a, b in zip(net.parameters(), got["params"]):
            assert torch.allclose(b, a.detach(), rtol=1e-5, atol=1e-7)
    # the activ parameters did get gradients (parameters 2 and 5: PReLU weight, Swish beta)
    assert single[0][2].shape == (16,) and single[0][5].shape == (1,)
    assert single[0][2].abs().sum() > 0 and single[0][5].abs().sum() > 0
    print(f"DDP (2 ranks, gloo) vs one process: max gradient difference relative to the tensor's largest {worst:.3g}")
