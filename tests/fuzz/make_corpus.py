#!/usr/bin/env python3
"""make_corpus.py OUTDIR - writes the seed corpora of the fuzz targets (tests/fuzz/*.c):
OUTDIR/npy, OUTDIR/idx, OUTDIR/safetensors and OUTDIR/spec, valid files first and a few near misses.
Standard library only (the .npy files are written by hand, byte for byte as NumPy does)."""
import gzip
import json
import os
import struct
import sys


def npy(shape, values, version=1, descr="'<f4'", fortran="False", extra=""):
    sh = "(" + "".join(f"{d}, " for d in shape)
    sh = (sh[:-2] + ("," if len(shape) == 1 else "") if shape else sh) + ")"
    d = "{'descr': %s, 'fortran_order': %s, 'shape': %s, %s}" % (descr, fortran, sh, extra)
    pre = 10 if version == 1 else 12
    pad = (64 - (pre + len(d) + 1) % 64) % 64
    h = (d + " " * pad + "\n").encode("latin1")
    lenb = struct.pack("<H", len(h)) if version == 1 else struct.pack("<I", len(h))
    return b"\x93NUMPY" + bytes([version, 0]) + lenb + h + struct.pack(f"<{len(values)}f", *values)


def idx(dims, payload):
    return bytes([0, 0, 8, len(dims)]) + b"".join(struct.pack(">I", d) for d in dims) + payload


def safetensors(tensors, meta=True):
    """tensors: list of (name, shape, values)"""
    hdr, off, blob = {}, 0, b""
    if meta:
        hdr["__metadata__"] = {"format": "pt"}
    for name, shape, vals in tensors:
        b = struct.pack(f"<{len(vals)}f", *vals)
        hdr[name] = {"dtype": "F32", "shape": shape, "data_offsets": [off, off + len(b)]}
        off += len(b)
        blob += b
    h = json.dumps(hdr, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    return struct.pack("<Q", len(h)) + h + blob


def main():
    out = sys.argv[1]
    seeds = {"npy": {}, "idx": {}, "safetensors": {}, "spec": {}}
    s = seeds["npy"]
    s["scalar"] = npy([], [1.5])
    s["vec3"] = npy([3], [1.0, -2.0, 0.5])
    s["mat2x3"] = npy([2, 3], [float(i) for i in range(6)])
    s["empty0"] = npy([0], [])
    s["zero_dim_last"] = npy([4, 0], [])
    s["v2"] = npy([2, 2], [1, 2, 3, 4], version=2)
    s["v3"] = npy([1, 1, 2], [7, 8], version=3)
    s["fortran_1d"] = npy([3], [1, 2, 3], fortran="True")
    s["dq_keys"] = npy([2], [1, 2]).replace(b"'descr'", b'"descr"')
    s["decoy"] = npy([2], [1, 2], descr="'<f8'", extra="'x': 'descr', ")  # rejected
    s["truncated"] = npy([1000], [1.0] * 4)                                  # rejected
    s["f8"] = npy([2], [1, 2], descr="'<f8'")                                # rejected
    s = seeds["idx"]
    s["labels"] = idx([5], bytes([0, 1, 2, 3, 9]))
    s["images"] = idx([2, 3, 3], bytes(range(18)))
    s["images_gz"] = gzip.compress(idx([2, 2, 2], bytes(range(8))), mtime=0)
    s["two_members_gz"] = gzip.compress(idx([4], b"ab"), mtime=0) + gzip.compress(b"cd", mtime=0)
    s["zero_images"] = idx([0, 28, 28], b"")
    s["four_dims"] = idx([1, 2, 1, 2], b"wxyz")
    s["gz_trailing"] = gzip.compress(idx([2], b"xy"), mtime=0) + b"\0\0\0"  # rejected
    s["claims_16g"] = idx([65536, 512, 512], bytes(980))                   # rejected
    s = seeds["safetensors"]
    model = [("dense_0.weight", [3, 4], 12), ("dense_0.bias", [4], 4), ("dense_0.prelu_alpha", [4], 4),
             ("dense_1.weight", [4, 2], 8), ("dense_1.bias", [2], 2), ("dense_1.swish_beta", [1], 1),
             ("dense_2.weight", [2, 3], 6), ("dense_2.bias", [3], 3)]
    full = [(n, sh, [0.01 * (i + 1) for i in range(k)]) for n, sh, k in model]
    s["model"] = safetensors(full)
    s["model_nometa"] = safetensors(full, meta=False)
    s["model_reversed"] = safetensors(list(reversed(full)))
    s["missing_tensor"] = safetensors(full[:-1])                       # rejected
    s["wrong_shape"] = safetensors([(full[0][0], [4, 3], full[0][2])] + full[1:])  # rejected
    s = seeds["spec"]
    s["reference"] = (b"conv64k3p1-bn-relu-pool2-dropout0.25,conv128k3p1-bn-relu-pool2-dropout0.25,"
                      b"flatten,dense128-bn-relu-dropout0.5,dense10")
    s["small"] = b"conv8k5s2p2nobias-prelu-avgpool2s1,maxpool2,flatten,dense16-bn-swish,dense10"
    s["bad_token"] = b"conv32k3-bn-relu-pool2,conv64x3"                  # rejected
    s["dense_first"] = b"dense10"                                        # rejected: needs a flat input
    for kind, files in seeds.items():
        d = os.path.join(out, kind)
        os.makedirs(d, exist_ok=True)
        for name, data in files.items():
            with open(os.path.join(d, name), "wb") as f:
                f.write(data)
    print(f"make_corpus.py: {sum(len(v) for v in seeds.values())} seeds in {out}")


if __name__ == "__main__":
    main()
