"""Shared fixtures: a real data folder per test, a clock that moves only when told to."""

from __future__ import annotations

import os
from collections.abc import Iterator
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

# Sunday 2026-11-22 10:00 UTC
T0 = 1_795_341_600_000
HOUR = 3_600_000
DAY = 24 * HOUR


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
