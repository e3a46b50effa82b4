"""activ's NumPy functions against float64 NumPy references (reference.py): forward within
1 ULP, backward within 2 ULP, on about two million inputs per kind including special values;
plus the calling conventions (out=, in place, lists, dtypes, layouts, errors)."""
import numpy as np
import pytest

import activ
import reference as ref

N = 2_000_000
KINDS = list(ref.DEFAULTS)
PARAMS = [(k, dict(ref.DEFAULTS[k])) for k in KINDS] + [
    ("leaky_relu", {"alpha": 0.2}), ("elu", {"alpha": 0.5}), ("swish", {"beta": 1.7})]


def f32(p):
    """The parameters as the library sees them (activ_params holds floats)."""
    return {k: float(np.float32(v)) for k, v in p.items()}


def _ids(kp):
    return kp[0] + "".join(f"-{k}{v}" for k, v in kp[1].items())


@pytest.fixture(scope="module")
def x():
    return ref.inputs(N, seed=1)


@pytest.fixture(scope="module")
def dy(x):
    # gradients of moderate size, so dy * f'(x) stays inside the fp32 range
    return np.random.default_rng(2).uniform(-4, 4, size=x.size).astype(np.float32)


def test_every_library_kind_has_functions():
    for kind in activ.kinds():
        assert callable(getattr(activ, kind))
        assert callable(getattr(activ, kind + "_backward"))
    assert set(KINDS) <= set(activ.kinds()) | {"prelu"}


@pytest.mark.parametrize("kp", PARAMS, ids=_ids)
def test_forward_within_1ulp(kp, x):
    kind, p = kp
    y = getattr(activ, kind)(x, **p)
    err = ref.ulp_error(y, ref.f(kind, x, f32(p)))
    worst = int(np.argmax(err))
    print(f"{kind} {p}: max forward error {err[worst]:.3f} ULP at x={x[worst]!r}")
    assert err[worst] <= 1.0


@pytest.mark.parametrize("kp", PARAMS, ids=_ids)
def test_backward_within_2ulp(kp, x, dy):
    kind, p = kp
    dx = activ.backward(kind, x, dy, **p)
    with np.errstate(invalid="ignore"):
        exact = dy.astype(np.float64) * ref.df(kind, x, f32(p))
    err = ref.ulp_error(dx, exact)
    worst = int(np.argmax(err))
    print(f"{kind} {p}: max backward error {err[worst]:.3f} ULP at x={x[worst]!r}")
    assert err[worst] <= 2.0


@pytest.mark.parametrize("kp", [kp for kp in PARAMS if kp[0] != "swish"], ids=_ids)
def test_backward_from_output_within_2ulp(kp, x, dy):
    kind, p = kp
    y = activ.forward(kind, x, **p)
    dx = activ.backward_from_output(kind, y, dy, **p)
    with np.errstate(invalid="ignore"):
        exact = dy.astype(np.float64) * ref.g(kind, y, f32(p))
    err = ref.ulp_error(dx, exact)
    print(f"{kind} {p}: max from-output error {err.max():.3f} ULP")
    assert err.max() <= 2.0


def test_prelu_channels_and_dslopes():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((4, 3, 5)).astype(np.float32)
    dy = rng.standard_normal(x.shape).astype(np.float32)
    slopes = np.array([0.1, -0.3, 2.0], dtype=np.float32)
    a = slopes[None, :, None].astype(np.float64)
    x64 = x.astype(np.float64)
    y = activ.prelu(x, slopes=slopes)
    assert np.array_equal(y, np.where(x64 > 0, x64, a * x64).astype(np.float32))
    ds = np.full(3, np.nan, dtype=np.float32)
    dx = activ.prelu_backward(x, dy, slopes=slopes, dparam=ds)
    assert np.array_equal(dx, (dy * np.where(x64 > 0, 1.0, a)).astype(np.float32))
    exact = (dy * np.minimum(x64, 0)).sum(axis=(0, 2))
    assert np.allclose(ds, exact, rtol=1e-6, atol=1e-6), (ds, exact)
    # channels-last via inner=1 on a flat view: element i is channel i % 3
    xl = np.ascontiguousarray(x.transpose(0, 2, 1))
    yl = activ.prelu(xl.reshape(-1), slopes=slopes, inner=1)
    assert np.array_equal(yl.reshape(xl.shape), np.ascontiguousarray(y.transpose(0, 2, 1)))


def test_swish_dbeta():
    rng = np.random.default_rng(4)
    x = rng.uniform(-6, 6, 1000).astype(np.float32)
    dy = rng.standard_normal(1000).astype(np.float32)
    db = np.zeros(1, np.float32)
    activ.swish_backward(x, dy, beta=1.3, dparam=db)
    x64 = x.astype(np.float64)
    s = 1 / (1 + np.exp(-1.3 * x64))
    exact = (dy * x64 * x64 * s * (1 - s)).sum()
    assert abs(db[0] - exact) <= 1e-6 * max(1.0, abs(exact)), (db[0], exact)


def test_out_and_in_place():
    x = np.linspace(-3, 3, 1001, dtype=np.float32)
    expect = activ.tanh(x)
    out = np.empty_like(x)
    r = activ.tanh(x, out=out)
    assert r is out and np.array_equal(out, expect)
    y = x.copy()
    assert activ.tanh(y, out=y) is y and np.array_equal(y, expect)
    dy = np.ones_like(x)
    dx = activ.tanh_backward(x, dy)
    assert activ.tanh_backward(x, dy, out=dy) is dy and np.array_equal(dy, dx)


