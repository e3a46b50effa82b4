"""Issue 13 from the outside: files that lie about their size, .npy headers that only look
right, outputs that must be whole or absent, ranges beyond fp32, long names, and messages
that name the path and the system's reason. One check (or more) per defect of the issue;
each fails against the library and CLI before the fix.

Usage: python3 hardening.py path/to/activ
"""
import glob
import gzip
import os
import resource
import shutil
import struct
import subprocess

import numpy as np

import clitest
from clitest import ACTIV, check, path, tmp

# Under ASan the address space cannot be capped (its shadow memory is reserved up front);
# elsewhere the readers run with 1 GiB of address space, so an allocation dictated by a
# header fails loudly instead of being lazily overcommitted.
binary_dir = os.environ.get("ACTIV_BINARY_DIR", "")
sanitized = False
try:
    with open(os.path.join(binary_dir, "CMakeCache.txt")) as f:
        sanitized = any(l.startswith("ACTIV_SANITIZE:") and l.split("=", 1)[1].strip() not in ("OFF", "")
                        for l in f)
except OSError:
    pass


def capped():
    if not sanitized:
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))


def run(*args, cap=False):
    p = subprocess.run([ACTIV, *map(str, args)], capture_output=True, text=True,
                       preexec_fn=capped if cap else None)
    return p.returncode, p.stdout, p.stderr


def write(name, data):
    with open(path(name), "wb") as f:
        f.write(data)
    return path(name)


def leftovers(d=tmp):
    """temp files of the atomic writer (".NAME.XXXXXX") left in d"""
    return [f for f in os.listdir(d) if f.startswith(".")]


def npy_bytes(header, payload=b"", version=1):
    pre = 10 if version == 1 else 12
    pad = (64 - (pre + len(header) + 1) % 64) % 64
    h = (header + " " * pad + "\n").encode("latin1")
    n = struct.pack("<H", len(h)) if version == 1 else struct.pack("<I", len(h))
    return b"\x93NUMPY" + bytes([version, 0]) + n + h + payload


def numpy_rejects(p):
    try:
        np.load(p)
        return False
    except Exception:
        return True


def idx(dims, payload):
    return bytes([0, 0, 8, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims) + payload


def dataset(d, n_train=24, n_test=8, side=4, gz=False, train_images=None):
    """a tiny MNIST-format data set in folder d"""
    os.makedirs(d, exist_ok=True)
    rng = np.random.default_rng(3)
    files = {
        "train-images-idx3-ubyte": idx([n_train, side, side], rng.integers(0, 256, n_train * side * side, dtype=np.uint8).tobytes()),
        "train-labels-idx1-ubyte": idx([n_train], (np.arange(n_train) % 3).astype(np.uint8).tobytes()),
        "t10k-images-idx3-ubyte": idx([n_test, side, side], rng.integers(0, 256, n_test * side * side, dtype=np.uint8).tobytes()),
        "t10k-labels-idx1-ubyte": idx([n_test], (np.arange(n_test) % 3).astype(np.uint8).tobytes()),
    }
    if train_images is not None:
        files["train-images-idx3-ubyte"] = train_images
    for name, data in files.items():
        if gz:
            with open(os.path.join(d, name + ".gz"), "wb") as f:
                f.write(data if data[:2] == b"\x1f\x8b" else gzip.compress(data, mtime=0))
        else:
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
    return d


x = np.array([[-2.0, -0.5, 0.0, 0.5], [1.0, -1.0, 2.0, -3.0], [0.25, -0.25, 4.0, -4.0]], np.float32)
xp = path("x.npy")
np.save(xp, x)
dyp = path("dy.npy")
np.save(dyp, np.ones_like(x))
slopes = path("slopes.npy")
np.save(slopes, np.array([0.1, 0.2, 0.3, 0.4], np.float32))

# ---- 1. validation before writing: an empty prelu input zeroes da, nothing else -----------
np.save(path("x0.npy"), np.zeros((0, 4), np.float32))
rc, _, err = run("grad", "prelu", "--alpha-npy", slopes, "--channels-last", path("x0.npy"), path("x0.npy"),
                 path("dx0.npy"), "--dparam", path("da0.npy"))
check(rc == 0 and os.path.exists(path("da0.npy")) and np.all(np.load(path("da0.npy")) == 0),
      f"grad prelu on an empty input writes da = 0 (rc {rc}: {err})")

# ---- 2. a header may not dictate an allocation; the error says what is wrong ---------------
hdr = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d,), }"
for claim in (1 << 31, 1 << 40):
    p = write(f"claim{claim}.npy", npy_bytes(hdr % claim, b"\0" * 16))
    rc, _, err = run("eval", "relu", p, path("never.npy"), cap=True)
    check(rc == 1 and "truncated" in err and "memory" not in err,
          f".npy of {len(open(p, 'rb').read())} bytes claiming {claim} floats: rc {rc}, '{err.strip()}'")
    check(not os.path.exists(path("never.npy")), "no output from a truncated input")
