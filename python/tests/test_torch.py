"""activ.torch against torch.nn / torch.nn.functional, gradcheck, training next to torch's
own modules, errors, and CUDA (skipped cleanly without a GPU or without activ's CUDA backend)."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")
import torch.nn.functional as F  # noqa: E402

import activ  # noqa: E402
import activ.torch as at  # noqa: E402


def ulps(a, b):
    """Largest distance between two float32 tensors in units of the last place of b."""
    a64, b64 = a.double(), b.double()
    _, e = torch.frexp(b64)
    ulp = torch.clamp(torch.ldexp(torch.ones_like(b64), e - 24), min=2.0 ** -149)
    return ((a64 - b64).abs() / ulp).max().item()


# (activ module, torch module, max ULP between the two). Piecewise-linear kinds are exact in
# both libraries: 0, bit for bit, forward and backward. For the transcendental ones neither
# side is exact: PyTorch's fp32 CPU kernels are not correctly rounded (ELU near 0 from
# exp(x) - 1 loses up to a few hundred ULP, absolutely ~1e-7), and the backward of both
# libraries for sigmoid, tanh (and activ's for elu) is the from-output form dy * g(y), whose
# y is rounded to fp32, so in the tails (f' tiny, y = 1 after rounding) both are off from
# dy * f'(x) by up to |dy| * ulp(1), and PyTorch's silu backward cancels where f' = 0. So:
# <= 8 ULP, or an absolute 2^-22 (forward) and 8 ulp(1) |dy| = 2^-20 |dy| (backward). A wrong formula is off by orders of magnitude more. The strict
# bounds (1 and 2 ULP against float64) are checked in test_gradient_matches_float64_autograd.
PAIRS = [
    (lambda: at.ReLU(), lambda: torch.nn.ReLU(), 0),
    (lambda: at.LeakyReLU(0.2), lambda: torch.nn.LeakyReLU(0.2), 0),
    (lambda: at.PReLU(3, 0.3), lambda: torch.nn.PReLU(3, 0.3), 0),
    (lambda: at.ELU(0.7), lambda: torch.nn.ELU(0.7), 8),
    (lambda: at.SiLU(), lambda: torch.nn.SiLU(), 8),
    (lambda: at.Sigmoid(), lambda: torch.nn.Sigmoid(), 8),
    (lambda: at.Tanh(), lambda: torch.nn.Tanh(), 8),
]


def close(a, b, tol, abs_tol):
    """Elementwise: within tol ULP of b, or within abs_tol (a tensor or a number)."""
    a64, b64 = a.double(), b.double()
    _, e = torch.frexp(b64)
    ulp = torch.clamp(torch.ldexp(torch.ones_like(b64), e - 24), min=2.0 ** -149)
    d = (a64 - b64).abs()
    return bool(((d <= tol * ulp) | (d <= abs_tol)).all())


@pytest.mark.parametrize("pair", PAIRS, ids=lambda p: type(p[0]()).__name__)
def test_modules_match_torch(pair):
    mk_a, mk_t, tol = pair
    torch.manual_seed(0)
    x = (torch.randn(64, 3, 50) * 4).requires_grad_()
    dy = torch.randn(64, 3, 50)
    ma, mt = mk_a(), mk_t()
    ya, yt = ma(x), mt(x)
    ga = torch.autograd.grad(ya, [x] + list(ma.parameters()), dy)
    gt = torch.autograd.grad(yt, [x] + list(mt.parameters()), dy)
    print(f"{type(ma).__name__}: forward {ulps(ya, yt)} ULP, backward {ulps(ga[0], gt[0])} ULP from torch, "
          f"max abs {(ya - yt).abs().max().item():.3g} / {(ga[0] - gt[0]).abs().max().item():.3g}")
    if tol == 0:
        assert torch.equal(ya, yt) and torch.equal(ga[0], gt[0])
    else:
        assert close(ya, yt, tol, 2.0 ** -22)
        assert close(ga[0], gt[0], tol, 2.0 ** -20 * dy.abs().double())
    for pa, pt in zip(ga[1:], gt[1:]):      # PReLU's weight gradient: a sum over 3200 terms
        assert torch.allclose(pa, pt, rtol=1e-5, atol=1e-5), (pa, pt)


def test_swish_beta_gradient():
    torch.manual_seed(1)
    x = torch.randn(1000) * 3
    dy = torch.randn(1000)
    m = at.Swish(1.5)
    (m(x) * dy).sum().backward()
    b = torch.tensor([1.5], dtype=torch.float64, requires_grad=True)
    (x.double() * torch.sigmoid(b * x.double()) * dy.double()).sum().backward()
    assert abs(m.beta.grad.item() - b.grad.item()) <= 1e-5 * abs(b.grad.item()) + 1e-6
    fixed = at.Swish(1.5, learnable=False)
    assert not list(fixed.parameters())
    assert torch.equal(fixed(x), m(x).detach())


def test_zero_copy_and_from_output_saving():
    x = torch.randn(1000)
    y = at.ReLU(inplace=True)(x)
    assert y.data_ptr() == x.data_ptr()                 # in place: the library wrote x itself
    xr = torch.randn(10, requires_grad=True)
    y = at.Sigmoid()(xr)
    # the from-output backward saves the output, not the input
    assert y.grad_fn.saved_tensors[0].data_ptr() == y.data_ptr()
    y = at.SiLU()(xr)
    assert y.grad_fn.saved_tensors[0].data_ptr() == xr.data_ptr()


def test_inplace_module_gradients():
    torch.manual_seed(2)
    x = torch.randn(100, requires_grad=True)
    y = at.ELU(0.5, inplace=True)(x * 1.0)
    y.sum().backward()
    g64 = torch.where(x.double() > 0, 1.0, 0.5 * torch.exp(x.double()))
    assert torch.allclose(x.grad.double(), g64, rtol=1e-6, atol=0)


# gradcheck. activ's kernels are fp32, so gradcheck runs on float32 inputs with a step
# eps = 1e-3: the central difference (f(x+h) - f(x-h)) / 2h then carries a rounding error of
# about 2 * 2^-24 * |f| / 2h <= 1.2e-4 for |f| <= 2, and a truncation error h^2 |f'''| / 6
# below 1e-6 for these functions; activ's analytic gradient is within 2 ULP (2.4e-7 relative).
# atol = rtol = 1e-3 is thus 8x the worst expected difference and far below any formula error.
# Inputs stay 0.01 away from the kink at 0 of the piecewise kinds. The float64 comparison
# (test_gradient_matches_float64_autograd) then bounds the same gradients at 2 ULP.
GRADCHECK = [("relu", {}), ("leaky_relu", {"alpha": 0.2}), ("elu", {"alpha": 0.5}),
             ("swish", {"beta": 1.3}), ("sigmoid", {}), ("tanh", {})]


def _away_from_kink(n, seed):
    g = torch.Generator().manual_seed(seed)
    x = torch.rand(n, generator=g) * 3 + 0.01
    sign = torch.where(torch.rand(n, generator=g) < 0.5, -1.0, 1.0)
    return (x * sign).requires_grad_()


@pytest.mark.parametrize("kind,params", GRADCHECK)
def test_gradcheck(kind, params):
    x = _away_from_kink(40, 3)
    with pytest.warns(UserWarning, match="double precision"):
        assert torch.autograd.gradcheck(lambda t: at.apply(kind, t, **params), (x,),
                                        eps=1e-3, atol=1e-3, rtol=1e-3)


def test_gradcheck_learnable():
    x = _away_from_kink(24, 4).detach().view(2, 3, 4).requires_grad_()
    w = torch.tensor([0.1, -0.4, 1.5], requires_grad=True)
    b = torch.tensor([1.3], requires_grad=True)
    with pytest.warns(UserWarning):
        assert torch.autograd.gradcheck(lambda t, s: at.apply("prelu", t, slopes=s), (x, w),
                                        eps=1e-3, atol=1e-3, rtol=1e-3)
        assert torch.autograd.gradcheck(lambda t, s: at.apply("swish", t, beta=s), (x, b),
                                        eps=1e-3, atol=1e-3, rtol=1e-3)


TORCH64 = {"relu": lambda x, p: F.relu(x), "leaky_relu": lambda x, p: F.leaky_relu(x, p["alpha"]),
           "elu": lambda x, p: F.elu(x, p["alpha"]), "swish": lambda x, p: x * torch.sigmoid(p["beta"] * x),
           "sigmoid": lambda x, p: torch.sigmoid(x), "tanh": lambda x, p: torch.tanh(x)}


@pytest.mark.parametrize("kind,params", GRADCHECK)
def test_gradient_matches_float64_autograd(kind, params):
    """The float64-comparable check: activ's fp32 forward against PyTorch in float64 on the
    same fp32 inputs (params rounded to fp32 as the library does), within 1 ULP; the gradient
    within 2 ULP of float64 autograd of what the Function computes: dy * f'(x) for the kinds
    that save x, dy * g(y) at activ's fp32 y for those that save y (the from-output form)."""
    torch.manual_seed(5)
    x = (torch.randn(20000) * 5).requires_grad_()
    dy = torch.randn(20000)
    y = at.apply(kind, x, **params)
    from_y = y.grad_fn.saved_tensors[0].data_ptr() == y.data_ptr()
    (g,) = torch.autograd.grad(y, x, dy)
    p64 = {k: float(np.float32(v)) for k, v in params.items()}
    x64 = x.detach().double().requires_grad_()
    y64 = TORCH64[kind](x64, p64)
    assert ulps(y.detach(), y64.detach()) <= 1.0
    if from_y:      # the Function saved y: the from-output form
        yd = y.detach().double()
        gy = {"relu": (yd > 0).double(), "leaky_relu": torch.where(yd > 0, 1.0, p64.get("alpha", 0.01)),
              "elu": torch.where(yd > 0, 1.0, yd + p64.get("alpha", 1.0)),
              "sigmoid": yd * (1 - yd), "tanh": 1 - yd * yd}[kind]
        g64 = dy.double() * gy
    else:
        (g64,) = torch.autograd.grad(y64, x64, dy.double())
    assert ulps(g, g64) <= 2.0


