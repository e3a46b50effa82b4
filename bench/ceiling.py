#!/usr/bin/env python3
"""ceiling.py - what one vector step of a kernel costs, from the compiled code.

For each function and direction, takes the hot loop of activ's compiled kernel (the
prefetching loop <kind>_<dir>_pf of loops.inc, or a named PReLU helper: one step of W
floats per iteration) out of the object file with objdump, and asks llvm-mca for its cost
on a CPU model (default znver3, the Zen 3 reference): instructions and uops per step,
the port-limited cycles per step (llvm-mca's "Block RThroughput": the cycles one
iteration needs when only the execution ports limit it, no latency, no memory), and the
busiest execution resource with its cycles per step (on Zen 3, Zn3FPP0/1 are the two
FMA/multiply pipes, which also hold the divider; FPP2/3 the adders).

Usage: bench/ceiling.py [--obj build/src/CMakeFiles/activ_obj.dir/kernels/avx2.c.o]
                        [--lanes 8] [--mcpu znver3] [--json FILE] [FUNC:DIR ...]
"cycles" is per step of the loop (one vector of --lanes floats; prelu's da loop takes two
vectors per step, its dx loop one: both are listed, their per-element costs add up).
FUNC:DIR defaults to the transcendental kinds of issue 9 (elu, swish, sigmoid, tanh; fwd,
bwd, bwdy where there is one), prelu (its run loops) and the functions of issue 11 that a
peer has (gelu, gelu_tanh, softplus, mish, selu). Needs objdump and llvm-mca.
These are model numbers for the named CPU, not measurements; bench/perf_table.sh gives the
measured speed of the same loops.
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile

DEFAULT = ["elu:fwd", "elu:bwd", "elu:bwdy", "swish:fwd", "swish:bwd", "sigmoid:fwd",
           "sigmoid:bwd", "sigmoid:bwdy", "tanh:fwd", "tanh:bwd", "tanh:bwdy",
           "prelu:fwd", "prelu:bwd",
           # issue 11's functions with a peer
           "gelu:fwd", "gelu:bwd", "gelu_tanh:fwd", "gelu_tanh:bwd", "softplus:fwd",
           "softplus:bwd", "mish:fwd", "mish:bwd", "selu:fwd", "selu:bwd"]
# PReLU is written by hand (prelu.inc): its steps live in these functions
PRELU = {"fwd": "prelu_run_fwd", "bwd": "prelu_run_bwd"}

INSN = re.compile(r"^\s*([0-9a-f]+):\s+(.*)$")
FUNC = re.compile(r"^[0-9a-f]+ <([^>]+)>:$")
JUMP = re.compile(r"^(j[a-z]+)\s+([0-9a-f]+)(\s+<[^>]*>)?$")


def disassemble(obj):
    """{function name: [(address, instruction text)]}"""
    out = subprocess.run(["objdump", "-d", "--no-show-raw-insn", obj], check=True,
                         capture_output=True, text=True).stdout
    funcs, cur = {}, None
    for line in out.splitlines():
        m = FUNC.match(line)
        if m:
            cur = funcs.setdefault(m.group(1), [])
            continue
        m = INSN.match(line)
        if m and cur is not None:
            text = m.group(2).split("#")[0].strip()
            if text and not text.startswith(("nop", "cs nop", "data16", "xchg   %ax,%ax")):
                cur.append((int(m.group(1), 16), text))
    return funcs


def loops(insns):
    """every backward jump's body, [(start index, end index)], innermost first"""
    addr = [a for a, _ in insns]
    found = []
    for i, (a, text) in enumerate(insns):
        m = JUMP.match(text)
        if m and m.group(1) != "jmp":
            t = int(m.group(2), 16)
            if t <= a and t in addr:
                found.append((addr.index(t), i))
    return sorted(found, key=lambda se: se[1] - se[0])


def step_loops(insns, want_prefetch):
    """the candidate step loops: innermost vector loops without non-temporal stores (with
    prefetches when want_prefetch: the prefetching loop of loops.inc)"""
    found = []
    for s, e in loops(insns):
        body = [t for _, t in insns[s:e + 1]]
        if any("movnt" in t for t in body):
            continue
        if want_prefetch and not any(t.startswith("prefetch") for t in body):
            continue
        if not any("ymm" in t or "zmm" in t for t in body):
            continue
        inner = [(s2, e2) for s2, e2 in loops(insns) if s <= s2 and e2 <= e and (s2, e2) != (s, e)]
        if inner:
            continue
        found.append((s, e))
    return found


def pick_loop(insns, want_prefetch):
    """the step loop: the largest candidate"""
    found = step_loops(insns, want_prefetch)
    return max(found, key=lambda se: se[1] - se[0]) if found else None


