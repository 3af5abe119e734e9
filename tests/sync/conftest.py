"""Devices of one family: real profile folders, real SQLite, a real sync server on 127.0.0.1."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from aidioma_desktop.services.clock import ManualClock
from aidioma_desktop.services.content import ContentLibrary
from aidioma_desktop.services.session import Learner, SessionService
from aidioma_desktop.services.sync import KEYRING_SERVICE, SyncService
from aidioma_desktop.store.paths import AppPaths
from aidioma_desktop.store.secrets import SecretStore
from tests.conftest import T0, MemoryKeyring
from tests.live_server import LiveServer

PASSWORD = "correct horse battery"
_names = itertools.count(1)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with LiveServer(tmp_path_factory.mktemp("server")) as live:
        yield live


def unique_user(prefix: str = "fam") -> str:
    return f"{prefix}{next(_names)}"


@dataclass
class Device:
    """One laptop: its own data folder, clock and profile, logged in."""

    name: str
    paths: AppPaths
    clock: ManualClock
    service: SessionService
    learner: Learner
    sync: SyncService

    def record(self, kind: str, payload: dict[str, Any]) -> None:
        self.learner.record(kind, payload)

    def practise(self, content_id: str, score: int) -> None:
        verdict = "correct" if score >= 90 else "almost" if score >= 60 else "wrong"
        self.record(
            "practice.attempted",
            {
                "content_id": content_id,
                "direction": "es-en",
                "answer": f"answer {score}",
                "score": score,
                "verdict": verdict,
                "hints_used": score % 3,
                "duration_ms": 4000 + score,
                "retention": 0.9,
                "fuzz": score % 2 == 0,
            },
        )

    def rate(self, content_id: str, rating: int) -> None:
        self.record(
            "review.graded",
            {
                "content_id": content_id,
                "rating": rating,
                "duration_ms": 3000,
                "retention": 0.9,
                "fuzz": True,
            },
        )

    def accept(self, content_id: str, n: int) -> None:
        """Say "I was right" (n even) or take it back (n odd) of the latest attempt of
        `content_id` this device holds, with one of two spellings of one answer."""
        attempts = [
            e
            for e in self.learner.db.events()
            if e.kind == "practice.attempted" and e.payload["content_id"] == content_id
        ]
        payload = {
            "content_id": content_id,
            "direction": "es-en",
            "answer": "I arise at seven." if n % 4 < 2 else "i arise at seven",
        }
        if attempts:
            payload["attempt_id"] = attempts[-1].id
        self.record("answer.unaccepted" if n % 2 else "answer.accepted", payload)

    def restart(self) -> None:
        """The app is killed and opened again: no logout, a new process state from the file."""
        self.sync.close()
        self.learner.close()
        self.learner = self.service.login("Me")
        self.sync = SyncService(self.learner, self.sync.tokens)

    def state(self) -> dict[str, Any]:
        db = self.learner.db
        return {
            "events": sorted(e.id for e in db.events()),
            "progress": db.all_progress(),
            "days": db.day_stats(),
            "settings": db.settings(),
            "cards": sorted(
                (c.id, c.es, c.en) for c in (db.content(i) for i in _added_ids(db)) if c is not None
            ),
            "accepted": {cid: db.accepted_answers(cid, "es-en") for cid in _accepted_ids(db)},
        }


def _accepted_ids(db: Any) -> list[str]:
    return sorted({e.payload["content_id"] for e in db.events() if e.kind.startswith("answer.")})


def _added_ids(db: Any) -> list[str]:
    return sorted({e.payload["content_id"] for e in db.events() if e.kind == "card.added"})


@pytest.fixture
def make_device(tmp_path: Path, memory_keyring: MemoryKeyring) -> Iterator[Callable[..., Device]]:
    made: list[Device] = []
    library = ContentLibrary.load()

    def make(
        name: str,
        start_ms: int = T0,
        offset_min: int = 60,
        root: Path | None = None,
        **profile: Any,
    ) -> Device:
        """`profile`: create_profile's choices (level, languages...); `root`: the folder that
        holds the device's data folder (default: the test's own)."""
        paths = AppPaths.resolve((root or tmp_path) / name)
        clock = ManualClock(start_ms, offset_min)
        service = SessionService(paths, clock, library)
        service.create_profile("Me", **profile)
        learner = service.login("Me")
        device = Device(
            name, paths, clock, service, learner, SyncService(learner, SecretStore(KEYRING_SERVICE))
        )
        made.append(device)
        return device

    yield make
    for device in made:
        device.sync.close()
        if device.learner.session_id:
            device.service.logout(device.learner)


def signed_in_pair(
    make_device: Callable[..., Device], server: LiveServer, prefix: str = "pair"
) -> tuple[Device, Device, str]:
    """Two laptops, "a" and "b", signed in to one new account."""
    username = unique_user(prefix)
    a, b = make_device("a"), make_device("b")
    a.sync.register(server.url, username, PASSWORD, server.invite_code)
    b.sync.sign_in(server.url, username, PASSWORD)
    return a, b, username