def _mlp(act):
    return torch.nn.Sequential(torch.nn.Linear(20, 32), act[0](), torch.nn.Linear(32, 32), act[1](),
                               torch.nn.Linear(32, 5))


def test_training_matches_torch_modules():
    """The same MLP, the same init and data, 30 SGD steps, once with activ.torch modules and
    once with torch's. The activations differ by a few fp32 ULP per element (above), which the
    training amplifies only mildly over 30 steps: measured differences are ~1e-6 relative. The
    losses must agree to 1e-4 relative, which no wrong derivative would meet: an error of even
    1% in one activation's gradient changes the weights' updates by that much at every
    step."""
    torch.manual_seed(6)
    X = torch.randn(256, 20)
    Y = (X @ torch.randn(20, 5)).argmax(dim=1)      # a learnable target
    pairs = {"activ": (lambda: at.PReLU(32, 0.2), lambda: at.ELU(0.8)),
             "torch": (lambda: torch.nn.PReLU(32, 0.2), lambda: torch.nn.ELU(0.8))}
    losses = {}
    for name, act in pairs.items():
        torch.manual_seed(7)
        model = _mlp(act)
        opt = torch.optim.SGD(model.parameters(), lr=0.5)
        curve = []
        for step in range(30):
            i = (step * 64) % 256
            loss = F.cross_entropy(model(X[i:i + 64]), Y[i:i + 64])
            opt.zero_grad()
            loss.backward()
            opt.step()
            curve.append(loss.item())
        losses[name] = np.array(curve)
    rel = np.abs(losses["activ"] - losses["torch"]) / losses["torch"]
    print("loss activ", losses["activ"][[0, -1]], "torch", losses["torch"][[0, -1]], "max rel diff", rel.max())
    assert losses["activ"][-1] < 0.6 * losses["activ"][0]        # it does learn
    assert rel.max() <= 1e-4


