"""Test helpers: a clock that moves only when told, valid events, and a thin API client."""

from __future__ import annotations

import itertools
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from aidioma_protocol.events import format_instant
from aidioma_protocol.hlc import Hlc
from aidioma_protocol.ids import uuid7
from sync_server.app import ensure_invite_code

T0 = 1_795_341_600_000  # Sunday 2026-11-22 10:00 UTC
PASSWORD = "correct horse battery"
_counter = itertools.count()


class TestClock:
    """Unix milliseconds; `advance` moves it."""

    __test__ = False  # not a test class, whatever pytest thinks of the name

    def __init__(self, now_ms: int) -> None:
        self.now_ms = now_ms

    def __call__(self) -> int:
        return self.now_ms

    def advance(self, seconds: float) -> None:
        self.now_ms += round(seconds * 1000)


def make_event(device: str = "laptop", kind: str = "practice.attempted", **changes: Any) -> dict:
    """A valid wire event (practice.attempted unless told otherwise), unique each call."""
    n = next(_counter)
    payloads: dict[str, dict[str, Any]] = {
        "practice.attempted": {
            "content_id": f"s{n}",
            "direction": "es-en",
            "answer": "¿Dónde está la biblioteca?",
            "score": 80,
            "verdict": "almost",
            "hints_used": 0,
            "duration_ms": 5000,
            "retention": 0.9,
            "fuzz": False,
        },
        "review.graded": {
            "content_id": f"s{n}",
            "rating": 3,
            "duration_ms": 4000,
            "retention": 0.9,
            "fuzz": False,
        },
    }
    event = {
        "id": uuid7(T0 + n),
        "kind": kind,
        "hlc": Hlc(T0 + n, 0, device).render(),
        "device_id": device,
        "occurred_at": format_instant(T0 + n),
        "tz_offset_min": 60,
        "v": 1,
        "payload": payloads.get(kind, {"anything": [1, "two", {"three": 3.5}]}),
    }
    event.update(changes)
    return event


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


class Api:
    """The protocol's calls over a TestClient or an httpx.Client."""

    def __init__(self, client: TestClient | httpx.Client, app: FastAPI) -> None:
        self.client = client
        self.app = app

    @property
    def invite_code(self) -> str:
        return ensure_invite_code(self.app.state.context.sessions)

    def register(self, username: str = "ana", password: str = PASSWORD, **extra: Any) -> str:
        answer = self.client.post(
            "/v1/auth/register",
            json={
                "username": username,
                "password": password,
                "invite_code": self.invite_code,
                **extra,
            },
        )
        assert answer.status_code == 201, answer.text
        return str(answer.json()["token"])

    def login(self, username: str = "ana", password: str = PASSWORD) -> httpx.Response:
        return self.client.post("/v1/auth/login", json={"username": username, "password": password})

    def sync(
        self, token: str, device: str, cursor: int = 0, events: list[dict] | None = None
    ) -> httpx.Response:
        return self.client.post(
            "/v1/sync",
            json={"device_id": device, "cursor": cursor, "events": events or []},
            headers=bearer(token),
        )

    def sync_ok(self, token: str, device: str, cursor: int = 0, events: list | None = None) -> dict:
        answer = self.sync(token, device, cursor, events)
        assert answer.status_code == 200, answer.text
        return answer.json()  # type: ignore[no-any-return]

    def pull_all(self, token: str, device: str, cursor: int = 0) -> tuple[list[dict], int]:
        """Every event the device gets by syncing until `more` is false, and the last cursor."""
        pulled: list[dict] = []
        while True:
            answer = self.sync_ok(token, device, cursor)
            pulled.extend(answer["events"])
            cursor = answer["cursor"]
            if not answer["more"]:
                return pulled, cursor


def count_rows(app: FastAPI, table: Any, **where: Any) -> int:
    query = select(func.count()).select_from(table)
    for column, value in where.items():
        query = query.where(table.c[column] == value)
    with app.state.context.sessions() as session:
        return int(session.execute(query).scalar_one())
