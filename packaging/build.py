"""Build what ships, for the OS this runs on, into dist/ (`make dist`).

    python packaging/build.py [wheels] [bundle] [archive] [deb] [dmg] [installer]

With no step named, every step of this OS: Linux wheels, bundle, archive, deb; macOS wheels,
bundle, dmg; Windows wheels, bundle, installer. The steps:

- wheels: the sync server's wheel and the shared contract's (aidioma_protocol) beside it, so
  `pip install --find-links dist aidioma-sync-server` installs the server alone.
- bundle: the desktop app as one folder (PyInstaller, packaging/aidioma.spec) in build/bundle/.
- archive: that folder as a portable .tar.xz that runs from anywhere (Linux).
- deb: a Debian package: the folder in /opt/aidioma, `aidioma` on the PATH, a menu entry.
- dmg: AIdioma.app, ad-hoc signed, in a disk image (macOS; packaging/macos/README.md).
- installer: a per-user Windows installer with Inno Setup (packaging/windows/aidioma.iss).

packaging/README.md says why PyInstaller, and what each OS needs.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DIST = ROOT / "dist"
BUILD = ROOT / "build"
BUNDLE = BUILD / "bundle" / "aidioma"
PACKAGING = ROOT / "packaging"

STEPS = {
    "linux": ("wheels", "bundle", "archive", "deb"),
    "darwin": ("wheels", "bundle", "dmg"),
    "win32": ("wheels", "bundle", "installer"),
}


def version() -> str:
    sys.path.insert(0, str(ROOT))
    from aidioma_protocol import __version__

    return __version__


def run(*command: str | Path, **options: object) -> None:
    print("+", " ".join(str(part) for part in command), flush=True)
    subprocess.run([str(part) for part in command], check=True, **options)  # type: ignore[call-overload]


def wheels() -> list[Path]:
    """aidioma_protocol and aidioma_sync_server wheels, each built from a staging folder that
    holds only its package and its packaging/<name>/pyproject.toml."""
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "optional-dependencies"
    ]
    server_requirements = {
        "requirements.txt": [*extras["server"], f"aidioma-protocol=={version()}"],
        "postgresql.txt": extras["postgresql"],
        "mariadb.txt": extras["mariadb"],
    }
    DIST.mkdir(exist_ok=True)
    built = []
    for name, package, wheel_name, requirements in (
        ("protocol", "aidioma_protocol", "aidioma_protocol", {}),
        ("server", "sync_server", "aidioma_sync_server", server_requirements),
    ):
        with tempfile.TemporaryDirectory() as staging_dir:
            staging = Path(staging_dir)
            shutil.copy(PACKAGING / name / "pyproject.toml", staging)
            shutil.copytree(
                ROOT / package,
                staging / package,
                ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
            )
            for file_name, lines in requirements.items():
                (staging / file_name).write_text("\n".join(lines) + "\n")
            run(
                sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
                "--no-build-isolation", "--wheel-dir", DIST, staging,
            )  # fmt: skip
            built.append(DIST / f"{wheel_name}-{version()}-py3-none-any.whl")
    return built


def bundle() -> Path:
    run(
        sys.executable, "-m", "PyInstaller", "--noconfirm", "--log-level", "WARN",
        "--distpath", BUILD / "bundle", "--workpath", BUILD / "pyinstaller",
        PACKAGING / "aidioma.spec",
    )  # fmt: skip
    if sys.platform == "linux":
        _strip(BUNDLE)
    return BUNDLE


def _strip(folder: Path) -> None:
    """Debug symbols out of the bundle's libraries, but not out of auditwheel's `*.libs`
    folders, nor through the links PyInstaller makes to them: numpy's OpenBLAS stripped stops
    loading ("ELF load command address/offset not page-aligned"), and PyInstaller's own strip
    option strips it."""
    libraries = [
        path
        for path in folder.rglob("*.so*")
        if path.is_file()
        and not path.is_symlink()
        and not any(part.endswith(".libs") for part in path.parts)
    ]
    print(f"+ strip --strip-unneeded ({len(libraries)} libraries)", flush=True)
    for start in range(0, len(libraries), 200):
        subprocess.run(["strip", "--strip-unneeded", *libraries[start : start + 200]], check=True)


def _machine() -> str:
    return {"AMD64": "x86_64", "arm64": "aarch64"}.get(platform.machine(), platform.machine())


def archive() -> Path:
    """A portable folder, aidioma-<version>-linux-<machine>/, packed as .tar.xz: as .tar.gz it
    was 180 MiB, as .tar.xz 150 (the bar is 170); every Linux's tar and file manager open it."""
    name = f"aidioma-{version()}-linux-{_machine()}"
    target = DIST / f"{name}.tar.xz"
    partial = target.with_name(target.name + ".partial")
    print(f"+ tar | xz -T0 > {target}", flush=True)
    with partial.open("wb") as out:
        tar = subprocess.Popen(
            ["tar", "-C", str(BUNDLE.parent), f"--transform=s,^aidioma,{name},",
             "--owner=0", "--group=0", "-cf", "-", "aidioma"],
            stdout=subprocess.PIPE,
        )  # fmt: skip
        xz = subprocess.run(["xz", "-T0", "-6", "-c"], stdin=tar.stdout, stdout=out)
        assert tar.stdout is not None
        tar.stdout.close()
        if tar.wait() != 0 or xz.returncode != 0:
            raise SystemExit(f"packing {target} failed")
    partial.replace(target)
    return target