# an IDX file of 1000 bytes claiming (65536, 512, 512): plain and gzip'ed
for gz in (False, True):
    d = dataset(path(f"bigclaim{int(gz)}"), gz=gz, train_images=idx([65536, 512, 512], bytes(984)))
    rc, out, err = run("train", "--data", d, "--epochs", "1", "--quiet", cap=True)
    check(rc == 1 and "truncated" in err and "memory" not in err,
          f"IDX ({'gzip' if gz else 'plain'}) claiming 16 GiB in 1000 bytes: rc {rc}, '{err.strip()}'")

# ---- 3. the .npy header is parsed: decoys and non-NumPy headers are refused ----------------
decoy = npy_bytes("{'fortran_order': False, 'shape': (2,), 'dtype': \"'descr': '<f4'\", 'descr': '<f8', }",
                  struct.pack("<d", 1.5))
bad_headers = {
    "decoy": decoy,
    "extra_key": npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), 'x': 1, }", b"\0" * 8),
    "missing_key": npy_bytes("{'descr': '<f4', 'shape': (2,), }", b"\0" * 8),
    "repeated_key": npy_bytes("{'descr': '<f8', 'descr': '<f4', 'fortran_order': False, 'shape': (2,), }", b"\0" * 8),
    "int_not_tuple": npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2), }", b"\0" * 8),
    "fortran_int": npy_bytes("{'descr': '<f4', 'fortran_order': 0, 'shape': (2,), }", b"\0" * 8),
    "negative_dim": npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (-2,), }", b"\0" * 8),
    "junk_after": npy_bytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2,), } x", b"\0" * 8),
}
for name, data in bad_headers.items():
    p = write(f"hdr_{name}.npy", data)
    rc, _, err = run("eval", "relu", p, path("never.npy"))
    check(rc == 1 and "header" in err, f".npy header '{name}' refused with a reason: rc {rc}, '{err.strip()}'")
    if name not in ("repeated_key", "negative_dim"):  # NumPy lets these two through; activ does not
        check(numpy_rejects(p), f"NumPy also refuses header '{name}' (the test file is honest)")
# what NumPy writes is still read, in every version and key order
for ver in (1, 2, 3):
    p = write(f"ok_v{ver}.npy", npy_bytes("{'shape': (2, 2), \"fortran_order\": False, 'descr': '<f4'}",
                                          struct.pack("<4f", 1, -2, 3, -4), ver))
    rc, _, err = run("eval", "relu", p, path(f"ok_v{ver}_out.npy"))
    check(rc == 0 and np.array_equal(np.load(path(f"ok_v{ver}_out.npy")), [[1, 0], [3, 0]]),
          f"a valid v{ver} header in another key order: rc {rc}, '{err.strip()}'")

