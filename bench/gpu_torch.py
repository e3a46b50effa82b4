"""PyTorch eager peers for bench/gpu.sh: same sizes, same GB/s rule (bytes read + written),
median of CUDA-event timings. Prints TSV rows: torch <kind> <dir> <dtype> <ms> <GB/s> and
torch dense addmm_relu bf16 <ms> <TFLOP/s>.  Usage: python3 gpu_torch.py [log2n] [N] [reps]"""
import sys
import torch
import torch.nn.functional as F

lg = int(sys.argv[1]) if len(sys.argv) > 1 else 28
N = int(sys.argv[2]) if len(sys.argv) > 2 else 8192
reps = int(sys.argv[3]) if len(sys.argv) > 3 else 20
n = 1 << lg


def med_ms(f):
    for _ in range(3):
        f()
    torch.cuda.synchronize()
    ts = []
    for _ in range(reps):
        a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        a.record(); f(); b.record(); b.synchronize()
        ts.append(a.elapsed_time(b))
    ts.sort()
    return ts[len(ts) // 2]


print("# torch\t%s\t%s" % (torch.__version__, torch.cuda.get_device_name(0)))
for dt, name in ((torch.float32, "f32"), (torch.bfloat16, "bf16")):
    x = (torch.rand(n, device="cuda", dtype=torch.float32) * 8 - 4).to(dt)
    dy = (torch.rand(n, device="cuda", dtype=torch.float32) * 2 - 1).to(dt)
    out = torch.empty_like(x)
    es = x.element_size()
    w = torch.full((64,), 0.25, device="cuda", dtype=dt)
    xr = x.view(-1, 64)
    fwd = {
        "relu": lambda: torch.relu(x),
        "leaky_relu": lambda: F.leaky_relu(x, 0.01),
        "prelu": lambda: F.prelu(xr, w),
        "elu": lambda: F.elu(x),
        "swish": lambda: F.silu(x),
        "sigmoid": lambda: torch.sigmoid(x),
        "tanh": lambda: torch.tanh(x),
        "gelu": lambda: F.gelu(x),
        "gelu_tanh": lambda: F.gelu(x, approximate="tanh"),
        "softplus": lambda: F.softplus(x),
        "mish": lambda: F.mish(x),
        "logsigmoid": lambda: F.logsigmoid(x),
    }
    bwd = {
        "relu": lambda: torch.ops.aten.threshold_backward(dy, x, 0),
        "leaky_relu": lambda: torch.ops.aten.leaky_relu_backward(dy, x, 0.01, False),
        "elu": lambda: torch.ops.aten.elu_backward(dy, 1.0, 1.0, 1.0, False, x),
        "swish": lambda: torch.ops.aten.silu_backward(dy, x),
        "sigmoid": lambda: torch.ops.aten.sigmoid_backward(dy, x),
        "tanh": lambda: torch.ops.aten.tanh_backward(dy, x),
        "gelu": lambda: torch.ops.aten.gelu_backward(dy, x),
        "gelu_tanh": lambda: torch.ops.aten.gelu_backward(dy, x, approximate="tanh"),
        "softplus": lambda: torch.ops.aten.softplus_backward(dy, x, 1.0, 20.0),
        "mish": lambda: torch.ops.aten.mish_backward(dy, x),
        "prelu": lambda: torch.ops.aten._prelu_kernel_backward(dy.view(-1, 64), xr, w),
    }
    # torch's from-output backward ops (sigmoid/tanh_backward take y; elu with is_result)
    bwdy = {
        "sigmoid": lambda: torch.ops.aten.sigmoid_backward(dy, x),
        "tanh": lambda: torch.ops.aten.tanh_backward(dy, x),
        "elu": lambda: torch.ops.aten.elu_backward(dy, 1.0, 1.0, 1.0, True, x),
        "relu": lambda: torch.ops.aten.threshold_backward(dy, x, 0),
    }
    for k, f in bwdy.items():
        try:
            ms = med_ms(f)
        except Exception as e:
            print("# torch %s bwdy %s: %s" % (k, name, e), file=sys.stderr)
            continue
        print("torch\t%s\tbwdy\t%s\t%.4f\t%.1f" % (k, name, ms, 3 * n * es / ms / 1e6))
    for k, f in fwd.items():
        try:
            ms = med_ms(f)
        except Exception as e:  # an op this torch lacks: say so, time the rest
            print("# torch %s fwd %s: %s" % (k, name, e), file=sys.stderr)
            continue
        print("torch\t%s\tfwd\t%s\t%.4f\t%.1f" % (k, name, ms, 2 * n * es / ms / 1e6))
    for k, f in bwd.items():
        try:
            ms = med_ms(f)
        except Exception as e:
            print("# torch %s bwd %s: %s" % (k, name, e), file=sys.stderr)
            continue
        print("torch\t%s\tbwd\t%s\t%.4f\t%.1f" % (k, name, ms, 3 * n * es / ms / 1e6))
    del x, dy, out
    torch.cuda.empty_cache()

if N > 0:
    a = torch.randn(N, N, device="cuda", dtype=torch.bfloat16)
    b = torch.randn(N, N, device="cuda", dtype=torch.bfloat16)
    bias = torch.randn(N, device="cuda", dtype=torch.bfloat16)
    ms = med_ms(lambda: torch.relu(torch.addmm(bias, a, b)))
    print("torch\tdense\taddmm_relu\tbf16\t%.4f\t%.1f" % (ms, 2 * N ** 3 / ms / 1e9))
    ms = med_ms(lambda: torch.mm(a, b))
    print("torch\tdense\tmm\tbf16\t%.4f\t%.1f" % (ms, 2 * N ** 3 / ms / 1e9))