def test_lists_scalars_and_shapes():
    assert activ.relu([-1.0, 2.0]).tolist() == [0.0, 2.0]
    assert activ.relu([-1.0, 2.0]).dtype == np.float32
    s = activ.sigmoid(0.0)
    assert s.shape == () and s.dtype == np.float32 and float(s) == 0.5
    m = np.arange(-6, 6, dtype=np.float32).reshape(3, 4)
    assert activ.relu(m).shape == (3, 4)
    assert activ.relu(np.empty(0, np.float32)).size == 0
    assert np.signbit(activ.relu(np.float32([-0.0]))[0])      # relu(-0) = -0, as PyTorch


def test_num_threads_give_same_bits():
    x = np.random.default_rng(5).uniform(-10, 10, 1 << 20).astype(np.float32)
    old = activ.get_num_threads()
    try:
        activ.set_num_threads(1)
        a = activ.swish(x, beta=0.7)
        activ.set_num_threads(2)
        assert activ.get_num_threads() == 2
        b = activ.swish(x, beta=0.7)
    finally:
        activ.set_num_threads(0)
    assert np.array_equal(a, b)
    assert old >= 1
    with pytest.raises(ValueError, match="parameter"):
        activ.set_num_threads(-1)


def test_version_from_library():
    import os
    import re
    src = os.environ.get("ACTIV_SOURCE_DIR")
    assert re.fullmatch(r"\d+\.\d+\.\d+", activ.__version__)
    if src:
        text = open(os.path.join(src, "include", "activ.h")).read()
        assert f'#define ACTIV_VERSION_STRING "{activ.__version__}"' in text


# ---- error paths ---------------------------------------------------------------------

def test_wrong_dtype_is_type_error():
    for dt in (np.float64, np.float16, np.int32):
        with pytest.raises(TypeError, match="float32"):
            activ.relu(np.zeros(4, dt))
    with pytest.raises(TypeError, match="float32"):
        activ.relu(np.zeros(4, ">f4"))          # byte-swapped float32 is another dtype too
    with pytest.raises(TypeError, match="float32"):
        activ.relu(np.zeros(4, np.float32), out=np.zeros(4, np.float64))


def test_no_silent_copy_of_strided_arrays():
    x = np.zeros(10, np.float32)
    with pytest.raises(ValueError, match="contiguous"):
        activ.relu(x[::2])
    with pytest.raises(ValueError, match="contiguous"):
        activ.relu(np.zeros((4, 4), np.float32).T)
    with pytest.raises(ValueError, match="contiguous"):
        activ.relu(x[:5], out=np.zeros(10, np.float32)[::2])


def test_bad_params_and_shapes_are_value_errors():
    x = np.ones(6, np.float32)
    with pytest.raises(ValueError, match="out of range"):
        activ.elu(x, alpha=float("inf"))
    with pytest.raises(ValueError, match="out of range"):
        activ.leaky_relu_backward_from_output(x, x, alpha=0.0)
    with pytest.raises(ValueError, match="shapes disagree"):
        activ.prelu(x, slopes=[0.1, 0.2, 0.3, 0.4])       # 4 does not divide 6
    with pytest.raises(ValueError, match="axis 1"):
        activ.prelu(np.ones((2, 3), np.float32), slopes=[0.1, 0.2])
    with pytest.raises(ValueError, match="dy"):
        activ.relu_backward(x, np.ones(5, np.float32))
    with pytest.raises(ValueError, match="shape"):
        activ.relu(x, out=np.ones(5, np.float32))
    buf = np.zeros(8, np.float32)
    with pytest.raises(ValueError, match="overlaps"):
        activ.relu(buf[:7], out=buf[1:])
    with pytest.raises(ValueError, match="unknown activation"):
        activ.forward("no_such_kind", x)
    with pytest.raises(ValueError, match="status 7"):
        activ.backward_from_output("swish", x, x)
    with pytest.raises(ValueError, match="dparam"):
        activ.prelu_backward(x, x, slopes=[0.1, 0.2], dparam=np.zeros(1, np.float32))


def test_bad_calls_are_type_errors():
    x = np.ones(4, np.float32)
    with pytest.raises(TypeError, match="unexpected keyword"):
        activ.relu(x, gammma=1.0)
    with pytest.raises(TypeError, match="positional"):
        activ.relu(x, x)
    with pytest.raises(TypeError, match="positional"):
        activ.relu_backward(x)
    with pytest.raises(TypeError):
        activ.elu(x, alpha="big")
    with pytest.raises(TypeError, match="NumPy array"):
        activ.relu(x, out=[0.0] * 4)
    with pytest.raises(ValueError, match="read-only"):
        ro = np.ones(4, np.float32)
        ro.flags.writeable = False
        activ.relu(x, out=ro)


def test_gil_released_during_the_call():
    """With a switch interval of 100 s, a thread gives the GIL away only where C code releases
    it. Thread t wakes the main thread and then calls activ.tanh; the main thread can only run
    again (and see that t has not finished) if the call released the GIL. Without the release,
    t would finish first and the main thread would see done = True."""
    import sys
    import threading
    x = np.full(1 << 20, 0.5, dtype=np.float32)
    started, done = threading.Event(), [False]

    def work():
        started.set()
        # many calls, each releasing the GIL for its whole run: on a loaded machine the main
        # thread may not be scheduled during the first one, but it is during one of these
        y = np.empty_like(x)
        for _ in range(200):
            activ.tanh(x, out=y)
        x[:] = y
        done[0] = True

    old = sys.getswitchinterval()
    sys.setswitchinterval(100.0)
    try:
        t = threading.Thread(target=work)
        t.start()
        started.wait()
        ran_during_call = not done[0]
        t.join()
    finally:
        sys.setswitchinterval(old)
    assert ran_during_call
    assert done[0] and abs(float(x[0]) - np.tanh(0.5)) <= 2.0 ** -24      # 1 ULP at 0.46