def test_errors():
    with pytest.raises(TypeError, match="float32"):
        at.ReLU()(torch.randn(4, dtype=torch.float64))
    with pytest.raises(TypeError, match="float32"):
        at.Tanh()(torch.ones(4, dtype=torch.int32))
    with pytest.raises(ValueError, match="channel"):
        at.PReLU(3)(torch.randn(2, 4))
    with pytest.raises(ValueError, match="in place"):
        at.Activation("swish", inplace=True)(torch.randn(4))
    with pytest.raises(ValueError, match="out of range"):
        at.ELU(float("nan"))(torch.randn(4))
    with pytest.raises(ValueError, match="unknown activation"):
        at.Activation("nope")
    if not torch.cuda.is_available() or not at.cuda_built():
        meta = torch.empty(4, device="meta")
        with pytest.raises(RuntimeError, match="device"):
            at.ReLU()(meta)


def test_non_contiguous_input_works_like_torch():
    x = torch.randn(8, 6).t()
    assert not x.is_contiguous()
    assert torch.equal(at.ReLU()(x), F.relu(x))


cuda = pytest.mark.skipif(not torch.cuda.is_available() or not at.cuda_built(),
                          reason="needs a CUDA GPU and activ built with its CUDA backend")


@cuda
@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16, torch.float16])
def test_cuda_matches_cpu(dtype):
    torch.manual_seed(8)
    x = torch.randn(4, 3, 1000) * 4
    dy = torch.randn(4, 3, 1000)
    for ma in (at.ReLU(), at.ELU(0.5), at.SiLU(), at.Sigmoid(), at.Tanh(), at.PReLU(3, 0.2), at.Swish(1.2)):
        xc = x.to("cuda", dtype).requires_grad_()
        mc = type(ma)() if False else ma.to("cuda")
        yc = mc(xc)
        (gc,) = torch.autograd.grad(yc, xc, dy.to("cuda", dtype))
        mcpu = ma.to("cpu")
        xr = xc.detach().float().cpu().requires_grad_()
        yr = mcpu(xr)
        (gr,) = torch.autograd.grad(yr, xr, dy.to(dtype).float())
        tol = 0 if dtype == torch.float32 else 1e-2
        assert torch.allclose(yc.float().cpu(), yr.detach().to(dtype).float(), rtol=tol, atol=1e-6 + tol)
        assert torch.allclose(gc.float().cpu(), gr.to(dtype).float(), rtol=4 * tol + 1e-6, atol=1e-6 + tol)


def test_cuda_without_backend_is_clear():
    if not torch.cuda.is_available():
        pytest.skip("no CUDA GPU here")
    if at.cuda_built():
        pytest.skip("activ has its CUDA backend")
    with pytest.raises(RuntimeError, match="without its CUDA"):
        at.ReLU()(torch.randn(4, device="cuda"))


def test_torch_names_follow_the_library():
    """PyTorch-named modules for kinds the library may add (GELU, Softplus, ...) exist exactly
    when the library has the kind; the generator is exercised here on a kind that exists."""
    for cls_name, kinds, _, _ in at._TORCH_NAMES:
        assert hasattr(at, cls_name) == any(k in activ.kinds() for k in kinds), cls_name
    MyELU = at._make_module("MyELU", "elu", {"alpha": "alpha"}, {"alpha": 1.0})
    x = torch.linspace(-3, 3, 101)
    assert torch.equal(MyELU(0.5)(x), at.ELU(0.5)(x))
    assert torch.equal(MyELU()(x), at.ELU()(x))
    with pytest.raises(TypeError, match="unexpected keyword"):
        MyELU(beta=2.0)
