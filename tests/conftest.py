"""Shared fixtures: a real data folder per test, a clock that moves only when told to."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import keyring
import keyring.backend
import keyring.errors
import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from aidioma_desktop.services.clock import ManualClock
from aidioma_desktop.services.content import ContentLibrary
from aidioma_desktop.services.session import Learner, SessionService
from aidioma_desktop.store.paths import AppPaths
from tests.ai.standin import StandIn

# Sunday 2026-11-22 10:00 UTC
T0 = 1_795_341_600_000
HOUR = 3_600_000
DAY = 24 * HOUR


def long_history(paths: AppPaths, profile: str, events: int) -> int:
    """`events` practised over years on `profile`, never synced; how many wait to be sent."""
    from benchmarks.data import activity

    service = SessionService(paths, ManualClock(T0))
    learner = service.login(profile)
    learner.db.append(activity(events, list(service.library.sentences), learner.device_id))
    waiting = learner.db.outbox_count()
    service.logout(learner)
    return waiting


@pytest.fixture(scope="session")
def library() -> ContentLibrary:
    return ContentLibrary.load()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(T0, 60)  # UTC+1, as in Madrid in winter


@pytest.fixture
def paths(tmp_path: Path) -> AppPaths:
    return AppPaths.resolve(tmp_path / "data")


@pytest.fixture
def service(paths: AppPaths, clock: ManualClock, library: ContentLibrary) -> SessionService:
    return SessionService(paths, clock, library)


@pytest.fixture
def learner(service: SessionService) -> Iterator[Learner]:
    service.create_profile("Ana", level="beginner")
    who = service.login("Ana")
    who.change_setting("review_fuzz", False)
    yield who
    if who.session_id:
        service.logout(who)


class MemoryKeyring(keyring.backend.KeyringBackend):
    """An OS keyring stand-in that keeps secrets in memory only (never a file)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self.secrets.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError(username)


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    before = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(before)


class TinyDisk:
    """A real file system with little room (tmpfs), to fill up: a full disk as a person meets it,
    not a patched error. `grow` frees room, as deleting other files would."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def _mount(self, *options: str) -> subprocess.CompletedProcess[str]:
        command = ["mount", "-t", "tmpfs", "-o", ",".join(options), "tmpfs", str(self.folder)]
        return subprocess.run(command, capture_output=True, text=True)

    def grow(self, size: str) -> None:
        done = self._mount("remount", f"size={size}")
        assert done.returncode == 0, done.stderr


@pytest.fixture
def tiny_disk() -> Iterator[Callable[..., TinyDisk]]:
    """`tiny_disk("2m", owner="postgres")`: an empty folder on a disk of that size, owned by
    `owner` (a database server's user), in the system's temporary folder where such a user can
    reach it. Mounting needs root (as in CI, where these tests must run); elsewhere they are
    skipped."""
    mounted: list[TinyDisk] = []

    def make(size: str, owner: str | None = None) -> TinyDisk:
        disk = TinyDisk(Path(tempfile.mkdtemp(prefix="aidioma-disk-")))
        disk.folder.chmod(0o755)
        done = disk._mount(f"size={size}", "mode=0700")
        if done.returncode != 0:
            disk.folder.rmdir()
            reason = f"cannot mount a small disk here: {done.stderr.strip()}"
            if os.environ.get("CI", "").lower() == "true":
                pytest.fail(f"{reason} (CI=true: these tests must run)")
            pytest.skip(reason)
        mounted.append(disk)
        if owner:
            shutil.chown(disk.folder, owner, owner)
        return disk

    yield make
    for disk in mounted:
        subprocess.run(["umount", "--lazy", str(disk.folder)], capture_output=True)
        with contextlib.suppress(OSError):  # still mounted: nothing more to do from here
            disk.folder.rmdir()


@pytest.fixture(scope="module")
def standin(request: pytest.FixtureRequest) -> Iterator[StandIn]:
    """One model stand-in per test module, on 127.0.0.1. The key it wants is the module's
    STANDIN_KEY (none set: any key, or none, is accepted)."""
    with StandIn(key=getattr(request.module, "STANDIN_KEY", None)) as server:
        yield server


@pytest.fixture
def server(standin: StandIn) -> Iterator[StandIn]:
    """The module's stand-in, as new for each test."""
    standin.reset()
    yield standin
    standin.release.set()  # nothing stays held for the next test
