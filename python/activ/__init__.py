"""activ: activation functions on NumPy arrays (and PyTorch tensors through activ.torch).

Every kind of the C library gets three functions, generated at import time from the
library's own kind list (so new kinds appear without a change here):

    activ.elu(x, *, out=None, alpha=1.0)                      y  = f(x)
    activ.elu_backward(x, dy, *, out=None, alpha=1.0)         dx = dy * f'(x)
    activ.elu_backward_from_output(y, dy, *, out=None, ...)   dx = dy * g(y), y = f(x)

plus the generic activ.forward(kind, x, ...), activ.backward(kind, x, dy, ...) (alias
activ.grad) and activ.backward_from_output(kind, y, dy, ...). Parameters are keywords with
the C library's and the CLI's names: alpha, beta, slopes (prelu, one per channel; the
channel axis is 1, or pass inner=), channels, inner. backward(..., dparam=arr) also writes
the parameter gradient (prelu: d slopes, channels floats; swish: d beta, one float).

Arrays must be C-contiguous float32 (TypeError for another dtype, ValueError for another
layout: activ never copies an array behind your back). Python lists and numbers become
float32 arrays. out= may be the input itself (in place). The math, the accuracy contract
(forward <= 1 ULP, backward <= 2 ULP) and the special values are those of include/activ.h.
Library status codes become ValueError (bad parameters, shapes, overlap), MemoryError or
RuntimeError, with the library's own status text.
"""
from . import _activ

__version__ = _activ.version
version = _activ.version

forward = _activ.forward
backward = _activ.backward
grad = _activ.backward
backward_from_output = _activ.backward_from_output
set_num_threads = _activ.set_num_threads
get_num_threads = _activ.get_num_threads
get_isa = _activ.get_isa
set_isa = _activ.set_isa
supported_dtypes = _activ.supported_dtypes
params = _activ.params

# Names the library accepts besides its canonical ones (activ_kind_from_name). Only names:
# the kind behind each comes from the library.
_ALIASES = ("silu",)
_UNSUPPORTED = 7  # ACTIV_ERR_UNSUPPORTED: the variant does not exist for this kind

_DOC = {
    _activ.FORWARD: "{name}(x, *, out=None, **params) -> y = {kind}(x), elementwise.",
    _activ.BACKWARD: "{name}(x, dy, *, out=None, dparam=None, **params) -> dx = dy * {kind}'(x).",
    _activ.BACKWARD_FROM_OUTPUT: "{name}(y, dy, *, out=None, **params) -> dx = dy * g(y), y = {kind}(x).",
}
_SUFFIX = {_activ.FORWARD: "", _activ.BACKWARD: "_backward", _activ.BACKWARD_FROM_OUTPUT: "_backward_from_output"}


def kinds():
    """The library's activation kinds (canonical names, in the library's order)."""
    return _activ.kinds()


def has_variant(kind, direction):
    """Whether the library has this direction (activ._activ.FORWARD, ...) for a kind."""
    return _activ.probe(kind, direction) != _UNSUPPORTED


def _generate(namespace):
    names = list(_activ.kinds())
    for alias in _ALIASES:
        try:
            _activ.kind_name(alias)
        except ValueError:
            continue
        if alias not in names:
            names.append(alias)
    made = []
    for name in names:
        kind = _activ.kind_name(name)
        for direction, suffix in _SUFFIX.items():
            if not has_variant(kind, direction):
                continue
            fn = _activ.make_op(kind, direction, name + suffix)
            fn.__doc__ = _DOC[direction].format(name=name + suffix, kind=kind) + (
                "\nParameters (keywords, ignored by kinds that do not use them): "
                + ", ".join(_activ.params) + ". See include/activ.h for the math.")
            namespace[name + suffix] = fn
            made.append(name + suffix)
    return made


_functions = _generate(globals())
__all__ = ["forward", "backward", "grad", "backward_from_output", "set_num_threads",
           "get_num_threads", "kinds", "version"] + _functions


def __getattr__(name):
    # activ.torch is imported on first use, so `import activ` does not need PyTorch.
    if name == "torch":
        import importlib
        return importlib.import_module(".torch", __name__)
    raise AttributeError(f"module 'activ' has no attribute {name!r}")
