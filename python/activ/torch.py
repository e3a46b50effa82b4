"""activ.torch: activ's kernels as torch.autograd.Functions and torch.nn.Modules.

Modules with PyTorch's names and constructor arguments:

    ReLU(inplace=False)  LeakyReLU(negative_slope=0.01, inplace=False)  ELU(alpha=1.0, inplace=False)
    PReLU(num_parameters=1, init=0.25)       learnable weight, one slope per channel (axis 1)
    SiLU(inplace=False)  Swish(beta=1.0, learnable=True)   x * sigmoid(beta * x), beta learnable
    Sigmoid()  Tanh()
    Activation(kind, **params)               any kind of the library, e.g. Activation("elu", alpha=0.5)

and the functional form activ.torch.apply(kind, x, **params).

Tensors. CPU tensors must be float32: activ's kernels read and write their memory directly
(zero-copy; a non-contiguous input is made contiguous once, as PyTorch's own kernels do).
CUDA tensors (float32, bfloat16, float16) go to activ's CUDA backend on PyTorch's current
stream when the extension was built with it (activ.torch.cuda_built()); otherwise, and for
other dtypes or devices, a TypeError / RuntimeError says what is unsupported.

Backward. Where the library has a from-output form for the kind and parameters
(relu, leaky_relu with alpha > 0, elu with alpha >= 0, sigmoid, tanh), the Function saves the
output y instead of the input x, so the input can be freed after the forward pass (and the
in-place modules are possible). prelu and swish save x and also return the gradient of
their learnable parameter (d slopes, d beta).
"""
import torch

import activ as _activ_pkg
from . import _activ

_FWD, _BWD, _BWDY = _activ.FORWARD, _activ.BACKWARD, _activ.BACKWARD_FROM_OUTPUT

# Which keyword of the library carries a kind's learnable tensor (the one whose gradient
# backward(..., dparam=) returns).
_LEARNABLE = {"prelu": "slopes", "swish": "beta"}

_CUDA_DTYPES = {torch.float32: 0, torch.bfloat16: 1, torch.float16: 2}  # activ_cuda_dtype
_from_output_ok = {}


def cuda_built():
    """True if this build of activ has its CUDA backend."""
    return bool(_activ.has_cuda)


def _check(t, what):
    if t.device.type == "cpu":
        if t.dtype != torch.float32:
            raise TypeError(f"activ.torch: {what} is a CPU {t.dtype} tensor; activ's CPU kernels take "
                            f"torch.float32 (convert with .float())")
    elif t.device.type == "cuda":
        if not _activ.has_cuda:
            raise RuntimeError("activ.torch: a CUDA tensor, but this activ was built without its CUDA "
                               "backend (build it with nvcc present: ACTIV_CUDA=ON)")
        if t.dtype not in _CUDA_DTYPES:
            raise TypeError(f"activ.torch: {what} is a CUDA {t.dtype} tensor; activ's CUDA backend takes "
                            "float32, bfloat16 and float16")
    else:
        raise RuntimeError(f"activ.torch: {what} is on device '{t.device}'; activ runs on cpu and cuda")


def _np(t):
    return t.detach().numpy()


def _uses_from_output(kind, params):
    """Whether the library's from-output backward exists for this kind and these parameters
    (it checks them: leaky_relu needs alpha > 0, ...). Cached per (kind, parameters)."""
    key = (kind, tuple(sorted(params.items())))
    ok = _from_output_ok.get(key)
    if ok is None:
        ok = _activ_pkg.has_variant(kind, _BWDY)
        if ok:
            try:
                one = torch.ones(1).numpy()
                _activ.backward_from_output(kind, one, one, **params)
            except ValueError:
                ok = False
        _from_output_ok[key] = ok
    return ok


def _cuda_call(direction, kind, a, b, out, dparam, params):
    dev = out.device
    with torch.cuda.device(dev):
        stream = torch.cuda.current_stream(dev).cuda_stream
        _activ.cuda_call(direction, kind, _CUDA_DTYPES[out.dtype], a.data_ptr(),
                         b.data_ptr() if b is not None else 0, out.data_ptr(), out.numel(),
                         dparam.data_ptr() if dparam is not None else 0, stream, **params)


def _layout(x, learn_t):
    """channels/inner for a per-channel tensor: PyTorch's layout, the channel axis is 1."""
    c = learn_t.numel()
    if c == 1:
        return {"channels": 1, "inner": 1}
    if x.dim() < 2 or x.shape[1] != c:
        raise ValueError(f"activ.torch: {c} channels but the input has shape {tuple(x.shape)} "
                         "(the channel axis is 1)")
    return {"channels": c, "inner": x[0, 0].numel()}