# ---- 4. complete or absent --------------------------------------------------------------
# DX cannot be written: --dparam must not be left behind
rc, _, err = run("grad", "prelu", "--alpha-npy", slopes, "--channels-last", xp, dyp, path("nodir/dx.npy"),
                 "--dparam", path("da_orphan.npy"))
check(rc == 1 and not os.path.exists(path("da_orphan.npy")), f"DX unwritable: --dparam left behind (rc {rc})")
check("nodir/dx.npy" in err and "No such file or directory" in err, f"the message names DX and the reason: '{err.strip()}'")
# --dparam is a directory: DX must not be left behind either
os.mkdir(path("dpdir"))
rc, _, err = run("grad", "prelu", "--alpha-npy", slopes, "--channels-last", xp, dyp, path("dx_orphan.npy"),
                 "--dparam", path("dpdir"))
check(rc == 1 and not os.path.exists(path("dx_orphan.npy")), f"--dparam a directory: DX left behind (rc {rc})")
check(not leftovers(), f"no temp files left: {leftovers()}")
# --dparam naming DX or an input is refused before anything is written
before = {p: open(p, "rb").read() for p in (xp, dyp, slopes)}
for target in (path("dx_same.npy"), xp, dyp, slopes, os.path.join(tmp, "dpdir", "..", "x.npy")):
    rc, _, err = run("grad", "prelu", "--alpha-npy", slopes, "--channels-last", xp, dyp, path("dx_same.npy"),
                     "--dparam", target)
    check(rc == 2 and "--dparam" in err, f"--dparam {os.path.basename(target)} colliding: rc {rc}, '{err.strip()}'")
check(all(open(p, "rb").read() == b for p, b in before.items()), "the inputs are unchanged")
check(not os.path.exists(path("dx_same.npy")), "no DX written when --dparam collides")
# the good case still writes both
rc, _, err = run("grad", "prelu", "--alpha-npy", slopes, "--channels-last", xp, dyp, path("dx_ok.npy"),
                 "--dparam", path("da_ok.npy"))
check(rc == 0 and os.path.exists(path("dx_ok.npy")) and os.path.exists(path("da_ok.npy")),
      f"grad with --dparam writes both (rc {rc}: {err.strip()})")

# train: every output path is checked before the work starts
d = dataset(path("data"))
rc, out, err = run("train", "--data", d, "--epochs", "1", "--hidden", "4", "--quiet",
                   "--save", path("nodir/m.safetensors"), "--report", path("r.json"))
check(rc == 1 and not os.path.exists(path("r.json")), f"train --save unwritable leaves no report (rc {rc})")
check("epoch" not in out, "train --save unwritable fails before training")
check("nodir/m.safetensors" in err and "No such file or directory" in err, f"message: '{err.strip()}'")
rc, out, err = run("train", "--data", d, "--epochs", "1", "--hidden", "4", "--quiet",
                   "--save", path("m.safetensors"), "--report", path("nodir/r.json"))
check(rc == 1 and not os.path.exists(path("m.safetensors")) and "epoch" not in out,
      f"train --report unwritable: fails first, no weights (rc {rc})")
rc, out, err = run("train", "--data", d, "--epochs", "1", "--hidden", "4", "--quiet",
                   "--save", path("same.out"), "--report", path("same.out"))
check(rc == 2 and not os.path.exists(path("same.out")), f"train --save = --report refused (rc {rc})")
rc, out, err = run("train", "--data", d, "--epochs", "1", "--hidden", "4", "--quiet", "--threads", "1",
                   "--save", path("m.safetensors"), "--report", path("r.json"))
check(rc == 0 and os.path.exists(path("m.safetensors")) and os.path.exists(path("r.json")),
      f"train --save --report writes both (rc {rc}: {err.strip()})")
check(not leftovers(), f"no temp files left: {leftovers()}")

