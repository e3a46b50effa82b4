"""Builds activ._activ: CMake builds the static PIC libactiv from the repository root (the
ISA files need their own compiler flags, which src/CMakeLists.txt already knows), and the
extension links it, so the installed package needs no shared libactiv.

Environment:
  ACTIV_SOURCE_DIR  the activ source tree (default: the folder above this one)
  ACTIV_BUILD_DIR   an existing CMake build of it to link (default: a fresh one in build_temp)
"""
import os
import pathlib
import re
import subprocess

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext

HERE = pathlib.Path(__file__).resolve().parent


def source_dir():
    d = pathlib.Path(os.environ.get("ACTIV_SOURCE_DIR", HERE.parent)).resolve()
    if not (d / "include" / "activ.h").is_file():
        raise SystemExit(f"activ: no include/activ.h under {d}; set ACTIV_SOURCE_DIR to the activ source tree")
    return d


def library_version():
    """The version the C library reports (ACTIV_VERSION_STRING in include/activ.h)."""
    text = (source_dir() / "include" / "activ.h").read_text()
    m = re.search(r'#define\s+ACTIV_VERSION_STRING\s+"([^"]+)"', text)
    if not m:
        raise SystemExit("activ: ACTIV_VERSION_STRING not found in include/activ.h")
    return m.group(1)


class CMakeBuildExt(build_ext):
    def build_extension(self, ext):
        import numpy

        src = source_dir()
        given = os.environ.get("ACTIV_BUILD_DIR")
        bdir = pathlib.Path(given).resolve() if given else pathlib.Path(self.build_temp).resolve() / "libactiv"
        if not given:
            jobs = os.environ.get("CMAKE_BUILD_PARALLEL_LEVEL", str(min(os.cpu_count() or 1, 4)))
            subprocess.check_call(["cmake", "-S", str(src), "-B", str(bdir), "-DCMAKE_BUILD_TYPE=Release",
                                   "-DACTIV_CUDA=OFF", "-DACTIV_PYTHON=OFF"])
            subprocess.check_call(["cmake", "--build", str(bdir), "--target", "activ_static", "-j", jobs])
        lib = bdir / "src" / "libactiv.a"
        if not lib.is_file():
            raise SystemExit(f"activ: {lib} was not built")
        ext.include_dirs += [str(src / "include"), numpy.get_include()]
        ext.extra_objects = [str(lib)]
        ext.extra_compile_args += ["-std=c11", "-O2", "-Wall", "-Wextra", "-fvisibility=hidden"]
        ext.extra_link_args += ["-pthread"]
        ext.libraries += ["m"]
        super().build_extension(ext)


setup(
    version=library_version(),
    ext_modules=[Extension("activ._activ", ["activ/_activ.c"])],
    cmdclass={"build_ext": CMakeBuildExt},
)