def _run(direction, kind, a, b, out, params, learn=None, learn_t=None, dparam=None):
    """One library call on tensors. learn/learn_t: the learnable parameter's keyword and tensor."""
    if out.device.type == "cuda":
        p = dict(params)
        if learn == "slopes":
            p.update(_layout(a, learn_t), slopes=learn_t.data_ptr())
        elif learn is not None:
            p[learn] = float(learn_t)
        _cuda_call(direction, kind, a, b, out, dparam, p)
        return
    p = dict(params)
    if learn == "slopes":
        p.update(_layout(a, learn_t), slopes=_np(learn_t))
    elif learn is not None:
        p[learn] = float(learn_t)
    if direction == _FWD:
        _activ.forward(kind, _np(a), out=_np(out), **p)
    elif direction == _BWD:
        if dparam is not None:
            p["dparam"] = _np(dparam)
        _activ.backward(kind, _np(a), _np(b), out=_np(out), **p)
    else:
        _activ.backward_from_output(kind, _np(a), _np(b), out=_np(out), **p)


class ActivFunction(torch.autograd.Function):
    """y = f(x) for a kind without learnable parameters: ActivFunction.apply(x, kind, params, inplace)."""

    @staticmethod
    def forward(ctx, x, kind, params, inplace=False):
        _check(x, "the input")
        from_y = _uses_from_output(kind, params)
        if inplace:
            if not from_y:
                raise ValueError(f"activ.torch: {kind} with {params} cannot run in place "
                                 "(its backward needs the input)")
            if not x.is_contiguous():
                raise ValueError("activ.torch: in place needs a contiguous tensor")
            ctx.mark_dirty(x)
            y = x
        else:
            x = x.contiguous()
            y = torch.empty_like(x, memory_format=torch.contiguous_format)
        _run(_FWD, kind, x, None, y, params)
        ctx.kind, ctx.params, ctx.from_y = kind, params, from_y
        ctx.save_for_backward(y if from_y else x)
        return y

    @staticmethod
    def backward(ctx, dy):
        (saved,) = ctx.saved_tensors
        dy = dy.contiguous()
        dx = torch.empty_like(dy, memory_format=torch.contiguous_format)
        _run(_BWDY if ctx.from_y else _BWD, ctx.kind, saved, dy, dx, ctx.params)
        return dx, None, None, None


class LearnableFunction(torch.autograd.Function):
    """y = f(x; w) with a learnable w (prelu slopes, swish beta): LearnableFunction.apply(x, w, kind, params).
    The backward returns dx and dw (accumulated in double by the library)."""

    @staticmethod
    def forward(ctx, x, w, kind, params):
        _check(x, "the input")
        if w.dtype != torch.float32 or w.device != x.device:
            raise TypeError(f"activ.torch: the {kind} parameter must be float32 on {x.device}")
        x = x.contiguous()
        w = w.contiguous()
        y = torch.empty_like(x, memory_format=torch.contiguous_format)
        _run(_FWD, kind, x, None, y, params, _LEARNABLE[kind], w)
        ctx.kind, ctx.params = kind, params
        ctx.save_for_backward(x, w)
        return y

    @staticmethod
    def backward(ctx, dy):
        x, w = ctx.saved_tensors
        dy = dy.contiguous()
        dx = torch.empty_like(dy, memory_format=torch.contiguous_format)
        dw = None
        if ctx.needs_input_grad[1]:
            dw = torch.empty(w.numel(), dtype=torch.float32, device=w.device)
        _run(_BWD, ctx.kind, x, dy, dx, ctx.params, _LEARNABLE[ctx.kind], w, dw)
        return dx, (dw.view_as(w) if dw is not None else None), None, None


def apply(kind, x, **params):
    """f(x) through activ with autograd, for any kind without a learnable tensor; e.g.
    apply("elu", x, alpha=0.5). For prelu pass slopes= as a tensor, for swish a tensor beta=
    to learn it."""
    kind = _activ.kind_name(kind)
    learn = _LEARNABLE.get(kind)
    if learn is not None and isinstance(params.get(learn), torch.Tensor):
        w = params.pop(learn)
        return LearnableFunction.apply(x, w, kind, params)
    return ActivFunction.apply(x, kind, params, False)


class Activation(torch.nn.Module):
    """Any activ kind as a module: Activation("leaky_relu", alpha=0.2)."""

    def __init__(self, kind, inplace=False, **params):
        super().__init__()
        self.kind = _activ.kind_name(kind)
        self.params = dict(params)
        self.inplace = inplace

    def forward(self, x):
        return ActivFunction.apply(x, self.kind, self.params, self.inplace)

    def extra_repr(self):
        s = ", ".join([repr(self.kind)] + [f"{k}={v}" for k, v in self.params.items()])
        return s + (", inplace=True" if self.inplace else "")