DEB_DEPENDS = (
    # What the bundle's Qt takes from the system (ldd of every library in the bundle: the
    # graphics drivers' libraries and the X11/Wayland client libraries PyInstaller leaves out).
    "libc6 (>= 2.36), libegl1, libgl1, libxcb1, libxcb-icccm4, libxcb-keysyms1, "
    "libwayland-client0, libwayland-cursor0, libwayland-egl1, libpulse0"
)
DEB_RECOMMENDS = (
    # Voices for Listen, a keyring for API keys and sync tokens, GTK dialogs.
    "speech-dispatcher, libspeechd2, gnome-keyring | kwalletmanager, libgtk-3-0"
)


def deb(package_version: str | None = None, compression: str = "xz") -> Path:
    """A .deb: /opt/aidioma (the bundle), /usr/bin/aidioma, the menu entry and its icon.
    Removing it leaves each person's data, which lives in their home folder."""
    package_version = package_version or version()
    arch = subprocess.run(
        ["dpkg", "--print-architecture"], capture_output=True, text=True, check=True
    ).stdout.strip()
    target = DIST / f"aidioma_{package_version}_{arch}.deb"
    with tempfile.TemporaryDirectory() as staging_dir:
        root = Path(staging_dir) / "root"
        shutil.copytree(BUNDLE, root / "opt" / "aidioma", symlinks=True)
        (root / "usr" / "bin").mkdir(parents=True)
        (root / "usr" / "bin" / "aidioma").symlink_to("/opt/aidioma/aidioma")
        linux = PACKAGING / "linux"
        for source, folder in (
            (linux / "aidioma.desktop", "usr/share/applications"),
            (ROOT / "resources" / "icons" / "aidioma.svg", "usr/share/icons/hicolor/scalable/apps"),
            (linux / "copyright", "usr/share/doc/aidioma"),
        ):
            (root / folder).mkdir(parents=True, exist_ok=True)
            shutil.copy(source, root / folder)
        installed_kb = sum(p.lstat().st_size for p in root.rglob("*") if p.is_file()) // 1024
        control = (
            (linux / "control")
            .read_text(encoding="utf-8")
            .format(
                version=package_version,
                arch=arch,
                installed_kb=installed_kb,
                depends=DEB_DEPENDS,
                recommends=DEB_RECOMMENDS,
            )
        )
        (root / "DEBIAN").mkdir()
        (root / "DEBIAN" / "control").write_text(control, encoding="utf-8")
        for path in root.rglob("*"):  # the modes dpkg expects, whatever the umask was
            if not path.is_symlink():
                executable = path.is_dir() or os.access(path, os.X_OK)
                path.chmod(0o755 if executable else 0o644)
        DIST.mkdir(exist_ok=True)
        run("dpkg-deb", "--root-owner-group", f"-Z{compression}", "--build", root, target)
    return target


def dmg() -> Path:
    """AIdioma.app in a compressed disk image, ad-hoc signed (no developer ID here;
    packaging/macos/README.md says how to sign and notarise for real)."""
    app = BUNDLE.parent / "AIdioma.app"
    run("codesign", "--force", "--deep", "--sign", "-", app)
    target = DIST / f"AIdioma-{version()}-macos-{_machine()}.dmg"
    target.unlink(missing_ok=True)
    run("hdiutil", "create", "-volname", "AIdioma", "-srcfolder", app, "-format", "UDZO", target)
    return target


def installer() -> Path:
    """A per-user Windows installer (no administrator rights) with Inno Setup's compiler."""
    compiler = shutil.which("iscc") or r"C:\Program Files (x86)\Inno Setup 6\ISCC.exe"
    run(
        compiler, f"/DAppVersion={version()}", f"/DBundle={BUNDLE}", f"/O{DIST}",
        PACKAGING / "windows" / "aidioma.iss",
    )  # fmt: skip
    return DIST / f"AIdioma-{version()}-windows-setup.exe"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("steps", nargs="*", help="wheels bundle archive deb dmg installer")
    parser.add_argument("--deb-version", help="the .deb's version (default: the app's)")
    parser.add_argument("--deb-compression", default="xz", choices=["xz", "gzip", "none"])
    args = parser.parse_args(argv)
    steps = args.steps or STEPS[sys.platform]
    unknown = set(steps) - {"wheels", "bundle", "archive", "deb", "dmg", "installer"}
    if unknown:
        parser.error(f"unknown step: {', '.join(sorted(unknown))}")
    started = time.perf_counter()
    for step in steps:
        if step == "deb":
            made: object = deb(args.deb_version, args.deb_compression)
        else:
            made = {"wheels": wheels, "bundle": bundle, "archive": archive, "dmg": dmg,
                    "installer": installer}[step]()  # fmt: skip
        print(f"{step}: {made}", flush=True)
    build_s = time.perf_counter() - started
    if not args.steps:  # a whole build: benchmarks/packaging.py reports it
        BUILD.mkdir(exist_ok=True)
        (BUILD / "build_s").write_text(f"{build_s:.1f}\n")
    print(f"build_s {build_s:.1f}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
