"""What ships, measured after `make dist` (sizes in MiB, as `du -m` counts them):

- deb_mb, archive_mb: the .deb and the portable .tar.xz in dist/.
- installed_mb: /opt/aidioma when the .deb is installed, else the bundle it installs.
- installed_start_ms: the installed launcher (else the bundle's) on a virtual screen (Xvfb), with
  an existing profile, until the Today page has painted its numbers; the median of 5 starts.
- server_only_install_mb: a fresh virtual environment holding only the sync server, installed
  from dist/ as packaging/README.md says.
- build_s: how long `make dist` took (build/build_s, written by packaging/build.py).

packaging/dist_check.py uses the same helpers for its checks.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist"
BUNDLE = ROOT / "build" / "bundle" / "aidioma"
INSTALLED = Path("/opt/aidioma")
MIB = 1024 * 1024


def folder_mib(folder: Path) -> float:
    return sum(p.lstat().st_size for p in folder.rglob("*") if not p.is_dir()) / MIB


def one(pattern: str) -> Path:
    found = sorted(DIST.glob(pattern))
    if not found:
        raise SystemExit(f"no dist/{pattern}: run `make dist` first")
    return found[-1]


@contextlib.contextmanager
def virtual_screen() -> Iterator[str]:
    """A fresh Xvfb display, e.g. ":7", for as long as the block runs."""
    if shutil.which("Xvfb") is None:
        raise SystemExit("Xvfb is not installed (Debian: apt-get install xvfb)")
    read, write = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write), "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        pass_fds=(write,),
        stderr=subprocess.DEVNULL,
    )
    os.close(write)
    with os.fdopen(read) as announced:
        number = announced.readline().strip()  # Xvfb writes it once it accepts clients
    try:
        if not number:
            raise SystemExit("Xvfb did not start")
        yield f":{number}"
    finally:
        server.terminate()
        server.wait(timeout=30)


def app_env(home: Path, display: str | None = None) -> dict[str, str]:
    """The environment of a person whose home folder is `home` (their data goes there)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("XDG_", "AIDIOMA_", "QT_")) and key != "DISPLAY"
    }
    env["HOME"] = str(home)
    if display:
        env["DISPLAY"] = display
    else:
        env["QT_QPA_PLATFORM"] = "offscreen"
    return env


def first_paint_ms(launcher: Path, home: Path, profile: str, display: str) -> float:
    """Launcher to the Today page painted with its numbers, on `display`; the app then quits."""
    env = {**app_env(home, display), "AIDIOMA_EXIT_AFTER_FIRST_PAINT": "1"}
    started = time.perf_counter()
    child = subprocess.Popen(
        [str(launcher), "--profile", profile], stdout=subprocess.PIPE, text=True, env=env
    )
    assert child.stdout is not None
    elapsed = None
    for line in child.stdout:
        if line.startswith("first-paint-ms") and elapsed is None:
            elapsed = (time.perf_counter() - started) * 1000
    if child.wait(timeout=120) != 0 or elapsed is None:
        raise RuntimeError(f"{launcher} did not paint the Today page (exit {child.returncode})")
    return elapsed


def cli(launcher: Path, home: Path, *args: str, answer: str = "") -> str:
    done = subprocess.run(
        [str(launcher), *args], input=answer, capture_output=True, text=True,
        env=app_env(home), timeout=300,
    )  # fmt: skip
    if done.returncode != 0:
        raise RuntimeError(f"aidioma {' '.join(args)}: exit {done.returncode}\n{done.stderr}")
    return done.stdout


def server_venv(
    target: Path, *extra: str, server: str = "aidioma-sync-server", base: str = sys.executable
) -> Path:
    """A virtual environment of Python `base` with only the sync server (`server`: with any
    extras, e.g. its database drivers) and `extra` requirements, installed from dist/ with the
    locked versions; its python. With SQLite, the default, the server needs no extra."""
    subprocess.run([base, "-m", "venv", str(target)], check=True)
    python = target / "bin" / "python"
    subprocess.run(
        [
            str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
            "--no-cache-dir", "--find-links", str(DIST), "-c", str(ROOT / "requirements.lock"),
            server, *extra,
        ],
        check=True,
    )  # fmt: skip
    return python


def run() -> Iterator[tuple[str, float, str]]:
    yield "deb_mb", one("aidioma_*.deb").stat().st_size / MIB, "MiB"
    yield "archive_mb", one("aidioma-*-linux-*.tar.xz").stat().st_size / MIB, "MiB"
    installed = INSTALLED.is_dir()
    yield "installed_mb", folder_mib(INSTALLED if installed else BUNDLE), "MiB"
    launcher = Path("/usr/bin/aidioma") if installed else BUNDLE / "aidioma"
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        cli(launcher, home, "profiles", "create", "Bench")
        cli(launcher, home, "--profile", "Bench", "practice", "--count", "1", answer="I\n")
        with virtual_screen() as display:
            first_paint_ms(launcher, home, "Bench", display)  # the first start fills caches
            starts = [first_paint_ms(launcher, home, "Bench", display) for _ in range(5)]
        yield "installed_start_ms", statistics.median(starts), "ms"
        server_venv(home / "server")
        yield "server_only_install_mb", folder_mib(home / "server"), "MiB"
    build_s = ROOT / "build" / "build_s"
    if build_s.exists():
        yield "build_s", float(build_s.read_text()), "s"