def prelu_bwd_loops(insns):
    """prelu_run_bwd's two loops per block: the da sums (widening loads: two vectors per
    iteration) and dx (one vector per iteration); [(loop, vectors per iteration, tag)]"""
    out = []
    for s, e in step_loops(insns, False):
        body = [t for _, t in insns[s:e + 1]]
        if any(t.startswith("vcvtps2pd") for t in body) and not any(r[2] == "da" for r in out):
            out.append(((s, e), 2, "da"))
        elif any(t.startswith("vmovups") or t.startswith("vmovdqu") for t in body) and \
                any(t.startswith("vmulps") for t in body) and not any(r[2] == "dx" for r in out):
            out.append(((s, e), 1, "dx"))
    return out


def mca(body, mcpu):
    """llvm-mca's summary of one loop body: instructions, uops, block reciprocal throughput"""
    addr = {a for a, _ in body}
    lines = []
    for a, text in body:
        lines.append(f"L{a:x}:")
        m = JUMP.match(text)
        if m:
            t = int(m.group(2), 16)
            text = f"{m.group(1)} L{t:x}" if t in addr else f"{m.group(1)} Lout"
        lines.append("\t" + text)
    lines.append("Lout:")
    with tempfile.NamedTemporaryFile("w", suffix=".s", delete=False) as f:
        f.write("\n".join(lines) + "\n")
        path = f.name
    try:
        r = subprocess.run(["llvm-mca", f"-mcpu={mcpu}", "-iterations=200", path],
                           capture_output=True, text=True)
    finally:
        os.unlink(path)
    if r.returncode != 0:
        raise RuntimeError(r.stderr.strip().splitlines()[-1] if r.stderr else "llvm-mca failed")
    val = {}
    for key, pat in (("insns", r"Instructions:\s+(\d+)"), ("uops", r"Total uOps:\s+(\d+)"),
                     ("rthroughput", r"Block RThroughput:\s+([\d.]+)")):
        m = re.search(pat, r.stdout)
        val[key] = float(m.group(1)) if m else None
    val["insns"] /= 200
    val["uops"] /= 200
    # the busiest execution resource: its cycles per iteration and name
    names = dict(re.findall(r"^\[([\d.]+)\]\s+-\s+(\S+)", r.stdout, re.M))
    m = re.search(r"Resource pressure per iteration:\n(.*)\n(.*)\n", r.stdout)
    val["busiest"], val["busiest_cycles"] = None, None
    if m:
        cols = re.findall(r"\[([\d.]+)\]", m.group(1))
        for c, v in zip(cols, m.group(2).split()):
            if v != "-" and (val["busiest_cycles"] is None or float(v) > val["busiest_cycles"]):
                val["busiest"], val["busiest_cycles"] = names.get(c, c), float(v)
    return val


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--obj", default="build/src/CMakeFiles/activ_obj.dir/kernels/avx2.c.o")
    ap.add_argument("--lanes", type=int, default=8, help="floats per step (AVX2 8, AVX-512 16)")
    ap.add_argument("--mcpu", default="znver3")
    ap.add_argument("--json")
    ap.add_argument("rows", nargs="*", default=DEFAULT)
    a = ap.parse_args()
    if not os.path.exists(a.obj):
        sys.exit(f"ceiling.py: {a.obj} not found (build first: make)")
    funcs = disassemble(a.obj)
    print(f"# {os.path.basename(a.obj)}, llvm-mca -mcpu={a.mcpu}, one step = {a.lanes} floats")
    print(f"{'function':10} {'dir':5} {'loop':28} {'insns':>6} {'uops':>6} {'cycles':>7} "
          f"{'insns/el':>9} {'cyc/el':>7}  busiest resource (cycles)")
    rows = []
    for spec in a.rows:
        kind, _, d = spec.partition(":")
        if kind == "prelu":
            names = [PRELU[d]]
            want_pf = False
        else:
            names = [f"{kind}_{d}_pf", f"{kind}_{d}_pf.constprop.0"]
            want_pf = True
        name = next((n for n in names if n in funcs), None)
        if name is None:
            print(f"{kind:10} {d:5} (no function {names[0]} in {a.obj})")
            continue
        insns = funcs[name]
        if kind == "prelu" and d == "bwd":
            parts = prelu_bwd_loops(insns)
        else:
            lp = pick_loop(insns, want_pf)
            parts = [(lp, 1, None)] if lp else []
        if not parts:
            print(f"{kind:10} {d:5} (no step loop found in {name})")
            continue
        for lp, steps, tag in parts:
            v = mca(insns[lp[0]:lp[1] + 1], a.mcpu)
            el = a.lanes * steps
            label = f"{name} ({tag})" if tag else name
            v.update(function=kind, dir=d, loop=label, lanes=el,
                     insns_per_el=v["insns"] / el, cycles_per_el=v["rthroughput"] / el)
            rows.append(v)
            print(f"{kind:10} {d:5} {label:28} {v['insns']:6.0f} {v['uops']:6.0f} "
                  f"{v['rthroughput']:7.2f} {v['insns_per_el']:9.2f} {v['cycles_per_el']:7.3f}  "
                  f"{v['busiest']} ({v['busiest_cycles']:.1f})")
    if a.json:
        with open(a.json, "w") as f:
            json.dump({"obj": a.obj, "mcpu": a.mcpu, "rows": rows}, f, indent=1)


if __name__ == "__main__":
    main()