# the same class elsewhere: bench --json and experiment --json are checked before the work
for cmd in (["bench", "--json", path("nodir/b.json")],
            ["experiment", "dying", "--data", d, "--json", path("nodir/e.json")]):
    rc, out, err = run(*cmd)
    check(rc == 1 and "nodir/" in err and "No such file or directory" in err and not out.strip(),
          f"{cmd[0]} with an unwritable --json fails first, naming it: rc {rc}, '{err.strip()}'")

# ---- 5. plot ranges beyond fp32 --------------------------------------------------------
for rng_ in ("-1e308:1e308", "-1e39:1", "0:3.5e38", "1:1.00000001"):
    rc, _, err = run("plot", "relu", "--range", rng_, "-o", path("p.svg"))
    check(rc == 2 and not os.path.exists(path("p.svg")), f"plot --range {rng_}: rc {rc}, '{err.strip()}'")
rc, _, err = run("plot", "relu", "--range", "-3e38:3e38", "-o", path("wide.svg"))
svg = open(path("wide.svg")).read() if rc == 0 else ""
check(rc == 0 and "nan" not in svg and "inf" not in svg, f"plot --range -3e38:3e38 (fp32) works (rc {rc}: {err.strip()})")

# ---- 7. gzip trailing garbage; long names; messages; empty data sets ----------------------
good = idx([24, 4, 4], bytes(24 * 16))
for tail, what in ((b"\0\0\0\0", "zeros"), (b"garbage!", "text")):
    d = dataset(path(f"gztail_{what}"), gz=True, train_images=gzip.compress(good, mtime=0) + tail)
    rc, _, err = run("train", "--data", d, "--epochs", "1", "--quiet")
    check(rc == 1 and "trailing" in err, f"gzip + trailing {what}: rc {rc}, '{err.strip()}'")
d = dataset(path("gz_two_members"), gz=True, train_images=gzip.compress(good[:100], mtime=0) + gzip.compress(good[100:], mtime=0))
rc, _, err = run("train", "--data", d, "--epochs", "1", "--hidden", "4", "--quiet", "--threads", "1")
check(rc == 0, f"two gzip members (as gzip writes them) are one file (rc {rc}: {err.strip()})")

for n in (248, 250, 255):
    name = "a" * (n - 4) + ".npy"
    rc, _, err = run("eval", "relu", xp, path(name))
    check(rc == 0 and os.path.exists(path(name)), f"output name of {n} bytes: rc {rc}, '{err.strip()}'")
    if os.path.exists(path(name)):
        os.unlink(path(name))
rc, _, err = run("eval", "relu", xp, path("b" * 252 + ".npy"))
check(rc == 1 and "File name too long" in err, f"256-byte name: the system's reason, '{err.strip()}'")
check(not leftovers(), f"no temp files left: {leftovers()}")

rc, _, err = run("eval", "relu", xp, path("nodir/y.npy"))
check(rc == 1 and "nodir/y.npy" in err and "No such file or directory" in err, f"eval: path and reason, '{err.strip()}'")
rc, _, err = run("eval", "relu", tmp, path("y.npy"))
check(rc == 1 and tmp in err and "Is a directory" in err, f"eval reading a directory: '{err.strip()}'")
os.mkdir(path("ydir"))
rc, _, err = run("eval", "relu", xp, path("ydir"))
check(rc == 1 and "ydir" in err and "Is a directory" in err, f"eval writing over a directory: '{err.strip()}'")
rc, _, err = run("grad", "relu", xp, dyp, path("nodir/dx.npy"))
check(rc == 1 and "nodir/dx.npy" in err and "No such file or directory" in err, f"grad: path and reason, '{err.strip()}'")

d = dataset(path("empty"), n_train=0)
rc, _, err = run("train", "--data", d, "--epochs", "1", "--quiet", "--activation", "prelu")
check(rc == 1 and "0 images" in err and "prelu" not in err, f"a data set of 0 images: '{err.strip()}'")

check(not glob.glob(os.path.join(tmp, "**", ".*.??????"), recursive=True), "no temp files anywhere")
shutil.rmtree(tmp, ignore_errors=True)
clitest.finish("hardening")