class ReLU(Activation):
    def __init__(self, inplace=False):
        super().__init__("relu", inplace)


class LeakyReLU(Activation):
    def __init__(self, negative_slope=0.01, inplace=False):
        super().__init__("leaky_relu", inplace, alpha=float(negative_slope))


class ELU(Activation):
    def __init__(self, alpha=1.0, inplace=False):
        super().__init__("elu", inplace, alpha=float(alpha))


class SiLU(Activation):
    def __init__(self, inplace=False):
        if inplace:
            raise ValueError("activ.torch.SiLU: the backward needs the input, so no in place")
        super().__init__("swish", False, beta=1.0)


class Sigmoid(Activation):
    def __init__(self):
        super().__init__("sigmoid")


class Tanh(Activation):
    def __init__(self):
        super().__init__("tanh")


# Modules for kinds the library may add, under PyTorch's names: (class name, the library
# kind names to look for, {PyTorch constructor argument: activ keyword}, defaults as in
# torch.nn). A class is made only when the library has the kind, so a new kind needs a row
# here, or none at all through Activation(kind, **params).
_TORCH_NAMES = [
    ("GELU", ("gelu",), {}, {}),
    ("SELU", ("selu",), {}, {}),
    ("CELU", ("celu",), {"alpha": "alpha"}, {"alpha": 1.0}),
    ("Softplus", ("softplus",), {"beta": "beta", "threshold": "threshold"}, {"beta": 1.0, "threshold": 20.0}),
    ("Mish", ("mish",), {}, {}),
    ("LogSigmoid", ("logsigmoid",), {}, {}),
    ("Hardswish", ("hardswish", "hard_swish"), {}, {}),
    ("Hardsigmoid", ("hardsigmoid", "hard_sigmoid"), {}, {}),
    ("Hardtanh", ("hardtanh", "hard_tanh"), {"min_val": "min_val", "max_val": "max_val"},
     {"min_val": -1.0, "max_val": 1.0}),
    ("ReLU6", ("relu6",), {}, {}),
    ("Softsign", ("softsign",), {}, {}),
]


def _make_module(cls_name, kind, argmap, defaults):
    def __init__(self, *args, **kwargs):
        names = list(argmap)
        if len(args) > len(names):
            raise TypeError(f"{cls_name}() takes at most {len(names)} positional arguments")
        given = dict(defaults)
        given.update(zip(names, args))
        for k, v in kwargs.items():
            if k not in argmap:
                raise TypeError(f"{cls_name}() got an unexpected keyword argument {k!r}")
            given[k] = v
        Activation.__init__(self, kind, **{argmap[k]: float(v) for k, v in given.items()})

    return type(cls_name, (Activation,), {"__init__": __init__,
                                          "__doc__": f"activ's {kind} under PyTorch's name {cls_name}."})


def _generate_torch_names(namespace):
    have = set(_activ.kinds())
    for cls_name, kinds, argmap, defaults in _TORCH_NAMES:
        for kind in kinds:
            if kind in have and cls_name not in namespace:
                namespace[cls_name] = _make_module(cls_name, kind, argmap, defaults)


_generate_torch_names(globals())


class PReLU(torch.nn.Module):
    """f(x) = x if x > 0 else weight[c] * x, c the index along axis 1 (PyTorch's PReLU)."""

    def __init__(self, num_parameters=1, init=0.25, device=None, dtype=None):
        super().__init__()
        if dtype not in (None, torch.float32):
            raise TypeError("activ.torch.PReLU: the weight is float32")
        self.num_parameters = num_parameters
        self.weight = torch.nn.Parameter(torch.full((num_parameters,), float(init), device=device))

    def forward(self, x):
        return LearnableFunction.apply(x, self.weight, "prelu", {})

    def extra_repr(self):
        return f"num_parameters={self.num_parameters}"


class Swish(torch.nn.Module):
    """f(x) = x * sigmoid(beta * x); beta is a learnable scalar unless learnable=False."""

    def __init__(self, beta=1.0, learnable=True):
        super().__init__()
        self.learnable = learnable
        if learnable:
            self.beta = torch.nn.Parameter(torch.tensor([float(beta)]))
        else:
            self.beta = float(beta)

    def forward(self, x):
        if self.learnable:
            return LearnableFunction.apply(x, self.beta, "swish", {})
        return ActivFunction.apply(x, "swish", {"beta": self.beta}, False)

    def extra_repr(self):
        b = float(self.beta) if self.learnable else self.beta
        return f"beta={b}, learnable={self.learnable}"
