"""What the Python CLI tests share: the binary under test (argv[1]), a temporary folder,
a check counter, running the binary, and saving arrays into the folder."""
import os
import subprocess
import sys
import tempfile

import numpy as np

ACTIV = os.path.abspath(sys.argv[1])
tmp = tempfile.mkdtemp()
checks = 0
failures = 0


def check(cond, what):
    global checks, failures
    checks += 1
    if not cond:
        failures += 1
        print("FAIL:", what)


def run(*args):
    p = subprocess.run([ACTIV, *map(str, args)], capture_output=True, text=True)
    return p.returncode, p.stdout, p.stderr


def path(name):
    return os.path.join(tmp, name)


def save(name, a):
    np.save(path(name), a)
    return path(name)


def finish(name):
    print(f"{name}: {checks} checks, {failures} failures")
    sys.exit(1 if failures else 0)
